"""The officer's page without a browser: the three steps as forms, CSRF, escaping, headers."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

import fireenforce as fe
from fireenforce.model.case import parse_case
from fireenforce.service import create_app
from fireenforce.service.page import case_from_form

FORM = {
    "item": "EB-CHARGE", "q": "高层楼道里电动车在充电", "subject_kind": "individual", "subject_name": "张某",
    "place_name": "某小区5号楼", "high_rise": "on", "observed_on": "2026-05-03",
    "office_level": "street", "office_name": "北街街道消防安全办公室", "narrative": "楼梯间充电",
}


@pytest.fixture()
def client() -> TestClient:
    return TestClient(create_app())


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the form carries no CSRF token"
    return found.group(1)


def post_form(client: TestClient, path: str, form: dict[str, Any]) -> Any:
    token = csrf_of(client.get("/case", params={"item": "EB-CHARGE"}).text)
    return client.post(path, data={**form, "csrf": token})


def test_step1_lists_the_items_for_the_words_typed(client: TestClient) -> None:
    page = client.get("/", params={"q": "楼道里电动车在充电"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert '/case?item=EB-CHARGE&amp;q=' in page.text and "在公共门厅、疏散通道、楼梯间、安全出口为电动自行车充电" in page.text


def test_step2_reads_place_facts_from_the_words(client: TestClient) -> None:
    page = client.get("/case", params={"item": "EB-CHARGE", "q": "高层楼道里电动车在充电"})
    assert re.search(r'name="high_rise" checked', page.text)
    assert not re.search(r'name="crowded" checked', page.text)


def test_an_unknown_item_is_a_page_saying_so(client: TestClient) -> None:
    page = client.get("/case", params={"item": "NOPE"})
    assert page.status_code == 404 and "没有编号为“NOPE”的执法事项" in page.text


def test_step3_shows_the_decision_of_the_engine(client: TestClient) -> None:
    page = post_form(client, "/decision", FORM)
    assert page.status_code == 200
    decision = fe.decide({"item": "EB-CHARGE", "description": FORM["q"],
                          "subject": {"kind": "individual", "name": "张某"},
                          "place": {"name": "某小区5号楼", "high_rise": True},
                          "office": {"level": "street", "name": FORM["office_name"]}, "observed_on": "2026-05-03",
                          "facts": {"narrative": "楼梯间充电"}})
    assert f'class="card verdict verdict-{decision.step}"' in page.text
    for basis in decision.legal_basis:
        assert basis.text.splitlines()[0] in page.text
    for document in decision.documents:
        assert f'name="document" value="{document}"' in page.text


def test_a_bad_form_comes_back_marked_at_the_field(client: TestClient) -> None:
    page = post_form(client, "/decision", {**FORM, "observed_on": "2026-05-03", "occurred_on": "2026-06-01"})
    assert page.status_code == 422
    assert "行为开始日期：2026-06-01 晚于发现日期 2026-05-03，行为开始日期不能晚于发现日期" in page.text
    assert re.search(r'name="occurred_on" value="2026-06-01" class="invalid"', page.text)


def test_forms_without_the_csrf_token_are_refused(client: TestClient) -> None:
    client.get("/")
    assert client.post("/decision", data=FORM).status_code == 403
    assert client.post("/decision", data={**FORM, "csrf": "x" * 43}).status_code == 403
    fresh = TestClient(create_app())
    assert fresh.post("/decision", data={**FORM, "csrf": csrf_of(client.get("/case?item=EB-CHARGE").text)}).status_code == 403


def test_the_csrf_cookie_is_httponly_and_strict(client: TestClient) -> None:
    cookie = client.get("/").headers["set-cookie"]
    assert "fe_csrf=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def test_what_the_officer_types_is_escaped(client: TestClient) -> None:
    page = client.get("/", params={"q": '<script>alert(1)</script>充电'})
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
    marked = post_form(client, "/decision", {**FORM, "subject_name": '"><img src=x onerror=alert(1)>'})
    assert "<img src=x" not in marked.text


def test_pages_forbid_inline_script_and_framing(client: TestClient) -> None:
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


def test_documents_open_and_download(client: TestClient) -> None:
    page = post_form(client, "/decision", FORM)
    case_json = re.search(r'name="case" value="([^"]+)"', page.text)
    assert case_json
    form = {"case": html.unescape(case_json.group(1)), "document": "inspection_record", "csrf": csrf_of(page.text)}
    opened = client.post("/document", data={**form, "format": "html"})
    assert opened.status_code == 200 and "消防监督检查记录" in opened.text
    assert "content-disposition" not in opened.headers
    word = client.post("/document", data={**form, "format": "docx"})
    assert word.headers["content-disposition"] == 'attachment; filename="inspection_record.docx"'
    assert word.content.startswith(b"PK")  # a zip: the Word file
    pdf = client.post("/document", data={**form, "format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    refused = client.post("/document", data={**form, "document": "penalty_decision", "fine": "300"})
    assert refused.status_code == 422 and "documents for it: inspection_record" in refused.text


def test_static_files_are_served_without_a_cdn(client: TestClient) -> None:
    page = client.get("/").text
    assert "http://" not in page and "https://" not in page
    assert client.get("/static/app.js").status_code == 200 and client.get("/static/app.css").status_code == 200


@pytest.mark.parametrize(("change", "field", "says"), [
    ({"subject_id": "620102199001011234"}, "subject_id",
     "统一社会信用代码或身份证号：620102********1234 校验位不符：既不是有效的统一社会信用代码，也不是有效的居民身份证号码，请核对"),
    ({"subject_id": "62010219900101"}, "subject_id", "不是18位的统一社会信用代码或居民身份证号码"),
    ({"observed_on": "2026-13-01"}, "observed_on", "发现日期：“2026-13-01”不是有效日期，请按“年-月-日”填写"),
    ({"subject_kind": "unit"}, "subject_kind", "不适用于这类当事人"),
])
def test_a_wrong_field_is_said_in_chinese_at_step_2(client: TestClient, change: dict[str, str], field: str,
                                                    says: str) -> None:
    """An officer reads Chinese: the form's label and the reason, never an English field path;
    an ID with a wrong check digit is caught here, not after the form is gone (user trial)."""
    form = {**FORM, "item": "FI-NEGLIGENT", **change} if field == "subject_kind" else {**FORM, **change}
    page = post_form(client, "/decision", form)
    assert page.status_code == 422
    alert = re.search(r'<p class="error" role="alert" id="form-error">(.*?)</p>', page.text)
    assert alert and says in alert.group(1)
    assert not re.search(r"[a-z]+_[a-z]+|[a-z]+\.[a-z]+", alert.group(1)), "a field path in the officer's message"
    if field != "subject_kind":
        beside = re.search(rf'name="{field}" value="[^"]*"[^>]*class="invalid"[^>]*><span class="field-error">(.*?)</span>',
                           page.text)
        assert beside and says in beside.group(1), "the reason beside the field, not only at the top of a long form"


def test_a_referral_names_the_authority_in_chinese(client: TestClient) -> None:
    form = {**FORM, "item": "PS-FALSE-ALARM", "q": "谎报火警", "high_rise": ""}
    page = post_form(client, "/decision", {k: v for k, v in form.items() if v})
    assert page.status_code == 200
    decision = fe.decide(parse_case(case_from_form({k: v for k, v in form.items() if v})))
    assert decision.referral_to and decision.referral_label
    assert f"移交：{decision.referral_label}" in page.text and decision.referral_to not in page.text
