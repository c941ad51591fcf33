"""When an order's stock moves: it holds exactly the lines of its stock document, once, and
returns all of it when nothing holds it any more."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_actions import MoveStock, RecordSkuMiss
from shopsync.domain.order_rules import OrderRules
from shopsync.domain.order_state import DocumentRef, OrderDocument, OrderState, StockKey
from shopsync.domain.orders import Order

#: The account's products by SKU (product ids): which order lines can move stock.
Catalog = Mapping[str, int]
StockActions = tuple[RecordSkuMiss | MoveStock, ...]
INVOICE, PROFORMA = DocumentKind.INVOICE, DocumentKind.PROFORMA


def stock_after_issue(
    state: OrderState, rules: OrderRules, issued: DocumentRef, order: Order, catalog: Catalog
) -> tuple[OrderState, StockActions]:
    """Move the stock so that the order holds exactly the lines of its stock document."""
    holder = _stock_holder(state, rules)
    if holder is None:
        return _held_only(state, {}, issued, "order")
    if rules.stock is None or holder.ref != issued:
        return state, ()
    target, missing = _stock_lines(order, rules.stock.warehouse_id, catalog)
    state, moves = _held_only(state, target, issued, "order")
    return state, (*(RecordSkuMiss(issued, sku) for sku in missing), *moves)


def stock_after_cancel(
    state: OrderState, rules: OrderRules, book_on: DocumentRef, reason: str
) -> tuple[OrderState, StockActions]:
    """Return what the order holds once no live document holds its stock."""
    if _stock_holder(state, rules) is not None:
        return state, ()
    return _held_only(state, {}, book_on, reason)


def _stock_holder(state: OrderState, rules: OrderRules) -> OrderDocument | None:
    """The live document whose lines the order's stock follows."""
    kinds = rules.stock_document_kinds() if rules.stock is not None else (INVOICE, PROFORMA)
    return next((d for k in kinds if (d := state.live(k)) is not None), None)


def _stock_lines(
    order: Order, warehouse_id: int, catalog: Catalog
) -> tuple[dict[StockKey, Decimal], tuple[str, ...]]:
    """Quantities by product for the order's lines with a known SKU; the unknown SKUs."""
    target: dict[StockKey, Decimal] = {}
    missing: list[str] = []
    for item in order.items:
        product_id = catalog.get(item.sku) if item.sku else None
        if product_id is None:
            missing.append(item.sku or "(no SKU)")
            continue
        key = StockKey(warehouse_id, product_id, item.sku)
        target[key] = target.get(key, Decimal(0)) + item.quantity
    return target, tuple(missing)


def _held_only(
    state: OrderState, target: dict[StockKey, Decimal], book_on: DocumentRef, reason: str
) -> tuple[OrderState, tuple[MoveStock, ...]]:
    """The order holding `target`, and the movements from what it held (one per product)."""
    held, zero = state.held(), Decimal(0)
    changes = (
        (key, held.get(key, zero) - target.get(key, zero))
        for key in sorted(held.keys() | target.keys())
    )
    moves = tuple(
        MoveStock(book_on, key, quantity, reason) for key, quantity in changes if quantity
    )
    return state.holding(target), moves
