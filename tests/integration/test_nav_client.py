"""The NAV client against the NAV sandbox over real HTTP: tokens, invoices, stornos, faults."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from shopsync.domain.nav_errors import (
    InvalidCredentials,
    InvalidRequestSignature,
    InvalidTimestamp,
    NavMaintenance,
    NavNoAnswer,
)
from shopsync.domain.nav_reporting import TransactionStatus
from shopsync.service_layer.nav_submission import submit_once, wait_until_finished
from tests.nav_sandbox_fixtures import NavSandbox, create, nav_http, nav_sandbox, storno
from tests.support import unique

pytestmark = pytest.mark.integration
__all__ = ["nav_http", "nav_sandbox"]  # fixtures
PAUSES = [0.05] * 60


async def finished(client: object, transaction_id: str) -> TransactionStatus:
    return await wait_until_finished(client, transaction_id, PAUSES)  # type: ignore[arg-type]


async def test_a_token_exchange_gives_a_token_that_decrypts_to_one_nav_issued(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    token = await nav_sandbox.client(nav_http).exchange_token()

    assert token in nav_sandbox.world.tokens and len(token) == 48


async def test_invoices_made_by_the_builder_are_done_and_nav_holds_them(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    client = nav_sandbox.client(nav_http)
    numbers = [unique("INV-") for _ in range(3)]

    transaction = await client.submit([create(number) for number in numbers])
    status = await finished(client, transaction)

    assert [(r.index, r.status, r.messages) for r in status.results] == [
        (1, "DONE", ()),
        (2, "DONE", ()),
        (3, "DONE", ()),
    ]
    assert all([await client.invoice_exists(number) for number in numbers])
    assert not await client.invoice_exists(unique("INV-"))
    assert (client.requests["tokenExchange"], client.requests["manageInvoice"]) == (1, 1)


async def test_a_status_is_received_then_processing_before_it_is_done(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    nav_sandbox.world.settings.processing_delay_s = 0.6
    client = nav_sandbox.client(nav_http)
    transaction = await client.submit([create(unique("INV-"))])

    first = await client.status(transaction)
    await asyncio.sleep(0.35)
    second = await client.status(transaction)
    await asyncio.sleep(0.35)
    third = await client.status(transaction)

    assert [s.results[0].status for s in (first, second, third)] == [
        "RECEIVED",
        "PROCESSING",
        "DONE",
    ]


async def test_a_number_reported_twice_is_aborted_as_not_unique(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    client, number = nav_sandbox.client(nav_http), unique("INV-")
    await finished(client, await client.submit([create(number)]))

    status = await finished(client, await client.submit([create(number)]))

    assert status.results[0].status == "ABORTED"
    assert status.results[0].error_codes == ("INVOICE_NUMBER_NOT_UNIQUE",)


async def test_a_storno_of_an_invoice_nav_holds_is_done(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    client, invoice, cancel = nav_sandbox.client(nav_http), unique("INV-"), unique("STO-")
    await finished(client, await client.submit([create(invoice)]))

    status = await finished(client, await client.submit([storno(cancel, invoice)]))

    assert status.results[0].status == "DONE"


async def test_a_storno_of_an_unknown_invoice_is_aborted_with_an_invalid_reference(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    client = nav_sandbox.client(nav_http)

    status = await finished(client, await client.submit([storno(unique("STO-"), "NO-SUCH-1")]))

    assert status.results[0].status == "ABORTED"
    assert status.results[0].error_codes == ("INVALID_INVOICE_REFERENCE",)


async def test_a_wrong_signing_key_is_refused_as_an_invalid_request_signature(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    client = nav_sandbox.client(nav_http, user_changes={"signing_key": "wrong-key"})

    with pytest.raises(InvalidRequestSignature) as refused:
        await client.exchange_token()
    assert refused.value.http_status == 400 and refused.value.code == "INVALID_REQUEST_SIGNATURE"
    assert client.requests["tokenExchange"] == 1  # not retried


async def test_a_wrong_password_is_refused_as_an_invalid_security_user(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    client = nav_sandbox.client(nav_http, user_changes={"password": "not-it"})

    with pytest.raises(InvalidCredentials) as refused:
        await client.exchange_token()
    assert (refused.value.http_status, refused.value.code) == (401, "INVALID_SECURITY_USER")


async def test_a_clock_two_days_off_is_refused_as_an_invalid_timestamp(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    skewed = nav_sandbox.client(nav_http, clock=lambda: datetime.now(UTC) - timedelta(days=2))

    with pytest.raises(InvalidTimestamp):
        await skewed.invoice_exists("INV-1")


async def test_a_wrong_exchange_key_is_said_to_be_the_exchange_key(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    client = nav_sandbox.client(nav_http, user_changes={"exchange_key": "0000000000000000"})

    with pytest.raises(InvalidCredentials, match="exchange key"):
        await client.submit([create(unique("INV-"))])


async def test_maintenance_is_waited_out_and_the_invoice_sent_once(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    nav_sandbox.world.faults.maintenance = 2
    client, number = nav_sandbox.client(nav_http), unique("INV-")

    status = await finished(client, await client.submit([create(number)]))

    assert status.results[0].status == "DONE" and nav_sandbox.creates(number) == 1


async def test_maintenance_that_lasts_is_said_to_be_maintenance(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    nav_sandbox.world.faults.maintenance = 10

    with pytest.raises(NavMaintenance):
        await nav_sandbox.client(nav_http).exchange_token()


async def test_a_timed_out_submission_is_asked_about_before_resending_and_nav_has_one_create(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    nav_sandbox.world.faults.timeouts = 1
    nav_sandbox.world.faults.operations = frozenset({"manageInvoice"})
    client = nav_sandbox.client(nav_http, timeout_s=0.3)
    numbers = [unique("INV-"), unique("INV-")]

    submission = await submit_once(client, [create(n) for n in numbers], settle_s=0.2)

    assert submission.transaction_id is None
    assert submission.already_at_nav == tuple(numbers)
    assert [nav_sandbox.creates(n) for n in numbers] == [1, 1]
    assert client.requests["manageInvoice"] == 1 and client.requests["queryInvoiceCheck"] == 2


async def test_a_server_error_before_saving_is_asked_about_then_sent_again_once(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    nav_sandbox.world.faults.server_errors = 1
    nav_sandbox.world.faults.operations = frozenset({"manageInvoice"})
    client, number = nav_sandbox.client(nav_http), unique("INV-")

    submission = await submit_once(client, [create(number)], settle_s=0.1)
    assert submission.transaction_id is not None
    status = await finished(client, submission.transaction_id)

    assert status.results[0].status == "DONE" and nav_sandbox.creates(number) == 1
    assert client.requests["manageInvoice"] == 2 and client.requests["queryInvoiceCheck"] == 1


async def test_a_client_gives_up_on_a_lost_answer_instead_of_resending_it(
    nav_sandbox: NavSandbox, nav_http: aiohttp.ClientSession
) -> None:
    nav_sandbox.world.faults.timeouts = 1
    client, number = nav_sandbox.client(nav_http, timeout_s=0.3), unique("INV-")
    await client.exchange_token()  # the timeout hits this one: it is retried, it changes nothing
    nav_sandbox.world.faults.timeouts = 1
    nav_sandbox.world.faults.operations = frozenset({"manageInvoice"})

    with pytest.raises(NavNoAnswer):
        await client.submit([create(number)])
    assert client.requests["manageInvoice"] == 1
