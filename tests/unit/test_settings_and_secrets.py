"""Settings from the environment and credentials encrypted at rest, never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from shopsync.adapters.secrets import (
    CredentialCipher,
    CredentialDecryptionError,
    load_or_create_key,
)
from shopsync.settings import Settings


def test_defaults_are_the_embedded_sqlite_file_and_the_embedded_broker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHOPSYNC_VAR_DIR", str(tmp_path))
    current = Settings()
    assert current.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path.resolve()}/shopsync.db"
    assert current.uses_embedded_broker
    assert current.bootstrap_servers == "127.0.0.1:19092"


def test_plain_postgres_urls_get_the_async_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db:5432/shopsync")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092")
    current = Settings()
    assert current.resolved_database_url == "postgresql+asyncpg://u:p@db:5432/shopsync"
    assert not current.uses_embedded_broker


def test_secret_key_is_generated_once_into_var_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHOPSYNC_SECRET_KEY", raising=False)
    monkeypatch.setenv("SHOPSYNC_VAR_DIR", str(tmp_path))
    first = load_or_create_key(Settings())
    second = load_or_create_key(Settings())
    assert first == second
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0


def test_secret_key_never_shows_in_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("SHOPSYNC_SECRET_KEY", key)
    current = Settings()
    assert key not in repr(current) and key not in str(current.model_dump())


def test_credentials_round_trip_and_a_wrong_key_says_so_without_the_secret() -> None:
    cipher = CredentialCipher(Fernet.generate_key())
    token = cipher.encrypt("hunter2")
    assert "hunter2" not in token
    assert cipher.decrypt(token) == "hunter2"
    with pytest.raises(CredentialDecryptionError) as caught:
        CredentialCipher(Fernet.generate_key()).decrypt(token)
    assert "hunter2" not in str(caught.value)


def test_the_data_directory_is_the_checkouts_var_wherever_the_command_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shopsync.settings import Settings
    from tests.support import ROOT

    monkeypatch.delenv("SHOPSYNC_VAR_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Settings().var_dir == ROOT / "var"
    assert Settings().resolved_database_url.endswith(f"{ROOT}/var/shopsync.db")
