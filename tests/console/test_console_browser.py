"""The console in a real headless Chromium: an operator's day, one browser for the module.

Log in, add a shop, switch on order intake with rules, post a webhook to the gateway and see
its document (and its PDF), replay a dead letter, and a viewer who sees no edit controls.
The steps build on each other, in file order; each leaves a screenshot in var/screenshots/.
"""

from __future__ import annotations

import asyncio
import json
import os
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import Account, DeadLetterRow, ShopConnection
from shopsync.adapters.db.sync_runs import add_run
from shopsync.adapters.kafka.topics import ORDER_EVENTS
from shopsync.domain.sync_runs import FinishedRun
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.operators import add_operator
from tests.console.browser import chromium, screenshot
from tests.console.conftest import PASSWORD
from tests.console.facts import invoice, nav_aborted
from tests.console.served import ServedApps
from tests.nav_check import TEST_SUPPLIER
from tests.support import SAMPLE_WEBHOOK, env_settings, multipart_body, unique

pytestmark = pytest.mark.integration
STORY: dict[str, Any] = {}


async def _seed(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    async with session_factory(engine)() as db:
        admin, viewer = unique("admin-") + "@example.hu", unique("viewer-") + "@example.hu"
        await add_operator(db, admin, "admin", PASSWORD)
        await add_operator(db, viewer, "viewer", PASSWORD)
        await db.commit()
    await engine.dispose()
    return {"admin": admin, "viewer": viewer, "shop": unique("webshop-")}


async def _in_db(url: str, work: Any) -> Any:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as db:
            result = await work(db)
            await db.commit()
            return result
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def served(pg_database_url: str, kafka_broker: str) -> Iterator[ServedApps]:
    settings = env_settings(
        DATABASE_URL=pg_database_url,
        KAFKA_BOOTSTRAP_SERVERS=kafka_broker,
        SHOPSYNC_SECRET_KEY=Fernet.generate_key().decode(),
        CONNECTION_CACHE_TTL_S=0,
    )
    STORY.update(asyncio.run(_seed(pg_database_url)), url=pg_database_url)
    apps = ServedApps(settings, os.urandom(32))
    apps.start()
    STORY["base"] = f"http://127.0.0.1:{apps.console_port}"
    STORY["gateway"] = f"http://127.0.0.1:{apps.gateway_port}"
    STORY["remote"] = apps.sandbox.create_shop(unique("remote-"), password="pw")
    STORY["api_url"] = f"http://127.0.0.1:{apps.sandbox_port}/{STORY['remote'].name}"
    yield apps
    apps.stop()


@pytest.fixture(scope="module")
def browser(served: ServedApps) -> Iterator[webdriver.Chrome]:
    driver = chromium()
    yield driver
    driver.quit()


def _open(driver: webdriver.Chrome, path: str) -> None:
    driver.get(STORY["base"] + path)


def _log_in(driver: webdriver.Chrome, email: str) -> None:
    _open(driver, "/login")
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "log-in").click()
    WebDriverWait(driver, 10).until(seen.presence_of_element_located((By.ID, "shops")))


def _fill(driver: webdriver.Chrome, values: dict[str, str]) -> None:
    for name, value in values.items():
        box = driver.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)


def _tick(driver: webdriver.Chrome, *names: str) -> None:
    for name in names:
        box = driver.find_element(By.NAME, name)
        if not box.is_selected():
            box.click()


def test_an_admin_logs_in_and_sees_the_shops(browser: webdriver.Chrome) -> None:
    _open(browser, "/shops")
    assert browser.current_url.endswith("/login")
    screenshot(browser, "01-login")
    _log_in(browser, STORY["admin"])
    assert STORY["admin"] in browser.find_element(By.CLASS_NAME, "who").text
    screenshot(browser, "02-shops")
    screenshot(browser, "02-shops-phone", width=390)


def test_an_admin_adds_a_shop_and_switches_on_order_intake_with_rules(
    browser: webdriver.Chrome,
) -> None:
    shop = {"name": STORY["shop"], "path": "demo", "api_user": STORY["remote"].user}
    _fill(browser, {**shop, "api_secret": "pw", "api_url": STORY["api_url"]})
    browser.find_element(By.CSS_SELECTOR, "#add-shop button").click()
    WebDriverWait(browser, 10).until(seen.presence_of_element_located((By.ID, "webhook-url")))
    STORY["webhook"] = browser.find_element(By.ID, "webhook-url").text
    STORY["shop_url"] = browser.current_url.split("?")[0]
    browser.find_element(By.ID, "check-now").click()
    verdicts = WebDriverWait(browser, 20).until(
        seen.presence_of_element_located((By.ID, "verdicts"))
    )
    assert "no order_status_change webhook" in verdicts.text
    screenshot(browser, "03-shop-connection")
    browser.get(STORY["shop_url"] + "?tab=orders")
    _tick(browser, "orders_enabled", "orders_auto_accept")
    _fill(
        browser, {"orders_status_rules": "1: proforma\n5: invoice", "orders_cancel_status_ids": "7"}
    )
    browser.find_element(By.ID, "save").click()
    WebDriverWait(browser, 20).until(seen.presence_of_element_located((By.ID, "flash")))
    assert browser.find_element(By.CLASS_NAME, "saved").is_displayed()
    assert browser.find_element(By.NAME, "orders_enabled").is_selected()
    assert "the shop's webhook: created" in browser.find_element(By.ID, "flash").text
    screenshot(browser, "04-shop-orders")


async def _supplier_known(db: Any) -> None:
    """What the console does not manage: the account's supplier data, the 0 % VAT case."""
    query = select(ShopConnection).where(ShopConnection.name == STORY["shop"])
    connection = (await db.execute(query)).scalar_one()
    connection.nav_zero_vat_case = "TAM"
    set_supplier(await db.get(Account, connection.account_id), TEST_SUPPLIER)


def _post_webhook(url: str, order_id: str) -> int:
    order = json.loads(SAMPLE_WEBHOOK.read_text())
    order["orders"]["order"][0]["innerId"] = order_id
    body, content_type = multipart_body("data", json.dumps(order).encode())
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def test_a_webhook_becomes_a_document_the_console_shows_with_its_pdf(
    browser: webdriver.Chrome,
) -> None:
    asyncio.run(_in_db(STORY["url"], _supplier_known))
    order_id = unique("")
    gateway_url = STORY["webhook"].replace(
        STORY["webhook"].split("/webhooks/")[0], STORY["gateway"]
    )
    assert _post_webhook(gateway_url, order_id) == 200
    _open(browser, f"/documents?order={order_id}")
    link = browser.find_element(By.CSS_SELECTOR, "#documents tbody a")
    screenshot(browser, "05-documents")
    link.click()
    WebDriverWait(browser, 30).until(
        lambda d: "proforma" in d.find_element(By.TAG_NAME, "h1").text
    )  # the document's page, once it has loaded
    screenshot(browser, "06-document")
    pdf = _download(browser, browser.find_element(By.ID, "pdf").get_attribute("href") or "")
    assert pdf.startswith(b"%PDF")


def _download(driver: webdriver.Chrome, url: str) -> bytes:
    """What the PDF link gives the logged-in browser (its session cookie sent along)."""
    cookie = driver.get_cookie("shopsync_console")
    assert cookie is not None
    request = urllib.request.Request(url, headers={"Cookie": f"shopsync_console={cookie['value']}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        return bytes(response.read())


async def _dead_letter(db: Any) -> int:
    row = DeadLetterRow(
        event_id=unique("dl-"),
        consumer="order-processor",
        source_topic=ORDER_EVENTS,
        source_partition=0,
        source_offset=1,
        key="0:browser-test",
        payload='{"not": "an order event"}',
        reason="schema: 'event_id' is a required property",
    )
    db.add(row)
    await db.flush()
    return int(row.id)


async def _replayed(letter_id: int) -> bool:
    async def read(db: Any) -> bool:
        return (await db.get(DeadLetterRow, letter_id)).replayed_at is not None

    return bool(await _in_db(STORY["url"], read))


async def _nav_aborted_invoice(url: str) -> int:
    engine = create_engine(url)
    try:
        sessions = session_factory(engine)
        issued = await invoice(sessions)
        await nav_aborted(sessions, issued)
        return issued.document_id
    finally:
        await engine.dispose()


def test_an_admin_replays_a_dead_letter(browser: webdriver.Chrome) -> None:
    letter_id = asyncio.run(_in_db(STORY["url"], _dead_letter))
    STORY["aborted"] = asyncio.run(_nav_aborted_invoice(STORY["url"]))
    _open(browser, "/failures")
    assert browser.find_elements(By.CSS_SELECTOR, "#nav-aborted button.resend")
    screenshot(browser, "07-failures")
    form = f"form[action='/failures/dead-letters/{letter_id}/replay'] button"
    browser.find_element(By.CSS_SELECTOR, form).click()
    saved = WebDriverWait(browser, 30).until(  # the POST's answer: the failures page again
        seen.presence_of_element_located((By.CLASS_NAME, "saved"))
    )
    assert "replayed 1" in saved.text
    assert asyncio.run(_replayed(letter_id))
    _open(browser, "/audit")
    assert "replay dead letter" in browser.find_element(By.ID, "audit").text
    screenshot(browser, "08-audit")
    _open(browser, f"/documents/{STORY['aborted']}")
    assert "SUPPLIER_TAX_NUMBER_MISMATCH" in browser.find_element(By.ID, "nav").text
    screenshot(browser, "08-document-nav-aborted")


def test_a_viewer_sees_no_edit_controls(browser: webdriver.Chrome) -> None:
    browser.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    WebDriverWait(browser, 30).until(seen.presence_of_element_located((By.ID, "log-in")))
    _log_in(browser, STORY["viewer"])
    assert not browser.find_elements(By.ID, "add-shop")
    browser.get(STORY["shop_url"] + "?tab=orders")
    assert not browser.find_elements(By.ID, "settings")
    assert not browser.find_elements(By.ID, "webhook-url")
    screenshot(browser, "09-viewer-shop-orders")
    _open(browser, "/failures")
    assert not browser.find_elements(By.CSS_SELECTOR, "button.replay, button.release")


def test_hungarian_labels_and_formats_when_chosen(browser: webdriver.Chrome) -> None:
    _open(browser, "/documents")
    browser.find_element(By.CSS_SELECTOR, "form[action='/language'] button").click()
    WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.TAG_NAME, "h1").text.startswith("Bizonylatok")
    )
    assert " Ft" in browser.find_element(By.ID, "documents").text
    screenshot(browser, "10-documents-hungarian")


def test_the_charts_tab_shows_a_week_of_sync_cycles_in_hungarian(browser: webdriver.Chrome) -> None:
    shop_id = int(STORY["shop_url"].rsplit("/", 1)[1])
    now = datetime.now(UTC)

    async def week(db: Any) -> None:
        for n in range(7 * 24 * 3):  # a catalog download every 20 minutes, every 50th failed
            seconds = 30 + 25 * ((n // 72) % 3) + n % 7
            run = FinishedRun(
                "catalog_download", now - timedelta(minutes=20 * n), seconds, n % 50 != 0
            )
            await add_run(db, shop_id, run)
        for n in range(40):
            run = FinishedRun("stock_upload", now - timedelta(hours=4 * n), 0.2 + n % 5 / 10, True)
            await add_run(db, shop_id, run)

    asyncio.run(_in_db(STORY["url"], week))
    browser.get(STORY["shop_url"] + "?tab=charts")
    history = browser.find_element(By.ID, "history-catalog_download")
    assert len(history.find_elements(By.CSS_SELECTOR, "rect.run")) == 7 * 24 * 3
    assert len(history.find_elements(By.CSS_SELECTOR, "rect.run.failed")) == 11
    assert "Termékletöltés" in history.text and "sikertelen" in history.text
    screenshot(browser, "11-shop-charts-hungarian")
