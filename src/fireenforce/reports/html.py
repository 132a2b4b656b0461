"""The printable A4 HTML report: the numbers, the charts as embedded SVG, the definitions used."""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from fireenforce.reports.charts import STEP_LABELS, charts

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=True,
                                trim_blocks=True, lstrip_blocks=True, auto_reload=False)


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def _activity(tally: dict[str, Any]) -> int:
    """How many things happened in the month (the overdue count is a stock, not an activity)."""
    counted = ("findings", "closed", "orders", "reinspected_on_time", "reinspected_late", "referrals",
               "referrals_accepted", "referrals_returned", "consultations")
    return sum(tally[key] for key in counted) + sum(tally["steps"].values())


def report_html(report: dict[str, Any]) -> str:
    images = {name: "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
              for name, svg in charts(report).items()}
    one_office = report["trend"]["scope"] != report["district"]["office"]
    scope = report["offices"][0] if one_office else report["district"]  # whose details the page lists
    return _environment().get_template("report.html.j2").render(
        report=report, images=images, steps=STEP_LABELS, month_label=_month_label(report["month"]),
        families=report["policy"]["families"], scope=scope, one_office=one_office,
        quiet=_activity(scope) == 0)
