"""Shoprenter resource ids: base64 of `<type>-<column>=<value>`; opaque to the client."""

from __future__ import annotations

import base64
import binascii


def encode_id(type_name: str, **columns: int | str) -> str:
    """The id Shoprenter would give, e.g. encode_id("product", product_id=12)."""
    text = "&".join(f"{column}={value}" for column, value in columns.items())
    return base64.b64encode(f"{type_name}-{text}".encode()).decode()


def decode_id(resource_id: str) -> tuple[str, dict[str, str]] | None:
    """(type, columns) for an id that decodes; None for outer ids and anything else."""
    padded = resource_id + "=" * (-len(resource_id) % 4)
    try:
        text = base64.b64decode(
            padded, altchars=b"-_" if "-" in padded or "_" in padded else None, validate=True
        ).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, sep, rest = text.partition("-")
    if not sep or "=" not in rest:
        return None
    columns = dict(part.partition("=")[::2] for part in rest.split("&"))
    return type_name, columns
