"""``decide`` against the GoRules ZEN engine on the same cases, in one interleaved run.

The ZEN side is a JSON decision graph (JDM) built here from the bundled ruleset: an expression
node reads the case JSON (the lookback window, the history's prior step, limitation, the elements
of a precondition, grounds of no penalty), a decision table gives the law for the item and the
case's conditions (one row per penalty branch, exceptions first, checked against the compiled
ruleset for every combination of conditions), the ruleset's own step table decides the step, and a
last expression applies running orders and the item's referrals. It computes the step and the
statutory fine range; the run first checks that both engines agree on every benchmarked case.
``decide`` computes far more (citations with their text, reasons, documents, deadlines, doubts),
and keeps its memo of earlier decisions (``engine/recall.py``).

Both sides keep their results. Passes alternate (ZEN, decide on dicts, decide on ``Case``
objects) so load from other jobs on the host falls on all of them alike; the ratio of each
round's pair is the figure. ``zen-engine`` is installed only into ``benchmarks/.venv-zen``
(created on first run, on top of the project's own environment), never into the project.

Run: ``make bench-zen`` or ``.venv/bin/python benchmarks/bench_zen.py [CASES] [ROUNDS]``.
"""

from __future__ import annotations

import json
import os
import site
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ZEN_VENV = HERE / ".venv-zen"


def _ensure_zen() -> None:
    """Re-run this script in benchmarks/.venv-zen, which sees the project's packages and adds zen-engine."""
    try:
        import zen  # noqa: F401
        return
    except ImportError:
        pass
    python = ZEN_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(ZEN_VENV)], check=True)
        purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True).stdout.strip()
        # the project's environment (its editable install and dependencies) as a site directory
        Path(purelib, "fireenforce-project.pth").write_text(
            "".join(f"import site; site.addsitedir({p!r})\n" for p in site.getsitepackages()))
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--target", purelib, "zen-engine"], check=True)
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


_ensure_zen()

import gc  # noqa: E402

import zen  # noqa: E402

import fireenforce as fe  # noqa: E402
from fireenforce.engine import penalty as pen  # noqa: E402
from fireenforce.engine.decide import decide_reference  # noqa: E402
from fireenforce.model import Case  # noqa: E402
from fireenforce.ruleset.compiled import Memo  # noqa: E402
from fireenforce.ruleset.items import ALL_CONDITIONS, CompiledItem, Conditions, matches  # noqa: E402

sys.path.insert(0, str(HERE))
from bench_decide import generate  # noqa: E402

LEVELS = ("street", "town", "township", "brigade")
COND_FIELDS = ("subject.kind", "subject.operating", "place.high_rise", "place.crowded", "facts.serious",
               "facts.minor", "facts.hinders_evacuation")
COND_ATTRS = ("subject", "operating", "high_rise", "crowded", "serious", "minor", "hinders_evacuation")


def _lit(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _law_outcome(rs: fe.Ruleset, item: CompiledItem, conditions: Conditions, day: Any) -> dict[str, Any]:
    branch = item.resolve(conditions, day).branch
    own = item.referral_for(conditions)
    out: dict[str, Any] = {"branch": None, "fine_min": None, "fine_max": None, "precondition": None,
                           "referral": own.to if own else None}
    if branch is not None:
        out.update(branch=branch.id, fine_min=branch.fine.min if branch.fine else None,
                   fine_max=branch.fine.max if branch.fine else None, precondition=branch.spec.precondition)
        out.update({f"holds_{lvl}": pen.competence(rs, item, branch, lvl).holds for lvl in LEVELS})
    return out


def _law_rows(rs: fe.Ruleset, day: Any) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(item, condition tests, outcome) rows: an item's branches, exceptions first, then its
    default; combinations the branch order gets wrong get rows of their own in front."""
    rows: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for code, item in rs.items.items():
        specs = sorted(item.spec.penalties, key=lambda b: -len(b.exception_to))
        own: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for spec in specs:
            probe = next((c for c in ALL_CONDITIONS if matches(spec.when, c)
                          and (r := item.resolve(c, day).branch) is not None and r.id == spec.id), None)
            if probe is not None:
                tests = {f: getattr(spec.when, a) for f, a in zip(COND_FIELDS, COND_ATTRS)}
                own.append(({f: v for f, v in tests.items() if v is not None}, _law_outcome(rs, item, probe, day)))
        fixes: list[tuple[dict[str, Any], dict[str, Any]]] = []
        default: dict[str, Any] | None = None
        for conditions in ALL_CONDITIONS:
            want = _law_outcome(rs, item, conditions, day)
            hit = next((o for t, o in own if all(conditions[COND_FIELDS.index(f)] == v for f, v in t.items())), None)
            if hit == want:
                continue
            if hit is None and (default is None or default == want):
                default = want
                continue
            fixes.append((dict(zip(COND_FIELDS, conditions)), want))
        rows += [(code, t, o) for t, o in fixes + own]
        rows.append((code, {}, default or _law_outcome(rs, item, ("unit", False, False, False, False, False, False), day)))
    return rows


def _table(node_id: str, name: str, inputs: list[str], outputs: list[str],
           rows: list[tuple[list[str], list[Any]]]) -> dict[str, Any]:
    return {"id": node_id, "type": "decisionTableNode", "name": name, "position": {"x": 0, "y": 0},
            "content": {"hitPolicy": "first", "passThrough": True,
                        "inputs": [{"id": f"i{k}", "name": f, "field": f} for k, f in enumerate(inputs)],
                        "outputs": [{"id": f"o{k}", "name": f, "field": f} for k, f in enumerate(outputs)],
                        "rules": [{"_id": f"r{n}", **{f"i{k}": t for k, t in enumerate(tests)},
                                   **{f"o{k}": _lit(v) for k, v in enumerate(values)}}
                                  for n, (tests, values) in enumerate(rows)]}}


def _expressions(node_id: str, pairs: list[tuple[str, str]], through: bool = True) -> dict[str, Any]:
    return {"id": node_id, "type": "expressionNode", "name": node_id, "position": {"x": 0, "y": 0},
            "content": {"passThrough": through,
                        "expressions": [{"id": f"{node_id}{k}", "key": key, "value": value}
                                        for k, (key, value) in enumerate(pairs)]}}


def zen_graph(rs: fe.Ruleset, day: Any) -> dict[str, Any]:
    """The decision graph for cases decided on dates whose law and policy equal ``day``'s."""
    policy = rs.policy
    spec = policy.spec
    outputs = ["law.branch", "law.fine_min", "law.fine_max", "law.precondition", "law.referral",
               *(f"law.holds_{lvl}" for lvl in LEVELS), "law.completed", "law.orders", "law.days"]
    law_rows = []
    for code, tests, outcome in _law_rows(rs, day):
        item = rs.items[code]
        unary = [_lit(code), *("" if f not in tests else _lit(tests[f]) for f in COND_FIELDS)]
        values = [outcome["branch"], outcome["fine_min"], outcome["fine_max"], outcome["precondition"],
                  outcome["referral"], *(outcome.get(f"holds_{lvl}", False) for lvl in LEVELS),
                  item.completed, item.orders, item.rectification_days]
        law_rows.append((unary, values))
    law = _table("law", "law", ["item", *COND_FIELDS], outputs, law_rows)
    limitation = policy.limitation(day)
    assert limitation is not None
    rank = {s: i for i, s in enumerate(spec.ladder.steps)}
    written = _lit(list(spec.ladder.written_orders))
    reinspect = _lit(list(spec.ladder.reinspect_steps))
    deadline = f"(#.deadline != null ? d(#.deadline) : d(#.date).add(#.step == 'reminder' ? {spec.ladder.reminder_days} : law.days, 'd'))"
    derive = _expressions("derive", [
        ("day", "d(decided_on ?? observed_on)"),
        ("ended", "law.completed ? (occurred_on ?? observed_on) : ended_on"),
        ("cutoff", f"$.day.sub({policy.lookback_months(day)}, 'M')"),
        ("mine", "filter(history, #.item == item)"),
        ("pending", "law.orders and $.ended == null"),
        ("overdue", f"filter($.mine, law.orders and not #.rectified and #.step in {written} and $.day > {deadline})"),
        ("served", f"law.orders and len(filter($.mine, not #.rectified and #.step in {written})) > 0"),
        ("running", f"filter($.mine, d(#.date) >= $.cutoff and $.pending and not #.rectified and $.day <= {deadline} "
                    f"and #.step in {reinspect})"),
        ("counted", f"filter($.mine, d(#.date) >= $.cutoff and not ($.pending and not #.rectified and $.day <= {deadline} "
                    f"and #.step in {reinspect}))"),
        ("ranks", _lit(rank)),
        ("prior_rank", "len($.counted) > 0 ? max(map($.counted, $.ranks[#.step])) : -1"),
        ("prior", f"$.prior_rank < 0 ? 'none' : {_lit(list(spec.ladder.steps))}[$.prior_rank]"),
        ("elements", "{overdue: len($.overdue) > 0, refusal: $.served and (len($.overdue) > 0 or facts.refused), "
                     "notice: len(filter($.overdue, #.issued_by == 'fire_rescue')) > 0}"),
        ("barred", f"$.ended != null and d(observed_on).sub(facts.harm ? {limitation.extended_years} : "
                   f"{limitation.base_years}, 'y') > d($.ended)"),  # ZEN's add of years to 29 February misfires
        ("excused", "facts.no_fault or (not law.completed and facts.minor and (facts.corrected_in_time or "
                    "facts.rectified_on_spot) and not facts.harm)"),
        ("holds", "office.level == 'brigade' ? law.holds_brigade : office.level == 'street' ? law.holds_street : "
                  "office.level == 'town' ? law.holds_town : law.holds_township"),
        ("penalty", "law.branch == null ? 'none' : $.barred ? 'barred' : $.excused ? 'excused' : "
                    "(law.precondition != null and not $.elements[law.precondition]) ? "
                    "(law.precondition == 'notice' ? 'needs_notice' : 'unmet') : "
                    "$.holds ? 'available' : 'no_power'"),
        ("acting", "office.level == 'brigade' ? 'brigade' : 'office'"),
    ])
    table = policy.step_table.spec
    step_rows: list[tuple[list[str], list[Any]]] = []
    for rule in table.rules:
        unary = [", ".join(_lit(v) for v in rule.when[name]) if name in rule.when else "" for name in table.inputs]
        step_rows.append((unary, [rule.then["step"]]))
    step = _table("step", "step", ["prior", "facts.serious", "penalty", "acting", "law.completed"], ["table_step"],
                  step_rows)
    finish = _expressions("finish", [
        ("top", "len(running) > 0 ? max(map(running, ranks[#.step])) : -1"),
        ("step", "law.referral != null and law.referral != office.level ? 'referral' : "
                 f"$.top >= ranks[table_step] ? {_lit(list(spec.ladder.steps))}[$.top] : table_step"),
        ("fine", "law.fine_min == null ? null : [law.fine_min, law.fine_max]"),
    ], through=False)
    nodes = [{"id": "in", "type": "inputNode", "name": "case", "position": {"x": 0, "y": 0}},
             law, derive, step, finish,
             {"id": "out", "type": "outputNode", "name": "decision", "position": {"x": 0, "y": 0}}]
    chain = ["in", "law", "derive", "step", "finish", "out"]
    edges = [{"id": f"e{k}", "sourceId": a, "targetId": b, "type": "edge"} for k, (a, b) in enumerate(zip(chain, chain[1:]))]
    return {"nodes": nodes, "edges": edges}


def _ours(decision: fe.Decision) -> tuple[str, list[int] | None]:
    fine = decision.penalty.fine if decision.penalty is not None else None
    return decision.step, [fine.min, fine.max] if fine is not None else None


def _zen(result: dict[str, Any]) -> tuple[str, list[int] | None]:
    fine = result.get("fine")  # ZEN leaves out a null
    return result["step"], [int(v) for v in fine] if fine is not None else None


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    rs = fe.load_ruleset()
    cases = generate(rs, n)
    dicts = [c.model_dump(mode="json") for c in cases]
    days = sorted(c.decision_date for c in cases)
    assert rs.policy.segment(min(c.start_date for c in cases)) == rs.policy.segment(days[-1]), \
        "the benchmarked cases must share one stretch of law and policy"
    graph = zen_graph(rs, days[-1])
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"fe": graph}}})
    evaluate = engine.evaluate

    # the same outputs: ZEN's step and fine range equal decide's; decide equals its reference path
    reference = [decide_reference(c, rs) for c in cases]
    differ = [i for i, (d, c) in enumerate(zip(reference, dicts)) if _ours(d) != _zen(evaluate("fe", c)["result"])]
    print(f"{n:,} cases; ZEN graph: {sum(len(x['content'].get('rules', ())) for x in graph['nodes'] if 'content' in x)} "
          f"table rows; step and fine range equal on {n - len(differ):,} of {n:,} cases")
    for i in differ[:5]:
        print("  differs:", _ours(reference[i]), _zen(evaluate("fe", dicts[i])["result"]), json.dumps(dicts[i], ensure_ascii=False))
    for ours in ([fe.decide(c, rs) for c in cases], [fe.decide(d, rs) for d in dicts]):
        assert all(a.model_dump() == b.model_dump() for a, b in zip(ours, reference)), "fast path differs"
    print(f"decide's memo holds {len(rs.decisions):,} decisions (bound {rs.decisions.limit:,})")

    decide = fe.decide
    fe.freeze_collector()  # the cases, the ruleset and the ZEN graph are long-lived
    passes: dict[str, Callable[[], object]] = {
        "ZEN": lambda: [evaluate("fe", d) for d in dicts],
        "decide(dict)": lambda: [decide(d, rs) for d in dicts],
        "decide(Case)": lambda: [decide(c, rs) for c in cases],
    }
    kept: list[object] = []  # every pass's results stay alive until the end, on both sides
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in passes}
    for _ in range(rounds):
        for name, fn in passes.items():
            times[name].append(_timed(lambda: kept.append(fn())))
    print(f"{rounds} interleaved rounds of {n:,} decisions each, results kept ({len(kept) * n:,} in all):")
    _report(n, times)

    # unseen cases: every case new to decide's memo (a fresh set each round and each pass, the memo
    # emptied before each pass), after the reference engine has decided 30,000 others (its memo of
    # date-independent parts then holds what a service holds after a while). Each pass gets cases
    # of its own: on a shared set the first pass would compute the new date-independent parts and
    # the later one find them ready.
    for case in generate(rs, 30_000, 99):
        decide_reference(case, rs)
    _unseen(rs, n, rounds, evaluate, kept, known=False)
    # the same with every date-independent part known (a case new to decide whose combination of
    # discrete inputs the engine has met before: a mature service's usual new case)
    _unseen(rs, n, rounds, evaluate, kept, known=True)
    gc.unfreeze()


def _unseen(rs: fe.Ruleset, n: int, rounds: int, evaluate: Callable[..., Any], kept: list[object], known: bool) -> None:
    """Interleaved rounds of cases new to ``decide``: ZEN, dicts and ``Case`` objects, each on a fresh set."""
    decide = fe.decide
    cold: dict[str, list[tuple[float, float]]] = {"ZEN": [], "decide(dict)": [], "decide(Case)": []}
    cores = len(rs.cores)
    for seed in range(100 + 1000 * known, 100 + 1000 * known + rounds):
        zen_dicts, dicts = ([c.model_dump(mode="json") for c in generate(rs, n, seed + k)] for k in (0, 500))
        cases = generate(rs, n, seed + 250)
        if known:
            for case in (*cases, *generate(rs, n, seed + 500)):
                decide_reference(Case.model_validate(case.model_dump()), rs)
            rs.decisions = Memo(rs.decisions.limit)
        fe.freeze_collector()  # this round's input (and what earlier rounds kept) is long-lived, as at the start
        cold["ZEN"].append(_timed(lambda: kept.append([evaluate("fe", d) for d in zen_dicts])))
        rs.decisions = Memo(rs.decisions.limit)
        cold["decide(dict)"].append(_timed(lambda: kept.append([decide(d, rs) for d in dicts])))
        rs.decisions = Memo(rs.decisions.limit)
        cold["decide(Case)"].append(_timed(lambda: kept.append([decide(c, rs) for c in cases])))
    print(f"unseen, {'every date-independent part known' if known else 'new combinations as they come'}: "
          f"{rounds} rounds of {n:,} new cases per pass (the memo of date-independent parts held {cores:,}, "
          f"now {len(rs.cores):,}):")
    _report(n, cold)


def _report(n: int, times: dict[str, list[tuple[float, float]]]) -> None:
    zen_wall = [w for w, _ in times["ZEN"]]
    zen_cpu = [c for _, c in times["ZEN"]]
    for name, series in times.items():
        wall = [w for w, _ in series]
        cpu = [c for _, c in series]
        line = (f"  {name:13s} best {n / min(wall):>9,.0f}/s wall ({min(wall) / n * 1e6:5.2f} µs), "
                f"{n / min(cpu):>9,.0f}/s CPU")
        if name != "ZEN":
            ratio = statistics.median(z / w for z, w in zip(zen_wall, wall))
            ratio_cpu = statistics.median(z / c for z, c in zip(zen_cpu, cpu))
            line += f"; vs ZEN, median of rounds: {ratio:.2f}x wall, {ratio_cpu:.2f}x CPU"
            line += " (rounds, CPU: " + " ".join(f"{z / c:.2f}" for z, c in zip(zen_cpu, cpu)) + ")"
        print(line)


if __name__ == "__main__":
    main()
