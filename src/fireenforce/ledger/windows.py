"""Re-inspection windows of the ledger's open findings (《消防监督检查规定》第二十条第二款: 在责令限期改正
期限届满或者收到当事人的复查申请之日起三个工作日内进行复查), in working days of the ruleset's calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Literal

from fireenforce.ruleset.compiled import Ruleset


@dataclass(frozen=True, slots=True)
class Window:
    """One re-inspection window: from the deadline or from the party's application (``start``),
    to its ``last`` working day (None where it runs into a year the calendar does not cover)."""

    opened_by: Literal["deadline", "application"]
    start: dt.date
    last: dt.date | None
    days: int  # the ruleset's working days (policy/ladder.yaml reinspection.working_days)

    def lapsed(self, on: dt.date) -> bool:
        """Whether the window ended before ``on``."""
        return self.last is not None and self.last < on


def windows(ruleset_on: Callable[[dt.date], Ruleset], deadline: dt.date | None,
            applied_on: dt.date | None) -> tuple[Window, ...]:
    """Each event's own window: the deadline's, then the application's (where there is one)."""
    out = []
    starts: tuple[tuple[Literal["deadline", "application"], dt.date | None], ...] = (
        ("deadline", deadline), ("application", applied_on))
    for opened_by, start in starts:
        if start is None:
            continue
        ruleset = ruleset_on(start)
        days = ruleset.policy.spec.ladder.reinspection.working_days
        end = ruleset.calendar.add(start, days)
        out.append(Window(opened_by, start, None if ruleset.calendar.uncovered(start, end) else end, days))
    return tuple(out)


def reinspect_by(ruleset_on: Callable[[dt.date], Ruleset], deadline: dt.date | None,
                 applied_on: dt.date | None, on: dt.date | None = None) -> dt.date | None:
    """The last day to re-inspect: the ruleset's working days (``policy/ladder.yaml``
    ``reinspection.working_days``) after the deadline, or after the party's application: the
    earliest window still running on ``on`` (a window that lapsed before it is not the one to
    meet), else the earliest. None where a window runs into a year the calendar does not cover:
    that day is not guessed (the decision's re-inspection window carries DOUBT-CALENDAR-UNCOVERED)."""
    found = windows(ruleset_on, deadline, applied_on)
    if any(w.last is None for w in found):
        return None
    ends = sorted(w.last for w in found if w.last is not None)
    running = [end for end in ends if on is None or end >= on]
    return running[0] if running else ends[0] if ends else None
