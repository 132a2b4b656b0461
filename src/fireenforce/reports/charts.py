"""The report's charts (matplotlib, Agg): the twelve-month trend, steps by office, and how long
closures took. SVG with the glyphs drawn as paths, so the HTML needs no font to print them."""

from __future__ import annotations

import io
import math
import threading
from typing import Any

from matplotlib.ticker import MaxNLocator

from fireenforce.errors import FireEnforceError

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Sans CJK JP")
STEP_LABELS = {"reminder": "督促提醒", "warning": "警示（责令改正）", "penalty": "行政处罚", "referral": "移交大队"}
STEP_COLOURS = {"reminder": "#9ecae1", "warning": "#4292c6", "penalty": "#f16913", "referral": "#a50f15"}
_LOCK = threading.Lock()  # pyplot's state is global


class ChartsUnavailable(FireEnforceError):
    """No font with Chinese glyphs: charts would print empty boxes."""

    exit_code = 1


def cjk_family() -> str:
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    raise ChartsUnavailable("the HTML report's charts need a font with Chinese glyphs, and none is installed "
                            "(Debian: apt-get install fonts-noto-cjk); JSON and CSV need none")


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()[buffer.getvalue().index("<svg"):]


def charts(report: dict[str, Any]) -> dict[str, str]:
    """``trend``, ``steps`` and ``closure`` as SVG text."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = cjk_family()
    style: Any = {"font.family": [family], "svg.fonttype": "path", "font.size": 9, "axes.spines.top": False,
             "axes.spines.right": False, "svg.hashsalt": "fireenforce"}
    with _LOCK, plt.rc_context(style):
        out = {"trend": _trend(plt, report), "steps": _steps(plt, report), "closure": _closure(plt, report)}
        plt.close("all")
    return out


def _trend(plt: Any, report: dict[str, Any]) -> str:
    months = report["trend"]["months"]
    labels = [m["month"][2:].replace("-", ".") for m in months]
    figure, axis = plt.subplots(figsize=(6.6, 2.5))
    x = range(len(months))
    axis.bar([i - 0.2 for i in x], [m["findings"] for m in months], width=0.4, color="#6baed6", label="发现隐患")
    axis.bar([i + 0.2 for i in x], [m["closed"] for m in months], width=0.4, color="#74c476", label="整改销号")
    unrecorded = _unrecorded(report)
    overdue = [math.nan if i < unrecorded else m["overdue"] for i, m in enumerate(months)]  # no line where no records
    axis.plot(list(x), overdue, color="#d94801", marker="o", markersize=3, label="月末逾期未复查")
    axis.set_xticks(list(x), labels)
    axis.set_ylabel("件")
    _counts(axis.yaxis, max([1, *(max(m["findings"], m["closed"], m["overdue"]) for m in months)]), axis.set_ylim)
    if unrecorded:  # months before the ledger's first record: no records, which is not "none found"
        axis.axvspan(-0.5, unrecorded - 0.5, color="#eeeeee", zorder=0)
        axis.text((unrecorded - 1) / 2, 0.5, "台账无记录" if unrecorded < len(months) else "台账中尚无记录",
                  transform=axis.get_xaxis_transform(), ha="center", va="center", color="#777777")
    axis.set_xlim(-0.5, len(months) - 0.5)
    axis.set_title(f"近十二个月趋势（{report['trend']['scope']}）", loc="left")
    axis.legend(ncols=3, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.12))
    axis.grid(axis="y", color="#dddddd", linewidth=0.6)
    axis.set_axisbelow(True)
    return _svg(figure)


def _unrecorded(report: dict[str, Any]) -> int:
    """How many of the trend's months end before the ledger's first record (of the scope)."""
    first = report["trend"].get("first_record")
    months = [m["month"] for m in report["trend"]["months"]]
    if first is None:
        return len(months)
    return sum(1 for month in months if month < first[:7])


def _counts(axis: Any, peak: int, set_limits: Any) -> None:
    """A count axis: whole numbers from 0, never negative or fractional ticks (an empty chart too)."""
    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    set_limits(0, max(peak, 1) * 1.08)


def _steps(plt: Any, report: dict[str, Any]) -> str:
    offices = report["offices"]
    names = [o["office"].removesuffix("消防安全办公室") for o in offices]
    figure, axis = plt.subplots(figsize=(6.6, 0.5 + 0.42 * max(len(offices), 1)))
    left = [0] * len(offices)
    for step, label in STEP_LABELS.items():
        values = [o["steps"][step] for o in offices]
        axis.barh(names, values, left=left, color=STEP_COLOURS[step], label=label, height=0.6)
        left = [a + b for a, b in zip(left, values)]
    axis.invert_yaxis()
    axis.set_xlabel("件")
    _counts(axis.xaxis, max(left, default=0), axis.set_xlim)
    if not any(left):
        axis.text(0.5, 0.5, "本月无处理措施", ha="center", va="center", transform=axis.transAxes)
    if not offices:
        axis.set_yticks([])
    axis.set_title(f"{report['month']} 各办公室处理措施", loc="left")
    if offices:  # without bars the legend would show matplotlib's default colour for every step
        axis.legend(ncols=4, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.18 - 0.25 / max(len(offices), 1)))
    axis.grid(axis="x", color="#dddddd", linewidth=0.6)
    axis.set_axisbelow(True)
    return _svg(figure)


def _closure(plt: Any, report: dict[str, Any]) -> str:
    days = report["closure_days"]["days"]
    figure, axis = plt.subplots(figsize=(6.6, 2.2))
    if days:
        top = max(days)
        # one bar per whole day, centred on it: the bar over 5 is the closures that took 5 days
        counts, _, _ = axis.hist(days, bins=[d - 0.5 for d in range(0, top + 2)], color="#807dba",
                                 edgecolor="white", linewidth=0.5)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_xlim(-0.5, max(top, 1) + 0.5)
        _counts(axis.yaxis, int(max(counts)), axis.set_ylim)
        median = report["district"]["median_days_to_close"] if report["closure_days"]["scope"] == report["district"][
            "office"] else report["offices"][0]["median_days_to_close"]
        if median is not None:
            axis.axvline(median, color="#d94801", linewidth=1)
            axis.annotate(f"中位数 {median:g} 天", (median, axis.get_ylim()[1] * 0.92), xytext=(4, 0),
                          textcoords="offset points", color="#d94801")
        axis.set_ylabel("件")
    else:
        axis.text(0.5, 0.5, "本月无整改销号", ha="center", va="center", transform=axis.transAxes)
        axis.set_xticks([])
        axis.set_yticks([])
    axis.set_xlabel("自发现至整改销号的天数")
    axis.set_title(f"{report['month']} 整改销号用时分布（{report['closure_days']['scope']}）", loc="left")
    return _svg(figure)
