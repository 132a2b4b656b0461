"""Legal documents: every type renders in both formats with what the law requires, escaping
and the sandbox hold, and documents that do not fit the decision are refused."""

from __future__ import annotations

import datetime as dt
import re
import json
from pathlib import Path
from typing import Any

import pytest

import fireenforce as fe
from fireenforce.documents import render
from fireenforce.documents.context import PENALTY_DOCUMENTS
from fireenforce.documents.numerals import number
from fireenforce.errors import DocumentError
from fireenforce.model import Case, Decision
from readback import FORMATS, flat, text_of

FIRE_LAW = "中华人民共和国消防法"
ART_28 = ("任何单位、个人不得损坏、挪用或者擅自拆除、停用消防设施、器材，不得埋压、圈占、遮挡消火栓或者占用防火间距，"
          "不得占用、堵塞、封闭疏散通道、安全出口、消防车通道。人员密集场所的门窗不得设置影响逃生和灭火救援的障碍物。")
ART_60_1_3 = ("单位违反本法规定，有下列行为之一的，责令改正，处五千元以上五万元以下罚款：\n"
              "（三）占用、堵塞、封闭疏散通道、安全出口或者有其他妨碍安全疏散行为的；")
ART_60_2 = "个人有前款第二项、第三项、第四项、第五项行为之一的，处警告或者五百元以下罚款。"
RULESET = {"id": "xifeng", "version": "2024.09", "digest": "sha256:" + "0" * 64}
DOCS_BY_STEP = {
    "reminder": ["inspection_record"],
    "warning": ["inspection_record", "rectification_order"],
    "referral": ["inspection_record", "referral_letter"],
}


PRIOR = {"reminder": (), "warning": ("reminder",), "penalty": ("reminder", "warning"),
         "referral": ("reminder", "warning", "penalty")}  # the earlier steps that lead to each step
_MADE: dict[str, Case] = {}  # case digest -> the case make_decision decided


def make_case(kind: str = "unit", narrative: str = "三楼东侧楼道堆放纸箱，堵塞疏散通道约五米。",
              step: str = "penalty", **extra: Any) -> Case:
    """An EV-BLOCK case whose history (unheeded earlier steps) leads the engine to ``step``."""
    subject = {"kind": kind, "operating": True, "name": "西峰区某某超市", "id": "91621002MA00000000",
               "address": "甘肃省庆阳市西峰区北大街1号"}
    if kind == "individual":
        subject = {"kind": kind, "name": "张三", "id": "621002199001010000", "address": "西峰区某某小区3号楼"}
    history = [{"date": f"2026-0{3 + n // 2}-{10 + 10 * (n % 2)}", "item": "EV-BLOCK", "step": earlier,
                "rectified": False} for n, earlier in enumerate(PRIOR[step])]
    return Case.model_validate({
        "item": "EV-BLOCK",
        "subject": subject,
        "place": {"name": "某某小区3号楼", "address": "西峰区北街街道某某路8号"},
        "office": {"level": "street", "name": "北街街道消防安全办公室"},
        "occurred_on": "2026-05-01",
        "observed_on": "2026-05-03",
        "facts": {"narrative": narrative, "evidence": ["现场照片4张", "执法记录仪视频1段"]},
        "history": history,
        **extra,
    })


def make_decision(step: str = "penalty", *, kind: str = "unit", case: Case | None = None) -> Decision:
    """The engine's decision for ``case`` (default: ``make_case(kind, step=step)``): render
    refuses any other."""
    case = case or make_case(kind, step=step)
    decision = fe.decide(case)
    assert decision.step == step, decision.step
    _MADE[case.digest] = case
    return decision


def rendered(document: str, decision: Decision | None = None, case: Case | None = None, **kw: Any) -> dict[str, str]:
    """The document in every format, as its reader sees it (flattened: compare with ``flat``)."""
    decision = decision or make_decision()
    case = case or _MADE[decision.case_digest]
    return {fmt: text_of(render(case, decision, document, format=fmt, **kw), fmt) for fmt in FORMATS}


SAMPLES = [
    ("inspection_record", "reminder", "general", "unit", {}),
    ("inspection_record", "penalty", "general", "individual", {}),
    ("rectification_order", "warning", "general", "unit", {}),
    ("penalty_notice", "penalty", "general", "unit", {"fine": 20000}),
    ("penalty_decision", "penalty", "general", "unit", {"fine": 12000}),
    ("summary_penalty_decision", "penalty", "summary", "individual", {"fine": 200}),
    ("referral_letter", "referral", "general", "unit", {}),
]


@pytest.mark.parametrize(("document", "step", "procedure", "kind", "choice"), SAMPLES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_type_renders_with_common_elements(document: str, step: str, procedure: str, kind: str,
                                                  choice: dict[str, Any], fmt: str) -> None:
    case = make_case(kind, step=step)
    decision = make_decision(step, kind=kind, case=case)
    assert document in decision.documents and (procedure == "summary") == (document == "summary_penalty_decision")
    out = render(case, decision, document, format=fmt, serial=7, **choice)
    text = text_of(out, fmt)
    # entrusted (委托): penalties in the brigade's name; records, orders, referrals in the office's own
    # and numbered with the code the brigade gave the office for them
    issuer = "庆阳市西峰区消防救援大队" if document in PENALTY_DOCUMENTS else "北街街道消防安全办公室"
    code = "西消北街委" if document in PENALTY_DOCUMENTS else "西北街消"
    for element in (case.subject.name, case.subject.address, "《中华人民共和国消防法》第二十八条", ART_28,
                    f"{code}{DESIGNATIONS[document]}〔2026〕第7号", issuer, "（印章）", "送达回执", "2026年5月3日",
                    "示例配置"):
        assert flat(element) in text, element
    assert isinstance(out, bytes) == (fmt in ("docx", "pdf"))
    assert ("<html" in str(out)) == (fmt == "html")


def test_html_is_print_ready_a4_with_chinese_fonts() -> None:
    out = render(make_case(), make_decision(), "penalty_decision", fine=12000)
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }" in out
    assert '"FangSong", "仿宋", "STFangsong", "SimSun", "宋体", "Noto Serif CJK SC", serif' in out
    assert '"SimHei", "黑体"' in out
    assert '<html lang="zh-CN">' in out and '<meta charset="utf-8">' in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_penalty_decision_has_every_element_of_art_59(fmt: str) -> None:
    text = rendered("penalty_decision", fine=12000)[fmt]
    required = [
        "当事人：西峰区某某超市", "地址：甘肃省庆阳市西峰区北大街1号",                      # (1) name, address
        "三楼东侧楼道堆放纸箱，堵塞疏散通道约五米。", "现场照片4张", "执法记录仪视频1段",      # (2) facts, evidence
        "《中华人民共和国消防法》第六十条第一款第（三）项", "占用、堵塞、封闭疏散通道、安全出口或者有其他妨碍安全疏散行为的",
        "罚款人民币12000元（大写：壹万贰仟元整）",                                         # (3) kind and basis
        "自收到本决定书之日起十五日内", "中国农业银行庆阳西峰支行", "0000 0000 0000 0000 000",  # (4) how, by when
        "六十日内依法向庆阳市西峰区人民政府申请行政复议", "六个月内依法向庆阳市西峰区人民法院提起行政诉讼",  # (5)
        "庆阳市西峰区消防救援大队", "2026年5月3日",                                         # (6) agency, date
        "（印章）", "当事人签名（盖章）",                                                   # seal, receipt
        "受庆阳市西峰区消防救援大队委托，由庆阳市西峰区北街街道办事处实施；委托书：西消委〔2024〕第1号，2024年8月20日",
    ]
    for element in required:
        assert flat(element) in text, element


@pytest.mark.parametrize("fmt", FORMATS)
def test_summary_decision_has_every_element_of_art_52(fmt: str) -> None:
    case = make_case("individual")
    decision = make_decision(kind="individual", case=case)
    text = rendered("summary_penalty_decision", decision, case, fine=100)[fmt]
    for element in ["当事人：张三", "“占用、堵塞、封闭疏散通道、安全出口”的违法行为",      # the violation
                    "《中华人民共和国消防法》第六十条第二款", ART_60_2,                      # kind and basis
                    "罚款人民币100元（大写：壹佰元整）",                                   # amount
                    "处罚时间：2026年5月3日", "处罚地点：某某小区3号楼",                    # time, place
                    "六十日内", "六个月内", "行政复议", "行政诉讼",                          # review, litigation
                    "庆阳市西峰区消防救援大队", "执法人员（签名）", "执法证号",              # agency, officers
                    "拒绝签收的"]:                                                          # refusal to sign
        assert flat(element) in text, element
    warned = rendered("summary_penalty_decision", decision, case, formal_warning=True)[fmt]
    assert "如下行政处罚：警告。" in warned and "缴纳罚款" not in warned


@pytest.mark.parametrize("hearing", [True, False])
def test_notice_states_penalty_reasons_rights_and_hearing_exactly_when_due(hearing: bool) -> None:
    # the hearing right follows the fine actually imposed: 40000 reaches the unit threshold (30000), 20000 does not
    fine, amount = (40000, "罚款人民币40000元（大写：肆万元整）") if hearing else (20000, "罚款人民币20000元（大写：贰万元整）")
    for text in rendered("penalty_notice", make_decision(), fine=fine).values():
        for element in [amount, "三楼东侧楼道堆放纸箱", "已警示并责令限期改正仍未改正",
                        "《中华人民共和国消防法》第六十条第一款第（三）项", "陈述和申辩", "三日内"]:
            assert element in text, element
        assert ("要求听证的权利" in text) == hearing
        assert ("五个工作日内" in text) == hearing


def test_rectification_order_names_items_deadline_and_what_follows() -> None:
    decision = make_decision("warning")
    deadline = decision.rectification.deadline
    assert deadline is not None
    for text in rendered("rectification_order", decision).values():
        assert "占用、堵塞、封闭疏散通道、安全出口" in text
        assert f"于{deadline.year}年{deadline.month}月{deadline.day}日前改正" in text
        assert "逾期不改正的，将依照下列规定依法予以处罚" in text
        assert "警告" not in text  # the soft step is 警示, never 警告


def test_referral_letter_names_receiver_facts_basis_and_materials() -> None:
    for text in rendered("referral_letter", make_decision("referral")).values():
        for element in ["西峰区消防救援大队：", "三楼东侧楼道堆放纸箱", "2026年3月10日，督促提醒（EV-BLOCK），未改正",
                        "移交材料", "《消防监督检查记录》", "现场照片4张", ART_60_1_3.splitlines()[1]]:
            assert flat(element) in text, element


def test_inspection_record_of_a_reminder_notes_the_oral_order() -> None:
    text = rendered("inspection_record", make_decision("reminder"))["text"]
    assert "本次处理措施：督促提醒。" in text and "已当场口头责令当事人改正" in text


def test_without_serial_the_number_is_left_blank() -> None:
    text = rendered("inspection_record", make_decision("reminder"))["text"]
    assert "西北街消检查字〔2026〕第____号" in text


def test_case_text_is_data_escaped_in_html_and_verbatim_in_text() -> None:
    narrative = "门口{{ 7*7 }}{% if true %}x{% endif %}<script>alert('x')</script>&"
    case = make_case(narrative=narrative, step="reminder")
    decision = make_decision("reminder", case=case)
    html = render(case, decision, "inspection_record")
    assert "{{ 7*7 }}{% if true %}x{% endif %}&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;" in html
    assert "<script>" not in html and "49" not in html
    text = render(case, decision, "inspection_record", format="text")
    assert narrative in text


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"document": "penalty_decision", "decision": make_decision("reminder")},
     "does not fit this decision (step reminder, procedure none); documents for it: inspection_record"),
    ({"document": "summary_penalty_decision"}, "documents for it: inspection_record, penalty_notice, penalty_decision"),
    ({"document": "permit"}, "unknown type 'permit'"),
    ({"document": "penalty_decision", "fine": 4999}, "4999 yuan is outside the legal range 5000–50000 yuan of 《中华人民共和国消防法》第六十条第一款第（三）项"),
    ({"document": "penalty_decision", "fine": 50001}, "outside the legal range 5000–50000"),
    ({"document": "penalty_decision"}, "--fine N: choose the fine (--fine N within 5000–50000 yuan, suggested 18500–36500"),
    ({"document": "penalty_decision", "formal_warning": True, "fine": 6000}, "警告 is not a penalty"),
    ({"document": "inspection_record", "fine": 6000}, "apply only to penalty documents"),
    ({"document": "rectification_order", "decision": make_decision("warning"), "formal_warning": True},
     "apply only to penalty documents"),
    ({"document": "penalty_decision", "fine": 6000, "serial": 10000}, "--serial: 10000"),
    ({"document": "penalty_decision", "fine": 6000, "format": "odt"}, "--format: 'odt'"),
])
def test_refusals_are_one_clear_line(kwargs: dict[str, Any], message: str) -> None:
    decision = kwargs.pop("decision", make_decision())
    document = kwargs.pop("document")
    with pytest.raises(DocumentError) as info:
        render(_MADE[decision.case_digest], decision, document, **kwargs)
    assert message in str(info.value) and "\n" not in str(info.value)
    assert info.value.exit_code == 2


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, "choose the penalty (--formal-warning for 警告 or --fine N within 1–500 yuan"),
    ({"fine": 100, "formal_warning": True}, "allows one of them, not both"),
    ({"fine": 0}, "0 yuan is outside the legal range 1–500 yuan of 《中华人民共和国消防法》第六十条第二款"),
])
def test_individual_must_choose_one_penalty(kwargs: dict[str, Any], message: str) -> None:
    decision = make_decision(kind="individual")
    with pytest.raises(DocumentError, match=re.escape(message)):
        render(make_case("individual"), decision, "summary_penalty_decision", **kwargs)


UN_DUTY_OVERDUE = {"item": "UN-DUTY", "subject": {"kind": "unit", "name": "某某物业公司", "id": "91621002MA7XXXXX0Q"},
                   "office": {"level": "street", "name": "北街街道消防安全办公室"}, "observed_on": "2026-05-03",
                   "facts": {"refused": True}, "history": [{"date": "2026-03-10", "item": "UN-DUTY", "step": "warning"}],
                   "responsible_person": {"name": "王五", "id": "620102198001010011", "position": "总经理"}}


def test_a_penalty_of_formal_warning_alone_needs_no_choice() -> None:
    decision = fe.decide(UN_DUTY_OVERDUE)
    assert decision.penalty is not None and decision.penalty.kinds == ("formal_warning",)
    document = next(d for d in decision.documents if d in PENALTY_DOCUMENTS)
    text = render(UN_DUTY_OVERDUE, decision, document, format="text")
    assert "警告" in text and "罚款人民币" not in text


def test_art67_penalty_falls_on_the_responsible_person_with_the_unit_as_employer() -> None:
    """消防法 art. 67: the warning is imposed on the unit's directly responsible persons, not the unit;
    the individual's on-the-spot limit (行政处罚法 art. 51: 200 yuan) applies to them."""
    decision = fe.decide(UN_DUTY_OVERDUE)
    assert decision.penalty is not None and decision.penalty.target == "responsible_persons"
    assert decision.summary_limit == 200 and decision.procedure == "summary"
    assert "penalty.responsible-persons" in [r.rule for r in decision.reasons]
    text = render(UN_DUTY_OVERDUE, decision, "summary_penalty_decision", format="text")
    assert "当事人：王五" in text and "公民身份号码：620102198001010011" in text
    assert "工作单位：某某物业公司" in text and "职务：总经理" in text
    assert "当事人：某某物业公司" not in text and "统一社会信用代码" not in text
    assert "当事人王五系该单位总经理，是对上述违法行为直接负责的主管人员或者其他直接责任人员" in text
    assert "责令某某物业公司于" in text  # the order to correct still goes to the unit
    record = render(UN_DUTY_OVERDUE, decision, "inspection_record", format="text")
    assert "当事人：某某物业公司" in record  # the inspection concerns the unit


def test_art67_penalty_document_without_the_responsible_person_is_refused() -> None:
    case = {k: v for k, v in UN_DUTY_OVERDUE.items() if k != "responsible_person"}
    decision = fe.decide(case)
    with pytest.raises(DocumentError, match=r"^responsible_person: 《中华人民共和国消防法》第六十七条 imposes the penalty"):
        render(case, decision, "summary_penalty_decision", format="text")
    assert "当事人：某某物业公司" in render(case, decision, "inspection_record", format="text")


def test_a_responsible_person_is_only_for_a_unit() -> None:
    case = {**UN_DUTY_OVERDUE, "item": "EV-BLOCK", "subject": {"kind": "individual"}}
    with pytest.raises(fe.CaseError, match=r"^responsible_person: responsible_person is a unit's"):
        fe.decide(case)


def test_a_unit_penalty_keeps_the_unit_as_party_and_its_limit() -> None:
    case = {**UN_DUTY_OVERDUE, "item": "EV-BLOCK", "history": [{"date": "2026-03-10", "item": "EV-BLOCK", "step": "warning"}]}
    decision = fe.decide(case)
    assert decision.penalty is not None and decision.penalty.target == "subject"
    assert decision.summary_limit == 3000


def test_document_date_may_differ_from_the_decision_date() -> None:
    text = render(make_case(), make_decision(), "penalty_decision", fine=6000, format="text", date=dt.date(2026, 6, 1))
    assert "2026年6月1日" in text and "西消北街委罚决字〔2026〕第____号" in text


@pytest.mark.parametrize(("path", "edit"), [
    ("penalty.available", lambda d: d["penalty"].update(available=False)),
    ("penalty.fine.max", lambda d: d["penalty"]["fine"].update(max=999999)),
    ("step", lambda d: d.update(step="referral", documents=["inspection_record", "referral_letter"])),
    ("documents[1]", lambda d: d.update(documents=["inspection_record", "referral_letter"])),
    ("reasons[0].text", lambda d: d["reasons"][0].update(text="当事人已受两次处罚。")),
    ("doubts[0]", lambda d: d.update(doubts=[])),
])
def test_an_edited_decision_is_refused_naming_the_first_differing_field(path: str, edit: Any) -> None:
    """render decides the case again with the decision's ruleset: an edited decision (a fine range
    of 999999, a step changed to referral) never becomes a document."""
    data = make_decision().model_dump(mode="json")
    edit(data)
    for document in ("penalty_decision", "referral_letter"):
        with pytest.raises(DocumentError) as info:
            render(make_case(), data, document, fine=900000, format="text")
        assert str(info.value).startswith(f"decision.{path}: differs from what ruleset xifeng 2024.09 decides"), \
            str(info.value)


def test_a_decision_of_another_ruleset_digest_is_refused(tmp_path: Path) -> None:
    import shutil

    from fireenforce.resources import bundled_family

    copy = tmp_path / "2024.09"
    shutil.copytree(bundled_family() / "2024.09", copy)
    (copy / "catalogue" / "EV-BLOCK.yaml").write_text(
        (copy / "catalogue" / "EV-BLOCK.yaml").read_text("utf-8").replace("rectification_days: 3", "rectification_days: 5"),
        "utf-8")
    edited = fe.load_ruleset(copy)
    case = make_case()
    theirs = fe.decide(case, ruleset=edited)
    assert theirs.ruleset.digest != make_decision().ruleset.digest
    with pytest.raises(DocumentError, match=r"^decision: made by ruleset xifeng 2024.09 \(sha256:"):
        render(case, theirs, "penalty_decision", fine=6000)  # the bundled version has another digest
    with pytest.raises(DocumentError, match="render with the ruleset the decision was made by"):
        render(case, make_decision(), "penalty_decision", fine=6000, ruleset=edited)
    assert "罚款人民币6000元" in render(case, theirs, "penalty_decision", fine=6000, ruleset=edited, format="text")


def test_context_provides_exactly_the_declared_keys() -> None:
    from fireenforce.documents.context import CONTEXT_KEYS, Sanction, build_context
    from fireenforce.documents.offices import OfficesFile, Terms, resolve_office

    terms = Terms(payment_days=15, payment_basis="a", review_days=60, review_basis="b", litigation_months=6,
                  litigation_basis="c", statement_days=3, statement_basis="d", hearing_request_days=5, hearing_basis="e")
    files = [(Path("x.yaml"), OfficesFile.model_validate({"terms": terms.model_dump(), "offices": {"某办": {"code": "某消", "designations": {"penalty_decision": "罚决字"}}}}))]
    office = resolve_office(files, "street", "某办")
    context = build_context(make_case(), make_decision(), "penalty_decision", office,
                            sanction=Sanction(formal_warning=False, fine=6000), serial=None, date=dt.date(2026, 5, 3))
    assert set(context) == CONTEXT_KEYS
    assert office.sample is False and context["document"]["number"] == "某消罚决字〔2026〕第____号"
    with pytest.raises(DocumentError, match=r"^x.yaml: designations.penalty_notice: missing"):
        build_context(make_case(), make_decision(), "penalty_notice", office, sanction=None, serial=None,
                      date=dt.date(2026, 5, 3))


DESIGNATIONS = {"inspection_record": "检查字", "rectification_order": "责改字", "summary_penalty_decision": "当罚决字",
                "penalty_notice": "罚告字", "penalty_decision": "罚决字", "referral_letter": "移字"}


@pytest.mark.parametrize("version", ["2021.07", "2022.03", "2024.09"])
def test_each_document_type_has_its_own_designation(version: str) -> None:
    from fireenforce.documents.offices import load_offices, resolve_office
    from fireenforce.model.enums import DOCUMENT_TYPES

    path = Path(__file__).resolve().parents[1] / "rulesets" / "xifeng" / version / "offices.yaml"
    office = resolve_office([(path, load_offices(path))], "street", "北街街道消防安全办公室")
    assert office.designations == DESIGNATIONS and set(DESIGNATIONS) == set(DOCUMENT_TYPES)
    assert len(set(office.designations.values())) == len(DOCUMENT_TYPES)


def test_late_payment_is_quoted_from_the_ruleset_not_the_template() -> None:
    import fireenforce as fe

    case = json.loads((Path(__file__).resolve().parents[1] / "examples" / "ebike-highrise.json").read_text("utf-8"))
    rs = fe.load_ruleset()
    decision = fe.decide(case, ruleset=rs)
    text = fe.render(case, decision, "penalty_decision", fine=450, format="text", ruleset=rs)  # a dict is a case too
    quoted = rs.provisions.at("penalty-law:72:1:1", decision.law_date).text
    assert "百分之三" in quoted and quoted.split("\n")[-1] in text
    template = (Path(__file__).resolve().parents[1] / "documents" / "parts.j2").read_text("utf-8")
    assert "百分之三" not in template


def test_only_penalty_documents_are_issued_in_the_entrusting_agency_name() -> None:
    import fireenforce as fe

    case = {"item": "SH-THREE-IN-ONE", "subject": {"kind": "unit", "operating": True, "name": "某某五金店"},
            "office": {"level": "township", "name": "什社乡消防安全办公室"}, "observed_on": "2026-05-03",
            "history": [{"date": "2026-03-01", "item": "SH-THREE-IN-ONE", "step": "warning"}]}
    decision = fe.decide(case)
    assert decision.step == "referral"
    letter = fe.render(fe.Case.model_validate(case), decision, "referral_letter", format="text")
    head = letter.split("当事人")[0]  # headed by the organ, handled by its office
    assert "庆阳市西峰区什社乡人民政府" in head and "承办：什社乡消防安全办公室" in head and "委托" not in head
    penalty_case = {**case, "item": "EV-BLOCK", "subject": {"kind": "individual", "name": "王某"},
                    "history": [{"date": "2026-03-01", "item": "EV-BLOCK", "step": "warning"}]}
    penalty = fe.decide(penalty_case)
    summary = fe.render(fe.Case.model_validate(penalty_case), penalty, "summary_penalty_decision", fine=100,
                        format="text")
    assert "受庆阳市西峰区消防救援大队委托，由庆阳市西峰区什社乡人民政府实施；委托书：西消委〔2024〕第4号" in summary


@pytest.mark.parametrize(("fine", "due"), [(20000, False), (40000, True)])
def test_hearing_right_follows_the_fine_imposed_not_the_suggestion(fine: int, due: bool) -> None:
    """Penalty-law art. 63: the unit threshold (30000, policy/procedure.yaml) is compared with the
    fine on the notice, whatever the decision's suggested range reached."""
    decision = make_decision()
    assert decision.hearing_right  # the suggested range reaches the threshold
    for text in rendered("penalty_notice", decision, fine=fine).values():
        assert ("要求听证的权利" in text) == due


@pytest.mark.parametrize(("document", "step", "procedure", "kind", "choice"), SAMPLES)
def test_documents_carry_no_engine_notes(document: str, step: str, procedure: str, kind: str,
                                         choice: dict[str, Any]) -> None:
    """The ruleset reference stays in the decision JSON; a legal document never names it."""
    decision = make_decision(step, kind=kind)
    for fmt, text in rendered(document, decision, **choice).items():
        for note in ("适用规则", "法律适用日期", decision.ruleset.id, decision.ruleset.version):
            assert note not in text, (fmt, note)


def test_narrative_paragraphs_are_kept_in_every_format() -> None:
    narrative = "一、三楼东侧楼道堆放纸箱。\n二、二楼安全出口<上锁>&。\r\n\n三、当事人称已通知清理。"
    case = make_case(narrative=narrative, step="reminder")
    decision = make_decision("reminder", case=case)
    html = render(case, decision, "inspection_record")
    assert "<p>现场情况：一、三楼东侧楼道堆放纸箱。</p>" in html
    assert "<p>二、二楼安全出口&lt;上锁&gt;&amp;。</p>" in html and "<p>三、当事人称已通知清理。</p>" in html
    text = render(case, decision, "inspection_record", format="text")
    assert "　　现场情况：一、三楼东侧楼道堆放纸箱。\n\n　　二、二楼安全出口<上锁>&。\n\n　　三、当事人称已通知清理。" in text
    from docx import Document
    import io

    paragraphs = [p.text for p in Document(io.BytesIO(render(case, decision, "inspection_record", format="docx"))).paragraphs]
    start = paragraphs.index("现场情况：一、三楼东侧楼道堆放纸箱。")
    assert paragraphs[start + 1:start + 3] == ["二、二楼安全出口<上锁>&。", "三、当事人称已通知清理。"]


def test_a_penalty_on_an_unheeded_order_states_the_order_as_a_fact() -> None:
    """逾期不改正 is an element of the offence (消防法 67): the decision states the written order,
    its deadline and that it passed unrectified (行政处罚法 art. 59: the facts of the violation)."""
    decision = fe.decide(UN_DUTY_OVERDUE)
    text = render(UN_DUTY_OVERDUE, decision, "summary_penalty_decision", format="text")
    assert ("此前，2026年3月10日以责令限期改正通知书书面责令某某物业公司限期改正，改正期限至2026年3月25日，"
            "期限届满仍未改正。") in text
    record = render(UN_DUTY_OVERDUE, decision, "inspection_record", format="text")
    assert "此前" not in record  # only penalty documents rest on the element


def test_a_notice_penalty_states_only_the_fire_rescue_notice() -> None:
    """消防法 60(1)(7): only a notice of the fire-rescue agency (or in its name) is the element; the
    office's own order is not stated as one."""
    case = {"item": "RC-NOTICE", "subject": {"kind": "unit", "name": "某商店", "address": "西峰区北街2号"},
            "office": {"level": "street", "name": "北街街道消防安全办公室"}, "observed_on": "2025-03-10",
            "history": [{"date": "2024-12-10", "item": "RC-NOTICE", "step": "warning"},
                        {"date": "2025-01-10", "item": "RC-NOTICE", "step": "warning", "issued_by": "fire_rescue"}]}
    decision = fe.decide(case)
    text = render(case, decision, "penalty_notice", fine=20000, format="text")
    assert ("此前，2025年1月10日，消防救援机构（或者以其名义）以责令限期改正通知书书面责令当事人限期改正，"
            "改正期限至2025年1月17日，期限届满仍未改正。") in text
    assert "2024年12月10日" not in text


def test_a_responsible_person_without_a_position_reads_whole() -> None:
    case = {**UN_DUTY_OVERDUE, "responsible_person": {"name": "王五", "id": "620102198001010011"}}
    text = render(case, fe.decide(case), "summary_penalty_decision", format="text")
    assert "当事人王五是该单位对上述违法行为直接负责的主管人员或者其他直接责任人员。" in text
    assert "系该单位，" not in text


@pytest.mark.parametrize("fine", [40000, 20000])
def test_a_standalone_notice_and_its_decision_order_one_deadline(fine: int) -> None:
    """Without a recorded deadline the 告知书 orders the day its 决定书 (dated the first lawful day
    after the notice's periods, with the hearing period where the fine gives one) orders."""
    ordered = re.compile(r"于(\d{4}年\d{1,2}月\d{1,2}日)前改正")
    decision = make_decision()
    notice = ordered.findall(rendered("penalty_notice", decision, fine=fine)["text"])
    decided = ordered.findall(rendered("penalty_decision", decision, fine=fine)["text"])
    assert notice and set(notice) == set(decided)


def test_a_standalone_notice_says_its_deadline_runs_from_the_decision() -> None:
    """decide counts the period from the notice's day; the 决定书 from its own. The 告知书 orders
    the day a decision on the first lawful day orders, and says the period runs from the decision
    and that a decision dated otherwise orders its own day (a later --date does)."""
    ordered = re.compile(r"于(\d{4}年\d{1,2}月\d{1,2}日)前改正")
    decision = make_decision()
    case = _MADE[decision.case_digest]
    days = (decision.rectification.deadline - case.decision_date).days
    said = (f"改正期限自行政处罚决定书作出之日起计算（{number(days)}日）。上述日期是按本机关在本告知书所载期限届满后的"
            "第一日作出决定计算的；决定书作出日期不同的，以决定书载明的改正期限为准。")
    for fmt, text in rendered("penalty_notice", decision, fine=20000).items():
        assert said in flat(text), fmt
    later = case.decision_date + dt.timedelta(days=20)
    decided = ordered.findall(render(case, decision, "penalty_decision", fine=20000, date=later, format="text"))
    notice = ordered.findall(render(case, decision, "penalty_notice", fine=20000, format="text"))
    assert decided != notice and decided == [f"{later.year}年{(later + dt.timedelta(days=days)).month}月"
                                             f"{(later + dt.timedelta(days=days)).day}日"]
    assert "改正期限自行政处罚决定书作出之日起计算" not in render(case, decision, "penalty_decision", fine=20000,
                                                                   format="text")
