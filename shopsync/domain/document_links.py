"""The unguessable link to a document's PDF: an HMAC-SHA256 of its id, checked in constant time.

The key is derived from the installation's secret key, so a link cannot be made without it
and rotating the secret key invalidates every link. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import hmac

#: What the link key is derived for: the same secret never signs two kinds of thing alike.
PURPOSE = b"shopsync document pdf links v1"


def link_key(secret_key: bytes) -> bytes:
    """The key document links are signed with, derived from the secret key."""
    return hmac.new(secret_key, PURPOSE, hashlib.sha256).digest()


def signature(key: bytes, document_id: int) -> str:
    """The document's signature: 64 hex digits (256 bits), the same every time."""
    return hmac.new(key, f"document:{document_id}".encode(), hashlib.sha256).hexdigest()


def signature_valid(key: bytes, document_id: int, given: str) -> bool:
    """Whether `given` is the document's signature; compared in constant time."""
    return hmac.compare_digest(signature(key, document_id).encode(), given.encode())


def document_link(base_url: str, key: bytes, document_id: int) -> str:
    """Where the public gateway serves the document's PDF (GET, no other credential)."""
    return f"{base_url.rstrip('/')}/documents/{document_id}/{signature(key, document_id)}.pdf"
