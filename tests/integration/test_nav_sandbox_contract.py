"""The NAV sandbox answers as NAV does: schema-valid answers, NAV's codes, NAV's checks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime

import aiohttp
import pytest

from shopsync.adapters.nav import requests
from shopsync.adapters.nav.schema import validate_api_message
from shopsync.adapters.nav.wire import API_NS, COMMON_NS, RequestHeader
from shopsync.domain.nav_invoice import invoice_data_xml
from shopsync.domain.nav_reporting import InvoiceOperation, TechnicalUser
from shopsync.service_layer.nav_submission import wait_until_finished
from tests.nav_check import NAV_SCHEMAS
from tests.nav_sandbox_fixtures import (
    SOFTWARE,
    NavSandbox,
    create,
    nav_http,
    nav_invoice,
    nav_sandbox,
)
from tests.support import ROOT, unique

pytestmark = pytest.mark.integration
__all__ = ["nav_http", "nav_sandbox"]  # fixtures
SAMPLES = ROOT / "tests" / "fixtures" / "nav_api_samples"
NS = {"api": API_NS, "common": COMMON_NS}


async def post(sandbox: NavSandbox, http: aiohttp.ClientSession, operation: str, body: bytes):
    async with http.post(f"{sandbox.url}/{operation}", data=body) as answer:
        return answer.status, await answer.read()


def header() -> RequestHeader:
    return RequestHeader.fresh(datetime.now(UTC))


def error_code(body: bytes) -> str:
    found = ET.fromstring(body).find(".//common:errorCode", NS)
    assert found is not None and found.text
    return found.text


async def results_of(sandbox: NavSandbox, http: aiohttp.ClientSession, *ops: InvoiceOperation):
    client = sandbox.client(http)
    status = await wait_until_finished(client, await client.submit(ops), [0.05] * 60)
    return [(r.status, r.error_codes) for r in status.results]


async def test_every_answer_validates_against_invoice_api_xsd(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    user, client = nav_sandbox.user, nav_sandbox.client(nav_http)
    _, token_answer = await post(
        nav_sandbox, nav_http, "tokenExchange", requests.token_exchange(header(), user, SOFTWARE)
    )
    transaction = await client.submit([create(unique("INV-")), create("DUP-1"), create("DUP-1")])
    await wait_until_finished(client, transaction, [0.05] * 60)
    status_body = requests.transaction_status(header(), user, SOFTWARE, transaction)
    check_body = requests.invoice_check(header(), user, SOFTWARE, "DUP-1")
    wrong = replace(user, signing_key="nope")
    answers = [
        token_answer,
        (await post(nav_sandbox, nav_http, "queryTransactionStatus", status_body))[1],
        (await post(nav_sandbox, nav_http, "queryInvoiceCheck", check_body))[1],
        (
            await post(
                nav_sandbox,
                nav_http,
                "tokenExchange",
                requests.token_exchange(header(), wrong, SOFTWARE),
            )
        )[1],
    ]

    for answer in answers:
        validate_api_message(answer, NAV_SCHEMAS)
    assert b"DUPLICATE_IN_REQUEST" in answers[1]


async def test_a_request_id_used_successfully_is_refused_the_second_time(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    body = requests.invoice_check(header(), nav_sandbox.user, SOFTWARE, "INV-1")

    first = await post(nav_sandbox, nav_http, "queryInvoiceCheck", body)
    second = await post(nav_sandbox, nav_http, "queryInvoiceCheck", body)

    assert first[0] == 200
    assert (second[0], error_code(second[1])) == (400, "REQUEST_ID_NOT_UNIQUE")


async def test_a_token_serves_one_manage_invoice_only(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    user, client = nav_sandbox.user, nav_sandbox.client(nav_http)
    token = await client.exchange_token()

    def body() -> bytes:
        return requests.manage_invoice(header(), user, SOFTWARE, token, [create(unique("INV-"))])

    first = await post(nav_sandbox, nav_http, "manageInvoice", body())
    second = await post(nav_sandbox, nav_http, "manageInvoice", body())

    assert first[0] == 200
    assert (second[0], error_code(second[1])) == (400, "INVALID_EXCHANGE_TOKEN")


async def test_not_xml_and_a_get_are_answered_as_nav_answers_them(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    status, body = await post(nav_sandbox, nav_http, "manageInvoice", b"not xml")
    async with nav_http.get(f"{nav_sandbox.url}/tokenExchange") as answer:
        get = answer.status, await answer.read()

    assert (status, error_code(body)) == (400, "INVALID_REQUEST")
    assert ET.fromstring(body).tag == f"{{{COMMON_NS}}}GeneralExceptionResponse"
    assert (get[0], error_code(get[1])) == (500, "NOT_ALLOWED_EXCEPTION")


async def test_navs_own_invoice_and_its_cancelling_document_are_both_done(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    nav_sandbox.user = nav_sandbox.world.add_user(
        TechnicalUser("navsample1", "99999999", "pw", "key", "EXCHANGEKEY12345")
    )
    invoice = (SAMPLES / "Eredeti-szamla-modositasokhoz.xml").read_bytes()
    cancelling = (SAMPLES / "Teves-termek-helyesbitese-20.xml").read_bytes()

    first = await results_of(
        nav_sandbox, nav_http, InvoiceOperation("CREATE", "ZZZ000001", invoice)
    )
    second = await results_of(
        nav_sandbox, nav_http, InvoiceOperation("STORNO", "ZZZ000002", cancelling)
    )

    assert (first, second) == ([("DONE", ())], [("DONE", ())])


async def test_nav_business_checks_abort_wrong_invoices_with_their_codes(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    good = invoice_data_xml(nav_invoice("X"))
    tampered = good.replace(b"<invoiceNetAmount>", b"<invoiceNetAmount>1", 1)
    private = nav_invoice(unique("INV-"))
    status = b"<customerVatStatus>PRIVATE_PERSON</customerVatStatus>"
    named = invoice_data_xml(private).replace(
        status, status + b"<customerName>Kov\xc3\xa1cs \xc3\x89va</customerName>"
    )
    wrong_vat = re.sub(
        rb"<lineVatAmount>[0-9.]+<",
        b"<lineVatAmount>99999<",
        invoice_data_xml(nav_invoice(unique("INV-"))),
        count=1,
    )
    other_supplier = replace(
        private, supplier=replace(private.supplier, tax_number="87654321-2-41")
    )

    results = await results_of(
        nav_sandbox,
        nav_http,
        InvoiceOperation(
            "CREATE", "T1", tampered.replace(b">X<", f">{unique('INV-')}<".encode(), 1)
        ),
        InvoiceOperation("CREATE", private.number, named),
        InvoiceOperation(
            "CREATE", "S1", invoice_data_xml(replace(other_supplier, number=unique("INV-")))
        ),
        InvoiceOperation("CREATE", "B1", b"<InvoiceData/>"),
        InvoiceOperation("CREATE", "V1", wrong_vat),
    )

    assert results[0][0] == "ABORTED" and "INCORRECT_SUMMARY_DATA_NET_AMOUNT" in results[0][1]
    assert results[1] == ("ABORTED", ("CUSTOMER_DATA_NOT_EXPECTED",))
    assert results[2] == ("ABORTED", ("SUPPLIER_TAX_NUMBER_MISMATCH",))
    assert results[3] == ("ABORTED", ("SCHEMA_VIOLATION",))
    assert results[4][0] == "ABORTED"
    assert "INCORRECT_LINE_CALCULATION_VAT_AMOUNT" in results[4][1]


async def test_a_user_added_through_the_admin_api_can_report_and_is_counted(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    admin = nav_sandbox.url.replace("/invoiceService/v3", "/_nav")
    spec = {
        "login": "adminmade01",
        "password": "pw",
        "signing_key": "sk",
        "exchange_key": "0123456789ABCDEF",
        "tax_number": "12345678",
    }
    async with nav_http.post(f"{admin}/users", json=spec) as answer:
        assert answer.status == 201
    nav_sandbox.user = TechnicalUser(**spec)
    number = unique("INV-")

    assert await results_of(nav_sandbox, nav_http, create(number)) == [("DONE", ())]
    async with nav_http.get(f"{admin}/stats") as answer:
        stats = await answer.json()
    assert stats["creates"]["12345678"][number] == 1
