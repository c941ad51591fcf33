"""Tables: accounts, shop connections, catalog, stock, documents, orders, inbox, outbox, operators.

Importing this package registers every table on Base.metadata (the migrations rely on it).
"""

from shopsync.adapters.db.models.accounts import Account, ShopConnection
from shopsync.adapters.db.models.catalog import (
    CatalogSyncState,
    Price,
    PriceGroup,
    Product,
    ProductGroup,
    ProductLink,
)
from shopsync.adapters.db.models.documents import (
    Document,
    DocumentLine,
    DocumentSeries,
    ExchangeRate,
)
from shopsync.adapters.db.models.messages import (
    DeadLetterRow,
    OutboxMessage,
    ProcessedEvent,
    ShopRequestSlot,
)
from shopsync.adapters.db.models.nav import NavCredentials, NavReport
from shopsync.adapters.db.models.operators import (
    AuditEntry,
    ConsoleSession,
    LoginFailure,
    Operator,
)
from shopsync.adapters.db.models.orders import HeldOrder, OrderReconcileMark, OrderStateRow
from shopsync.adapters.db.models.stock import (
    SkuMiss,
    StockLevel,
    StockMovement,
    StockSyncState,
    Warehouse,
)
from shopsync.adapters.db.models.sync_runs import SyncRun
from shopsync.adapters.db.models.writebacks import DocumentWriteback

__all__ = [
    "Account",
    "AuditEntry",
    "CatalogSyncState",
    "ConsoleSession",
    "DeadLetterRow",
    "Document",
    "DocumentLine",
    "DocumentSeries",
    "DocumentWriteback",
    "ExchangeRate",
    "HeldOrder",
    "LoginFailure",
    "NavCredentials",
    "NavReport",
    "Operator",
    "OrderReconcileMark",
    "OrderStateRow",
    "OutboxMessage",
    "Price",
    "PriceGroup",
    "ProcessedEvent",
    "Product",
    "ProductGroup",
    "ProductLink",
    "ShopConnection",
    "ShopRequestSlot",
    "SkuMiss",
    "StockLevel",
    "StockMovement",
    "StockSyncState",
    "SyncRun",
    "Warehouse",
]
