"""The officer's page in a real browser (the system Chromium, driven by Playwright) on a
390 px phone: type what you see, pick the item, fill who and where, read the decision.
Screenshots of each step go to test-output/phone/ for a person to look at."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from fireenforce.service import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[1] / "test-output" / "phone"
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.is_file(), "make test installs Debian's chromium; run it, or apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN", base_url=base_url)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    assert not problems, f"the browser reported errors: {problems}"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_steps_1_to_3_on_a_phone(page: Page) -> None:
    page.goto("/")
    page.fill("#q", "楼道里电动车在充电")  # results appear while typing (no submit)
    first = page.locator("#matches a").first
    expect(first).to_contain_text("为电动自行车充电")
    no_sideways_scroll(page)
    shot(page, "1-search")

    first.click()
    expect(page.locator("h1")).to_contain_text("为电动自行车充电")
    page.check("input[name=subject_kind][value=individual]")
    page.fill("input[name=subject_name]", "张某")
    page.fill("input[name=place_name]", "某小区5号楼")
    page.check("input[name=high_rise]")
    page.fill("input[name=office_name]", "北街街道消防安全办公室")
    no_sideways_scroll(page)
    shot(page, "2-case")

    page.click("button.primary")
    expect(page.locator(".step")).to_have_text("督促提醒")
    expect(page.locator(".verdict")).to_contain_text("张某")
    expect(page.locator(".basis blockquote").first).to_be_hidden()  # quotes folded until asked for
    page.locator(".basis summary").first.click()
    expect(page.locator(".basis blockquote").first).to_be_visible()
    no_sideways_scroll(page)
    shot(page, "3-decision")


def test_the_search_works_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    page.goto("/")
    page.fill("#q", "安全出口锁住了")
    page.press("#q", "Enter")
    expect(page.locator("#matches a").first).to_contain_text("安全出口")
    context.close()
