"""Re-inspection windows of the ledger's open findings (《消防监督检查规定》第二十条第二款: 在责令限期改正
期限届满或者收到当事人的复查申请之日起三个工作日内进行复查), in working days of the ruleset's calendar."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from fireenforce.ruleset.compiled import Ruleset


def reinspect_by(ruleset_on: Callable[[dt.date], Ruleset], deadline: dt.date | None,
                 applied_on: dt.date | None) -> dt.date | None:
    """The last day to re-inspect: the ruleset's working days (``policy/ladder.yaml``
    ``reinspection.working_days``) after the deadline, or after the party's application when
    that ends earlier. None where a window runs into a year the calendar does not cover: that
    day is not guessed (the decision's re-inspection window carries DOUBT-CALENDAR-UNCOVERED)."""
    ends = []
    for start in (deadline, applied_on):
        if start is None:
            continue
        ruleset = ruleset_on(start)
        end = ruleset.calendar.add(start, ruleset.policy.spec.ladder.reinspection.working_days)
        if ruleset.calendar.uncovered(start, end):
            return None
        ends.append(end)
    return min(ends, default=None)
