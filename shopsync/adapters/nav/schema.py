"""Validating InvoiceData XML against NAV's official v3.0 schemas (xmlschema)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import xmlschema

from shopsync.domain.nav_invoice import BASE_NS, COMMON_NS

#: NAV's schemas, shipped with ShopSync (MIT, see schemas/LICENSE).
SCHEMA_DIR = Path(__file__).parent / "schemas"


class NavSchemaError(ValueError):
    """The XML does not validate; the message names the first problem and where it is."""


@cache
def invoice_data_schema(schema_dir: Path = SCHEMA_DIR) -> xmlschema.XMLSchema:
    """invoiceData.xsd with its two imports located explicitly (it names no locations)."""
    directory = schema_dir.resolve()
    return xmlschema.XMLSchema(
        str(directory / "invoiceData.xsd"),
        locations=[
            (COMMON_NS, str(directory / "common.xsd")),
            (BASE_NS, str(directory / "invoiceBase.xsd")),
        ],
    )


def validate_invoice_data(xml: bytes, schema_dir: Path = SCHEMA_DIR) -> None:
    """NavSchemaError unless `xml` is a valid InvoiceData document."""
    schema = invoice_data_schema(schema_dir)
    error = next(iter(schema.iter_errors(xml.decode("utf-8"))), None)
    if error is not None:
        raise NavSchemaError(f"{error.reason} (at {error.path})")
