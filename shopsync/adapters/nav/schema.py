"""Validating NAV XML against NAV's official v3.0 schemas (xmlschema): invoices and API messages."""

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
def _schema(name: str, schema_dir: Path) -> xmlschema.XMLSchema:
    """A NAV schema with its two imports located explicitly (NAV names none)."""
    directory = schema_dir.resolve()
    return xmlschema.XMLSchema(
        str(directory / name),
        locations=[
            (COMMON_NS, str(directory / "common.xsd")),
            (BASE_NS, str(directory / "invoiceBase.xsd")),
        ],
    )


def invoice_data_schema(schema_dir: Path = SCHEMA_DIR) -> xmlschema.XMLSchema:
    """invoiceData.xsd: the InvoiceData document every invoice is reported as."""
    return _schema("invoiceData.xsd", schema_dir)


def api_schema(schema_dir: Path = SCHEMA_DIR) -> xmlschema.XMLSchema:
    """invoiceApi.xsd: every request and answer of NAV's invoiceService/v3."""
    return _schema("invoiceApi.xsd", schema_dir)


def _validate(schema: xmlschema.XMLSchema, xml: bytes) -> None:
    error = next(iter(schema.iter_errors(xml.decode("utf-8"))), None)
    if error is not None:
        raise NavSchemaError(f"{error.reason} (at {error.path})")


def validate_invoice_data(xml: bytes, schema_dir: Path = SCHEMA_DIR) -> None:
    """NavSchemaError unless `xml` is a valid InvoiceData document."""
    _validate(invoice_data_schema(schema_dir), xml)


def validate_api_message(xml: bytes, schema_dir: Path = SCHEMA_DIR) -> None:
    """NavSchemaError unless `xml` is a valid invoiceApi request or answer."""
    _validate(api_schema(schema_dir), xml)
