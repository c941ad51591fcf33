"""NAV's exchange token: AES-128-ECB with the technical user's exchange key, PKCS#7 padded.

/tokenExchange answers the token encrypted (it authorises nothing as it stands); the
decrypted text is what /manageInvoice carries (SPEC §1.8.1.1, §7.1). Encryption is here too
because the NAV sandbox issues tokens the way NAV does.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class ExchangeTokenError(ValueError):
    """The token does not decrypt with this key (wrong exchange key, or not a NAV token)."""


def _cipher(exchange_key: str) -> Cipher[modes.ECB]:
    key = exchange_key.encode("utf-8")
    if len(key) != 16:
        raise ExchangeTokenError("the exchange key must be 16 characters (AES-128)")
    # NAV's token cipher is ECB (SPEC §1.8.10.2): a protocol fact, not our choice.
    return Cipher(algorithms.AES(key), modes.ECB())  # noqa: S305


def decrypt_exchange_token(encoded_token: str, exchange_key: str) -> str:
    """The plain token of an `encodedExchangeToken`; ExchangeTokenError if it does not decrypt."""
    decryptor = _cipher(exchange_key).decryptor()
    try:
        encrypted = base64.b64decode(encoded_token, validate=True)
        padded = decryptor.update(encrypted) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
    except (binascii.Error, ValueError) as exc:
        raise ExchangeTokenError(f"the exchange token does not decrypt: {exc}") from exc


def encrypt_exchange_token(token: str, exchange_key: str) -> str:
    """The `encodedExchangeToken` NAV sends for `token` (base64 of the AES-128-ECB bytes)."""
    padder = padding.PKCS7(128).padder()
    padded = padder.update(token.encode("utf-8")) + padder.finalize()
    encryptor = _cipher(exchange_key).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode("ascii")
