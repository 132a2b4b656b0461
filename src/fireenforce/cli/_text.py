"""Plain-text renderings an officer reads (Chinese labels)."""

from __future__ import annotations

from typing import Callable

from fireenforce.labels import (
    DOCUMENT_TITLES, KIND_LABELS, PROCEDURE_LABELS, ROLE_LABELS, STEP_LABELS, TIER_LABELS,
)
from fireenforce.model.decision import Decision, LegalBasis
from fireenforce.resources import data_dir
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import load_version, loaded



def citation(basis: LegalBasis) -> str:
    """《消防法》第60条第1款第3项; an article of a single paragraph names no 款 (第47条第7项)."""
    out = f"《{basis.title}》第{basis.article}条"
    if basis.paragraph and not basis.single_paragraph:
        out += f"第{basis.paragraph}款"
    if basis.item:
        out += f"第{basis.item}项"
    return out


def cite_labels(d: Decision, ruleset: Ruleset | None = None) -> Callable[[str], str]:
    """A reason's citation id (``penalty-law:51``) as an officer reads it (《中华人民共和国行政处罚法》
    第五十一条), from ``ruleset``, the version this process loaded with the decision's digest (a copy
    anywhere), or the bundled version the decision names; the id itself when
    neither holds the provision."""
    from fireenforce.documents.context import citation as legal_citation  # documents load on use only

    if ruleset is None or ruleset.digest != d.ruleset.digest:
        ruleset = loaded(d.ruleset.digest)  # the copy that decided it, wherever it lives
    if ruleset is None:
        folder = data_dir("rulesets") / d.ruleset.id / d.ruleset.version
        ruleset = load_version(folder) if folder.is_dir() else None
        if ruleset is not None and ruleset.digest != d.ruleset.digest:
            ruleset = None

    def label(cite: str) -> str:
        basis = ruleset.provisions.basis(cite, "procedure", d.law_date) if ruleset is not None else None
        return legal_citation(basis) if basis is not None else cite

    return label


def decision_text(d: Decision, ruleset: Ruleset | None = None) -> str:
    step = STEP_LABELS[d.step] + ("（书面责令限期改正）" if "rectification_order" in d.documents else "")
    lines = [f"事项：{d.item.code} {d.item.name}", f"处置：{step}"]
    if d.referral_label:
        lines[-1] += f"，移交{d.referral_label}"
    if d.reinspection is not None:
        lines.append(f"复查：{d.reinspection.ordered_on}的改正期限至{d.reinspection.deadline}，"
                     f"不作新的处置，自{d.reinspection.due}起"
                     + (f"至{d.reinspection.latest}（工作日按星期一至五计）" if d.reinspection.latest else "") + "复查")
    limit = f"（当场处罚限于警告或者{d.summary_limit}元以下罚款）" if d.summary_limit is not None else ""
    lines.append(f"程序：{PROCEDURE_LABELS[d.procedure]}" + limit + ("；应告知听证权利" if d.hearing_right else ""))
    if d.penalty is None and d.referral_label:
        lines.append(f"处罚：由{d.referral_label}依法决定")
    elif d.penalty is None:
        lines.append("处罚：法律对该当事人的此项行为未规定行政处罚")
    else:
        p = d.penalty
        joiner = "或者" if p.choice == "one" else "并处"
        kinds = joiner.join(KIND_LABELS[k] for k in p.kinds)
        imposed = d.step == "penalty"  # else what the law provides: nothing is imposed by this step
        text = f"处罚：{kinds}" if imposed else f"法律规定的处罚（本次{STEP_LABELS[d.step]}，不作处罚决定）：{kinds}"
        if p.target == "responsible_persons":
            text += "（对单位直接负责的主管人员和其他直接责任人员，不对单位）"
        if p.fine:
            text += f"；法定罚款{p.fine.min}至{p.fine.max}元，{'' if imposed else '如予处罚，'}" \
                    f"建议{p.fine.suggested.min}至{p.fine.suggested.max}元"
        text += f"（{TIER_LABELS[p.tier]}）"
        if p.formal_warning_suggested:
            text += "；可予警告"
        if not p.available:
            text += "；本案不能处罚"
        lines.append(text)
    if d.rectification.required:
        lines.append(f"整改：{d.rectification.deadline}前改正")
    lines.append("文书：" + "、".join(DOCUMENT_TITLES[doc] for doc in d.documents))
    lines.append("依据：")
    for b in d.legal_basis:
        lines.append(f"  [{ROLE_LABELS[b.role]}] {citation(b)}：{b.text}".replace("\n", " "))
    lines.append("理由：")
    label = cite_labels(d, ruleset)
    for i, r in enumerate(d.reasons, 1):
        cites = f"（{'、'.join(map(label, r.cites))}）" if r.cites else ""
        lines.append(f"  {i}. [{r.rule}] {r.text}{cites}")
    if d.inferred:
        lines.append("推定：" + "；".join(f"{i.field}={i.value}（依据“{i.source}”）" for i in d.inferred))
    if d.doubts:
        lines.append("存疑：")
        lines.extend(f"  - [{x.code}] {x.text}" for x in d.doubts)
    lines.append(f"规则集：{d.ruleset.id} {d.ruleset.version} {d.ruleset.digest}")
    return "\n".join(lines)
