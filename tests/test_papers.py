"""Who the papers name: the organ in law heads and seals the office's own documents, the reasons
say who holds a power under 委托 and 赋权, and each order to correct cites what governs it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import fireenforce as fe
from fireenforce.documents import render
from fireenforce.cli._text import decision_text
from fireenforce.labels import DOCUMENT_TITLES, STEP_LABELS
from fireenforce.ledger import Closure, Ledger, Record
from fireenforce.ruleset.load import load_version
from readback import FORMATS, flat, text_of
from ledgerkit import case as ledger_case
from test_documents import make_decision
from test_documents import _MADE as MADE
from test_entrustment import _case, _entrust, _version
from test_properties import bundled

GOVERNMENT = "庆阳市西峰区北街街道办事处"
OFFICE = "北街街道消防安全办公室"
VERSIONS = ("2021.07", "2022.03", "2024.09")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("step", "document"), [
    ("reminder", "inspection_record"), ("warning", "rectification_order"), ("referral", "referral_letter"),
])
def test_the_offices_own_papers_are_headed_and_sealed_by_its_organ(step: str, document: str, fmt: str) -> None:
    decision = make_decision(step)
    seen = text_of(render(MADE[decision.case_digest], decision, document, format=fmt), fmt)
    title = DOCUMENT_TITLES[document]
    assert f"{GOVERNMENT}{title}（承办：{OFFICE}）" in seen.split("当事人")[0]
    assert f"{GOVERNMENT}（印章）" in seen and f"{OFFICE}（印章）" not in seen
    if document == "inspection_record":
        assert f"检查单位：{GOVERNMENT}检查时间" in seen  # the organ alone, its office named as 承办


def test_penalty_papers_keep_the_brigades_name_under_entrustment() -> None:
    decision = make_decision("penalty")
    seen = text_of(render(MADE[decision.case_digest], decision, "penalty_notice", fine=6000, format="text"), "text")
    head = seen.split("当事人")[0]
    assert "庆阳市西峰区消防救援大队行政处罚告知书" in head and "承办" not in head
    assert flat(f"由{GOVERNMENT}实施") in head


def test_under_entrustment_the_power_stays_the_brigades() -> None:
    decision = fe.decide(_case())
    held = next(r for r in decision.reasons if r.rule.startswith("power."))
    assert held.rule == "power.entrusted", held
    assert "处罚权属于西峰区消防救援大队" in held.text and "持有" not in held.text
    assert "以西峰区消防救援大队名义实施处罚" in held.text and "街道办事处" in held.text
    assert "penalty-law:20:3" in held.cites
    brigade = fe.decide({**_case(), "office": {"level": "brigade"}})
    assert "power.holds" in [r.rule for r in brigade.reasons]


def test_an_office_without_an_entrustment_in_force_is_not_said_to_be_the_entrusted_body(tmp_path: Path) -> None:
    rs = load_version(_version(tmp_path, _entrust(until=dt.date(2026, 4, 30))))
    reason = next(r for r in fe.decide(_case(), ruleset=rs).reasons if r.rule == "power.entrustment-none")
    assert "受委托组织是街道办事处、乡镇人民政府" in reason.text
    assert not reason.text.startswith("本机构（街道消防安全办公室）受委托")


ORDERS = {"reminder": ("rectification.order-oral", ()),
          "warning": ("rectification.order-written", ("inspection-rules:19:1", "inspection-rules:20:1")),
          "penalty": ("rectification.order", ("penalty-law:28:1",)),
          "referral": ("rectification.order-referral", ())}


@pytest.mark.parametrize("step", ORDERS)
def test_each_order_to_correct_cites_what_governs_it(step: str) -> None:
    rule, cites = ORDERS[step]
    ordered = [r for r in make_decision(step).reasons if r.rule.startswith("rectification.order")]
    assert [(r.rule, r.cites) for r in ordered] == [(rule, cites)]
    if step == "reminder":
        assert "本地政策，不是法律规定" in ordered[0].text


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_words_the_powers_and_orders_alike(version: str) -> None:
    reasons = bundled(version).policy.spec.reasons
    assert {rule: tuple(reasons[rule].cites) for rule, _ in ORDERS.values()} == dict(ORDERS.values())
    assert "penalty-law:20:3" in reasons["power.entrusted"].cites
    assert "处罚权属于{authority}" in reasons["power.entrusted"].text
    assert "受委托组织是街道办事处、乡镇人民政府" in reasons["power.entrustment-none"].text


def _referred(item: str, subject: dict[str, str], narrative: str) -> tuple[fe.Case, fe.Decision]:
    case = fe.Case.model_validate({
        "item": item, "subject": subject, "place": {"name": "某某仓库"}, "observed_on": "2026-05-03",
        "occurred_on": "2026-05-02", "office": {"level": "street", "name": OFFICE}, "facts": {"narrative": narrative}})
    decision = fe.decide(case)
    assert decision.step == "referral"
    return case, decision


@pytest.mark.parametrize("document", ["referral_letter", "inspection_record"])
def test_a_hazard_never_notified_is_not_called_the_unheeded_notice(document: str) -> None:
    case, decision = _referred("RC-NOTICE", {"kind": "unit", "name": "某某公司"}, "配电箱周边堆放可燃杂物")
    seen = flat(render(case, decision, document, format="text"))
    facts = seen.split("现场情况：")[0]
    assert "存在火灾隐患（现场情况见下）；消防救援机构尚未就该隐患书面通知当事人" in facts
    assert "经消防救援机构通知后不及时采取措施消除”的违法行为" not in seen
    notified = fe.Case.model_validate({**case.model_dump(mode="json"), "history": [
        {"date": "2026-04-01", "item": "RC-NOTICE", "step": "warning", "issued_by": "fire_rescue"}]})
    again = fe.decide(notified)  # the agency's notice went unheeded: now the conduct is complete
    assert again.step == "penalty"
    seen = flat(render(notified, again, "inspection_record", format="text"))
    assert "存在“对火灾隐患经消防救援机构通知后不及时采取措施消除”的违法行为" in seen


def test_the_agencys_power_is_labelled_by_who_receives_the_case() -> None:
    case, decision = _referred("SE-UNSEAL", {"kind": "individual", "name": "张三"}, "仓库封条被撕")
    assert decision.referral_to == "public_security"
    seen = flat(render(case, decision, "referral_letter", format="text"))
    assert "移送消防救援机构处理的依据" not in seen
    assert "消防救援机构的职权依据（不是公安机关的职权，也不是本机关的职权" in seen
    brigade, to_brigade = _referred("RC-NOTICE", {"kind": "unit", "name": "某某公司"}, "配电箱周边堆放可燃杂物")
    assert "移送消防救援机构处理的依据（消防救援机构的职权）" in flat(render(brigade, to_brigade, "referral_letter",
                                                                           format="text"))


def test_a_reinspection_after_a_returned_referral_is_recorded_as_one(open_ledger: Ledger) -> None:
    led = open_ledger
    rec = led.record(ledger_case(301, item="RC-NOTICE", on="2026-10-15"), officer="王某")
    assert rec.step == "referral"
    first = next(d.number for d in rec.documents if d.type == "inspection_record")
    led.referral_answer(rec.finding, on="2026-10-22", accepted=False, result="须先由消防救援机构书面通知")
    again = led.reinspect(rec.finding, on="2026-10-26", rectified=False, officer="王某")
    assert isinstance(again, Record) and again.step == "referral"
    number = next(d.number for d in again.documents if d.type == "inspection_record")
    text = flat(str(led.render(rec.finding, "inspection_record", number=number, format="text")))
    assert "检查类别：复查" in text and "复查情况" in text
    assert f"2026年10月15日，《消防监督检查记录》（{first}）责令当事人于2026年10月22日前消除上述火灾隐患。" in text
    assert "2026年10月26日，执法人员对当事人的改正情况进行复查。复查结果：逾期未改正。" in text
    letters = [d.number for d in (*rec.documents, *again.documents) if d.type == "referral_letter"]
    first_letter, second_letter = (flat(str(led.render(rec.finding, "referral_letter", number=n, format="text")))
                                   for n in letters)
    assert "被退回" not in first_letter
    assert ("本机关曾于2026年10月15日将本案移送，2026年10月22日本案被退回，退回理由：须先由消防救援机构书面通知。"
            "现再次移送。") in second_letter


def test_a_reinspection_after_a_returned_referral_checks_the_deadline_the_return_set(open_ledger: Ledger) -> None:
    """Penalty (notice 05-11, decided 05-15, correct by 05-18), referral 05-19 (its record orders
    05-22), returned 05-20: due again by 05-23 (returned_days 3). A re-inspection on 05-23 finds
    the deadline still running, whatever the older orders said; on 05-24 it is unheeded."""
    led = open_ledger
    rec = led.record(ledger_case(304), officer="王某")
    led.reinspect(rec.finding, on="2026-05-07", rectified=False, officer="王某")
    led.reinspect(rec.finding, on="2026-05-11", rectified=False, officer="王某", fine=6000)
    referral = led.reinspect(rec.finding, on="2026-05-19", rectified=False, officer="王某")
    assert isinstance(referral, Record) and referral.step == "referral"
    led.referral_answer(rec.finding, on="2026-05-20", accepted=False, result="不属于本大队管辖")
    assert led.show(rec.finding).deadline == dt.date(2026, 5, 23)
    running = led.reinspect(rec.finding, on="2026-05-23", rectified=False, officer="王某")
    assert isinstance(running, Record) and running.action == referral.action  # nothing decided
    assert running.reinspection is not None
    (own,) = running.reinspection.documents
    text = flat(str(led.render(rec.finding, "inspection_record", number=own.number, format="text")))
    assert ("本案移送后于2026年5月20日被退回，由本机关继续处理，退回后的整改期限至2026年5月23日。"
            "2026年5月23日，执法人员对当事人的改正情况进行复查。复查结果：未改正（整改期限尚未届满）。") in text
    assert "期限届满后再行复查" in text and "依法另行处理" not in text
    unheeded = led.reinspect(rec.finding, on="2026-05-24", rectified=False, officer="王某")
    assert isinstance(unheeded, Record) and unheeded.step == "referral" and unheeded.action != referral.action
    text = flat(str(led.render(rec.finding, "inspection_record", format="text")))
    assert "2026年5月24日，执法人员对当事人的改正情况进行复查。复查结果：逾期未改正。" in text


def test_a_reinspection_record_names_the_partys_application(open_ledger: Ledger) -> None:
    led = open_ledger
    rec = led.record(ledger_case(302), officer="王某")
    warning = led.reinspect(rec.finding, on="2026-05-07", rectified=False, officer="王某")
    assert isinstance(warning, Record) and warning.step == "warning"
    led.apply_for_reinspection(rec.finding, on="2026-05-09")
    closed = led.reinspect(rec.finding, on="2026-05-09", rectified=True, officer="王某")
    assert isinstance(closed, Closure) and closed.reinspection is not None
    (doc,) = closed.reinspection.documents
    text = flat(str(led.render(rec.finding, "inspection_record", number=doc.number, format="text")))
    assert "当事人于2026年5月9日申请复查。2026年5月9日，执法人员对当事人的改正情况进行复查。" in text
    unasked = led.record(ledger_case(303), officer="王某")
    led.reinspect(unasked.finding, on="2026-05-07", rectified=False, officer="王某")
    done = led.reinspect(unasked.finding, on="2026-05-11", rectified=True, officer="王某")
    assert isinstance(done, Closure) and done.reinspection is not None
    (plain,) = done.reinspection.documents
    assert "申请复查" not in str(led.render(unasked.finding, "inspection_record", number=plain.number, format="text"))


@pytest.mark.parametrize("document", ["referral_letter", "inspection_record"])
def test_a_referral_after_an_unheeded_penalty_gives_that_ground(document: str) -> None:
    decision = make_decision("referral")  # the penalty's order went unheeded, as the history says
    assert "ladder.after-penalty" in [r.rule for r in decision.reasons]
    seen = flat(render(MADE[decision.case_digest], decision, document, format="text"))
    assert "处罚决定责令的改正期满仍未改正，或者改正后再次违反" in seen
    assert "屡教不改" not in seen and "已受处罚仍再次违反" not in seen


@pytest.mark.parametrize("step", ["reminder", "warning", "referral", "penalty"])
def test_the_decision_text_says_a_penalty_only_where_one_is_imposed(step: str) -> None:
    text = decision_text(make_decision(step))
    line = next(x for x in text.splitlines() if "罚款" in x and ("处罚：" in x or "处罚（" in x))
    if step == "penalty":
        assert line.startswith("处罚：") and "如予处罚" not in line
    else:
        label = STEP_LABELS[step]
        assert line.startswith(f"法律规定的处罚（本次{label}，不作处罚决定）：") and "如予处罚，建议" in line
        assert not any(x.startswith("处罚：") for x in text.splitlines())
