"""Encryption of shop credentials at rest (Fernet), with the key kept out of logs."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from shopsync.settings import Settings

KEY_FILE = "secret.key"


class CredentialDecryptionError(Exception):
    """The stored credentials cannot be read with this secret key."""


def load_or_create_key(settings: Settings) -> bytes:
    """The configured secret key, or one generated into var_dir on first use."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    path = Path(settings.var_dir) / KEY_FILE
    if path.exists():
        return path.read_bytes().strip()
    return _create_key(path)


def _create_key(path: Path) -> bytes:
    """A new key written to `path` (owner-only), or the one another process wrote first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


class CredentialCipher:
    """Encrypts and decrypts secrets with one Fernet key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise CredentialDecryptionError(
                "stored credentials cannot be decrypted: is SHOPSYNC_SECRET_KEY the one they "
                "were saved with?"
            ) from exc

    def __repr__(self) -> str:
        return "CredentialCipher(<hidden>)"


def console_session_key(secret_key: bytes) -> bytes:
    """The 32 bytes the console's session cookies are encrypted with, derived from the secret
    key (HMAC-SHA256 under its own purpose: a leaked cookie key reveals nothing else)."""
    return hmac.new(secret_key, b"shopsync console session cookie v1", hashlib.sha256).digest()
