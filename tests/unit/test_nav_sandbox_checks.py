"""The NAV sandbox's business checks accept every invoice and storno ShopSync builds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from devtools.nav_sandbox.invoice_checks import Holdings, Submitted, business_messages
from devtools.nav_sandbox.world import Reported
from shopsync.domain.documents import DocumentKind
from shopsync.domain.nav_invoice import invoice_data_xml
from shopsync.domain.orders import Buyer, OrderItem
from tests.unit.test_nav_invoice import COMPANY, ITEMS, PRIVATE, nav_invoice, order_of

ORIGINAL = Reported("INV-000042", "CREATE")
HOLDINGS = Holdings(lambda number: ORIGINAL if number == "INV-000042" else None, lambda o, i: False)


@settings(max_examples=100, deadline=None)
@given(
    items=ITEMS,
    currency=st.sampled_from(["HUF", "EUR"]),
    shipping=st.decimals(min_value=0, max_value=5000, places=2),
    coupon=st.one_of(st.just(Decimal(0)), st.decimals(min_value=1, max_value=2000, places=2)),
    buyer=st.one_of(PRIVATE, COMPANY),
)
def test_every_invoice_and_storno_shopsync_builds_passes_navs_business_checks(
    items: list[OrderItem], currency: str, shipping: Decimal, coupon: Decimal, buyer: Buyer
) -> None:
    order = order_of(items, currency, shipping, coupon, buyer)
    storno = ET.fromstring(invoice_data_xml(nav_invoice(order, DocumentKind.STORNO)))
    invoice = ET.fromstring(invoice_data_xml(nav_invoice(order)))
    no_holdings = Holdings(lambda number: None, lambda o, i: False)

    assert business_messages(Submitted("CREATE", invoice, "12345678"), no_holdings) == ()
    assert business_messages(Submitted("STORNO", storno, "12345678"), HOLDINGS) == ()
