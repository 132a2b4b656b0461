"""The page's ledger steps without a browser: login, record, numbered documents, the due list
and its buttons, and who may press them."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from fireenforce.ledger import Ledger
from fireenforce.service import Settings, create_app
from ledgerkit import OFFICE, uscc
from servicekit import ledger_with_tokens
from test_service_page import csrf_of

STEP2 = {"item": "EV-BLOCK", "q": "安全出口上锁", "subject_kind": "unit", "operating": "on", "subject_name": "某某超市",
         "subject_id": uscc(7), "place_name": "某某超市", "crowded": "on", "observed_on": "2026-05-03",
         "officer": "王某"}


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[dict[str, Any]]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    tokens = ledger_with_tokens(url, "north", "south", "legal")
    app = create_app(Settings(db=url))
    with TestClient(app) as client:
        yield {"client": client, "app": app, "tokens": tokens, "url": url}


def login(site: dict[str, Any], who: str) -> TestClient:
    client = TestClient(site["app"])
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"token": site["tokens"][who], "csrf": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def decided(client: TestClient, **change: str) -> str:
    token = csrf_of(client.get("/case", params={"item": "EV-BLOCK"}).text)
    page = client.post("/decision", data={**STEP2, **change, "csrf": token})
    assert page.status_code == 200, page.text
    return page.text


def record(client: TestClient) -> str:
    page = decided(client)
    form = re.search(r'<form method="post" action="/record".*?</form>', page, re.S)
    assert form, "no record button for a logged-in office"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    answer = client.post("/record", data={k: html.unescape(v) for k, v in fields.items()})
    assert answer.status_code == 200, answer.text
    return answer.text


def test_login_sets_an_httponly_strict_cookie_and_names_the_office(site: dict[str, Any]) -> None:
    client = TestClient(site["app"])
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"token": site["tokens"]["north"], "csrf": token}, follow_redirects=False)
    cookie = [c for c in answer.headers.get_list("set-cookie") if c.startswith("fe_token=")][0]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Max-Age=43200" in cookie
    assert OFFICE["name"] in client.get("/").text


def test_a_wrong_token_does_not_log_in(site: dict[str, Any]) -> None:
    client = TestClient(site["app"])
    answer = client.post("/login", data={"token": "fe_wrong", "csrf": csrf_of(client.get("/login").text)})
    assert answer.status_code == 401 and "无法登录：令牌无效，请核对后重新输入" in answer.text
    assert client.post("/login", data={"token": site["tokens"]["north"]}).status_code == 403  # no CSRF token


def test_logged_in_the_office_is_the_logins(site: dict[str, Any]) -> None:
    client = login(site, "north")
    form = client.get("/case", params={"item": "EV-BLOCK"}).text
    assert 'name="office_name"' not in form and OFFICE["name"] in form
    assert OFFICE["name"] in decided(client, office_name="冒名办公室")


def test_record_numbers_the_documents_and_opens_them(site: dict[str, Any]) -> None:
    client = login(site, "north")
    page = record(client)
    finding = re.search(r"(?<![0-9A-Za-z_-])(F-[0-9a-f]{16})(?![0-9A-Za-z_-])", page)
    number = re.search(r'class="number">([^<]+)<', page)
    assert finding and number and "西北街消检查字〔2026〕第1号" == number.group(1)
    document = client.post(f"/findings/{finding.group(1)}/documents",
                           data={"document": "inspection_record", "csrf": csrf_of(page)})
    assert document.status_code == 200 and "西北街消检查字〔2026〕第1号" in document.text
    assert uscc(7) in document.text  # the document carries the full id; lists mask it
    other = login(site, "south")
    refused = other.post(f"/findings/{finding.group(1)}/documents",
                         data={"document": "inspection_record", "csrf": csrf_of(other.get("/").text)})
    assert refused.status_code == 404


def test_due_list_buttons_escalate_and_close(site: dict[str, Any]) -> None:
    client = login(site, "north")
    finding = re.search(r"(?<![0-9A-Za-z_-])(F-[0-9a-f]{16})(?![0-9A-Za-z_-])", record(client))
    assert finding
    due = client.get("/due", params={"on": "2026-06-01"}).text
    assert finding.group(1) in due and "已整改" in due and "未整改" in due
    escalated = client.post(f"/findings/{finding.group(1)}/reinspect",
                            data={"on": "2026-06-01", "rectified": "0", "officer": "王某", "csrf": csrf_of(due)})
    assert escalated.status_code == 200 and "verdict-warning" in escalated.text and "责令限期改正通知书" in escalated.text
    later = client.get("/due", params={"on": "2026-07-01"}).text
    closed = client.post(f"/findings/{finding.group(1)}/reinspect",
                         data={"on": "2026-07-01", "rectified": "1", "officer": "王某", "csrf": csrf_of(later)})
    assert "已整改，已销号" in closed.text and finding.group(1) not in closed.text.split("<h1>待复查")[1]  # not due
    # the re-inspection's own record (检查类别：复查) comes back with its number, ready to open
    assert "复查记录（2026-07-01，已改正）" in closed.text and 'value="西北街消检查字〔2026〕第3号"' in closed.text
    opened = client.post(f"/findings/{finding.group(1)}/documents", data={
        "document": "inspection_record", "number": "西北街消检查字〔2026〕第3号", "csrf": csrf_of(closed.text)})
    assert opened.status_code == 200 and "西北街消检查字〔2026〕第3号" in opened.text and "复查结果：已改正。" in opened.text
    first = client.post(f"/findings/{finding.group(1)}/documents", data={
        "document": "inspection_record", "number": "西北街消检查字〔2026〕第1号", "csrf": csrf_of(closed.text)})
    assert first.status_code == 200 and "检查类别" not in first.text  # the first inspection's, by its number
    with Ledger(site["url"]) as ledger:
        assert ledger.show(finding.group(1)).status == "closed"


def test_other_offices_and_legal_staff_cannot_press_the_buttons(site: dict[str, Any]) -> None:
    north = login(site, "north")
    finding = re.search(r"(?<![0-9A-Za-z_-])(F-[0-9a-f]{16})(?![0-9A-Za-z_-])", record(north))
    assert finding
    south = login(site, "south")
    assert finding.group(1) not in south.get("/due", params={"on": "2026-06-01"}).text
    press = {"on": "2026-06-01", "rectified": "1", "officer": "王某", "csrf": csrf_of(south.get("/").text)}
    assert "本办公室的台账中没有这个案件" in south.post(f"/findings/{finding.group(1)}/reinspect", data=press).text
    legal = login(site, "legal")
    listed = legal.get("/due", params={"on": "2026-06-01"}).text
    assert finding.group(1) in listed and "未整改" not in listed
    assert 'action="/record"' not in decided(legal, office_level="street", office_name=OFFICE["name"])
    assert legal.post(f"/findings/{finding.group(1)}/reinspect",
                      data={**press, "csrf": csrf_of(listed)}).status_code == 403
    with Ledger(site["url"]) as ledger:
        assert ledger.show(finding.group(1)).status == "open"


def test_ledger_pages_ask_for_a_login(site: dict[str, Any]) -> None:
    client: TestClient = site["client"]
    assert client.get("/due", follow_redirects=False).headers["location"] == "/login"
    assert "登录" in client.get("/").text


def test_logout_forgets_the_token(site: dict[str, Any]) -> None:
    client = login(site, "north")
    client.post("/logout", data={"csrf": csrf_of(client.get("/").text)})
    assert client.get("/due", follow_redirects=False).status_code == 303



def test_the_start_page_leads_to_the_due_list(site: dict[str, Any]) -> None:
    """Step 5 is where an officer's day starts: reachable from / and from the step bar (user trial)."""
    start = login(site, "north").get("/").text
    assert '<a class="button" href="/due">今日复查</a>' in start
    assert re.search(r'<li><a href="/due"><span>5</span>复查</a></li>', start)


def test_the_due_list_picks_its_day_and_says_a_bad_one_in_chinese(site: dict[str, Any]) -> None:
    client = login(site, "north")
    page = client.get("/due", params={"on": "2026-06-01"}).text
    assert re.search(r'<input type="date" name="on" value="2026-06-01"', page)
    bad = client.get("/due", params={"on": "x"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    assert "复查日期：“x”不是有效日期，请按“年-月-日”填写" in bad.text


@pytest.mark.parametrize("form", [{"on": "", "rectified": "1"}, {"on": "2026-6-1", "rectified": "1"},
                                  {"on": "2026-06-01"}, {"on": "2026-06-01", "rectified": "yes"},
                                  {"on": "2026-06-01", "rectified": "1"}])  # no 复查人员
def test_a_reinspection_form_that_does_not_say_the_day_or_the_result_records_nothing(
        site: dict[str, Any], form: dict[str, str]) -> None:
    client = login(site, "north")
    finding = re.search(r"(?<![0-9A-Za-z_-])(F-[0-9a-f]{16})(?![0-9A-Za-z_-])", record(client))
    assert finding
    with Ledger(site["url"]) as ledger:
        before = ledger.show(finding.group(1)).events
    answer = client.post(f"/findings/{finding.group(1)}/reinspect", data={**form, "csrf": csrf_of(client.get("/").text)})
    assert answer.status_code == 422 and '<p class="error" role="alert">' in answer.text
    with Ledger(site["url"]) as ledger:
        assert ledger.show(finding.group(1)).events == before


def test_another_offices_finding_is_said_in_chinese_on_the_page(site: dict[str, Any]) -> None:
    finding = re.search(r"(?<![0-9A-Za-z_-])(F-[0-9a-f]{16})(?![0-9A-Za-z_-])", record(login(site, "north")))
    assert finding
    south = login(site, "south")
    answer = south.post(f"/findings/{finding.group(1)}/reinspect",
                        data={"on": "2026-06-01", "rectified": "1", "officer": "王某", "csrf": csrf_of(south.get("/").text)})
    assert answer.status_code == 404 and "本办公室的台账中没有这个案件" in answer.text
