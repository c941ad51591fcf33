"""Operators' passwords as argon2id hashes (argon2-cffi); a plain password is never stored."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash of the password, with its own salt and parameters."""
    return _HASHER.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether the password is the one hashed (False for a mismatch or a damaged hash)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def decoy_hash() -> str:
    """A hash to verify against when no such operator exists: the answer takes as long."""
    return _HASHER.hash("no operator has this password")
