"""The report's charts (matplotlib, Agg): the twelve-month trend, steps by office, and how long
closures took. SVG with the glyphs drawn as paths, so the HTML needs no font to print them."""

from __future__ import annotations

import io
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
    axis.plot(list(x), [m["overdue"] for m in months], color="#d94801", marker="o", markersize=3, label="月末逾期未复查")
    axis.set_xticks(list(x), labels)
    axis.set_ylabel("件")
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_title(f"近十二个月趋势（{report['trend']['scope']}）", loc="left")
    axis.legend(ncols=3, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.12))
    axis.grid(axis="y", color="#dddddd", linewidth=0.6)
    axis.set_axisbelow(True)
    return _svg(figure)


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
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_title(f"{report['month']} 各办公室处理措施", loc="left")
    axis.legend(ncols=4, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.18 - 0.25 / max(len(offices), 1)))
    axis.grid(axis="x", color="#dddddd", linewidth=0.6)
    axis.set_axisbelow(True)
    return _svg(figure)


def _closure(plt: Any, report: dict[str, Any]) -> str:
    days = report["closure_days"]["days"]
    figure, axis = plt.subplots(figsize=(6.6, 2.2))
    if days:
        top = max(days)
        axis.hist(days, bins=range(0, top + 2), color="#807dba", edgecolor="white", linewidth=0.5)
        median = report["district"]["median_days_to_close"] if report["closure_days"]["scope"] == report["district"][
            "office"] else report["offices"][0]["median_days_to_close"]
        if median is not None:
            axis.axvline(median + 0.5, color="#d94801", linewidth=1)
            axis.annotate(f"中位数 {median:g} 天", (median + 0.5, axis.get_ylim()[1] * 0.92), xytext=(4, 0),
                          textcoords="offset points", color="#d94801")
    else:
        axis.text(0.5, 0.5, "本月无整改销号", ha="center", va="center", transform=axis.transAxes)
    axis.set_xlabel("自发现至整改销号的天数")
    axis.set_ylabel("件")
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_title(f"{report['month']} 整改销号用时分布（{report['closure_days']['scope']}）", loc="left")
    return _svg(figure)
