"""HttpMnbClient against the MNB sandbox over real HTTP, in MNB's wire format."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shopsync.adapters.mnb.errors import MnbFault, MnbUnavailable
from tests.mnb_fixtures import MnbSandbox

pytestmark = pytest.mark.integration


async def test_a_range_gives_the_publication_days_only_newest_first(
    mnb_sandbox: MnbSandbox,
) -> None:
    rates = await mnb_sandbox.client().exchange_rates(date(2020, 4, 8), date(2020, 4, 14), ["EUR"])

    assert [(r.day, r.huf_per_unit) for r in rates] == [
        (date(2020, 4, 14), Decimal("351.75")),
        (date(2020, 4, 9), Decimal("355.66")),  # Good Friday to Easter Monday: none
        (date(2020, 4, 8), Decimal("358.76")),
    ]


async def test_per_100_currencies_come_back_as_huf_per_unit(mnb_sandbox: MnbSandbox) -> None:
    rates = await mnb_sandbox.client().exchange_rates(
        date(2020, 8, 10), date(2020, 8, 16), ["JPY", "USD"]
    )

    assert {r.currency: r.huf_per_unit for r in rates} == {
        "JPY": Decimal("2.7456"),
        "USD": Decimal("293.01"),
    }


async def test_the_current_rates_are_the_last_publication(mnb_sandbox: MnbSandbox) -> None:
    current = await mnb_sandbox.client().current_rates()

    assert {r.day for r in current} == {date(2020, 8, 14)}
    assert {r.currency for r in current} >= {"EUR", "USD", "JPY"}


async def test_a_weekend_alone_has_no_rate(mnb_sandbox: MnbSandbox) -> None:
    rates = await mnb_sandbox.client().exchange_rates(date(2020, 4, 4), date(2020, 4, 5), ["EUR"])

    assert rates == []


async def test_mnb_answering_5xx_is_unavailable(mnb_sandbox: MnbSandbox) -> None:
    mnb_sandbox.table.fault = "error"

    with pytest.raises(MnbUnavailable, match="HTTP 503"):
        await mnb_sandbox.client().exchange_rates(date(2020, 4, 1), date(2020, 4, 3), ["EUR"])


async def test_mnb_not_answering_is_unavailable_after_the_timeout(mnb_sandbox: MnbSandbox) -> None:
    mnb_sandbox.table.fault = "timeout"

    with pytest.raises(MnbUnavailable, match="TimeoutError"):
        await mnb_sandbox.client(timeout_s=0.3).exchange_rates(
            date(2020, 4, 1), date(2020, 4, 3), ["EUR"]
        )


async def test_a_refused_request_is_a_fault_with_mnbs_message(mnb_sandbox: MnbSandbox) -> None:
    mnb_sandbox.table.fault = "fault"

    with pytest.raises(MnbFault, match="sandbox's switch"):
        await mnb_sandbox.client().exchange_rates(date(2020, 4, 1), date(2020, 4, 3), ["EUR"])
