"""A document's PDF link: unguessable, the same every time, refused when tampered with."""

from __future__ import annotations

from shopsync.domain.document_links import document_link, link_key, signature, signature_valid

KEY = link_key(b"a-fernet-key-of-this-installation")


def test_a_link_carries_the_documents_own_signature() -> None:
    link = document_link("https://shop.example/", KEY, 12)
    assert link == f"https://shop.example/documents/12/{signature(KEY, 12)}.pdf"
    assert signature_valid(KEY, 12, signature(KEY, 12))


def test_another_documents_signature_or_a_changed_digit_is_refused() -> None:
    good = signature(KEY, 12)
    tampered = ("0" if good[0] != "0" else "1") + good[1:]
    assert not signature_valid(KEY, 13, good)
    assert not signature_valid(KEY, 12, tampered)
    assert not signature_valid(KEY, 12, "")


def test_another_secret_key_makes_other_links() -> None:
    other = link_key(b"another-installation")
    assert signature(other, 12) != signature(KEY, 12)
    assert not signature_valid(other, 12, signature(KEY, 12))


def test_the_link_key_is_not_the_secret_key_itself() -> None:
    assert link_key(b"secret") != b"secret" and len(link_key(b"secret")) == 32
