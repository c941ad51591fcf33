"""Settings read from the environment; one class for every service."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable about ShopSync, from environment variables."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    var_dir: Path = Field(
        default_factory=lambda: default_var_dir(), validation_alias="SHOPSYNC_VAR_DIR"
    )
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    kafka_bootstrap_servers: str = Field(default="", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    embedded_kafka_port: int = Field(default=19092, validation_alias="EMBEDDED_KAFKA_PORT")
    topic_partitions: int = Field(default=12, validation_alias="SHOPSYNC_TOPIC_PARTITIONS")
    # How long a worker's fetch may wait for data. Kafka answers as soon as a byte arrives;
    # the embedded Tansu broker waits out the time (faust's fixed 1.5 s put 0.4-2 s of delay
    # on every order), so keep it short.
    kafka_fetch_max_wait_ms: int = Field(
        default=100, ge=10, le=5000, validation_alias="KAFKA_FETCH_MAX_WAIT_MS"
    )

    gateway_host: str = Field(default="127.0.0.1", validation_alias="GATEWAY_HOST")
    gateway_port: int = Field(default=8080, validation_alias="GATEWAY_PORT")
    public_base_url: str = Field(default="", validation_alias="PUBLIC_BASE_URL")
    webhook_max_body_bytes: int = Field(
        default=1024 * 1024, validation_alias="WEBHOOK_MAX_BODY_BYTES"
    )
    gateway_ack_timeout_s: float = Field(default=5.0, validation_alias="GATEWAY_ACK_TIMEOUT_S")
    # A sender gets this long to deliver its whole body (a half-sent body holds a connection).
    webhook_read_timeout_s: float = Field(default=10.0, validation_alias="WEBHOOK_READ_TIMEOUT_S")
    # On SIGTERM: answer /readyz with 503 and keep serving this long, so the load balancer
    # stops routing here before the listener closes (Shoprenter does not retry webhooks).
    gateway_drain_s: float = Field(default=0.0, ge=0, validation_alias="GATEWAY_DRAIN_S")
    connection_cache_ttl_s: float = Field(default=60.0, validation_alias="CONNECTION_CACHE_TTL_S")

    service_bind_host: str = Field(default="127.0.0.1", validation_alias="SERVICE_BIND_HOST")
    order_processor_port: int = Field(default=8081, validation_alias="ORDER_PROCESSOR_PORT")
    #: Which of a service's workers this process is (`shopsync up --workers`): 1, 2, …
    worker: int = Field(default=1, ge=1, validation_alias="SHOPSYNC_WORKER")
    order_mailer_port: int = Field(default=8084, validation_alias="ORDER_MAILER_PORT")
    outbox_relay_port: int = Field(default=8085, validation_alias="OUTBOX_RELAY_PORT")
    # Rendering PDFs is CPU work that may wait; on a shared host the documents must not.
    order_mailer_nice: int = Field(default=10, ge=0, le=19, validation_alias="ORDER_MAILER_NICE")
    order_batch_size: int = Field(default=500, ge=1, validation_alias="ORDER_BATCH_SIZE")
    # How often the processor hands what it has buffered to a transaction, even if short.
    order_batch_window_ms: int = Field(default=20, ge=1, validation_alias="ORDER_BATCH_WINDOW_MS")
    #: Connections a sync worker serves at once. 1,000 shops on a 10-minute interval start
    #: ~1.7 cycles a second, ~17/s on the 60-s benchmark interval; a cycle waits on its
    #: shop's 3 requests/s, so at 32 they queued (cycles late and bunched), at 128 none did.
    sync_concurrency: int = Field(default=128, validation_alias="SYNC_CONCURRENCY")
    catalog_sync_port: int = Field(default=8082, validation_alias="CATALOG_SYNC_PORT")
    stock_sync_port: int = Field(default=8083, validation_alias="STOCK_SYNC_PORT")
    console_port: int = Field(default=8086, validation_alias="CONSOLE_PORT")
    # Where operators open the console; https:// makes its session cookie Secure.
    console_public_url: str = Field(default="", validation_alias="CONSOLE_PUBLIC_URL")
    sandbox_port: int = Field(default=9300, validation_alias="SANDBOX_PORT")
    # MNB's exchange-rate service (foreign-currency documents); the demo and tests: a sandbox.
    mnb_url: str = Field(default="http://www.mnb.hu/arfolyamok.asmx", validation_alias="MNB_URL")
    mnb_timeout_s: float = Field(default=10.0, gt=0, validation_alias="MNB_TIMEOUT_S")
    mnb_sandbox_port: int = Field(default=9310, validation_alias="MNB_SANDBOX_PORT")
    # NAV Online Számla (the reporter); NAV's test service by default, the demo: the sandbox.
    nav_url: str = Field(
        default="https://api-test.onlineszamla.nav.gov.hu/invoiceService/v3",
        validation_alias="NAV_URL",
    )
    nav_timeout_s: float = Field(default=60.0, gt=0, validation_alias="NAV_TIMEOUT_S")
    # How long an unanswered manageInvoice may still be saved at NAV (SPEC §1.9.2: 5 minutes).
    nav_settle_s: float = Field(default=300.0, ge=0, validation_alias="NAV_SETTLE_S")
    nav_poll_first_s: float = Field(default=2.0, gt=0, validation_alias="NAV_POLL_FIRST_S")
    nav_poll_cap_s: float = Field(default=300.0, gt=0, validation_alias="NAV_POLL_CAP_S")
    nav_sweep_s: float = Field(default=60.0, gt=0, validation_alias="NAV_SWEEP_S")
    #: How long a nav-reporter keeps an account after its last step (a dead one's is taken
    #: over then): longer than a request with its retries.
    nav_lease_s: float = Field(default=300.0, gt=0, validation_alias="NAV_LEASE_S")
    # queryInvoiceCheck requests at once, asking NAV about a batch whose answer was lost.
    nav_check_concurrency: int = Field(
        default=4, ge=1, le=32, validation_alias="NAV_CHECK_CONCURRENCY"
    )
    nav_reporter_port: int = Field(default=8087, validation_alias="NAV_REPORTER_PORT")
    nav_sandbox_port: int = Field(default=9320, validation_alias="NAV_SANDBOX_PORT")
    nav_software_id: str = Field(
        default="HU00000000SHOPSYNC",
        pattern=r"^[0-9A-Z\-]{18}$",
        validation_alias="NAV_SOFTWARE_ID",
    )
    nav_software_name: str = Field(default="ShopSync", validation_alias="NAV_SOFTWARE_NAME")
    nav_software_dev_name: str = Field(default="ShopSync", validation_alias="NAV_SOFTWARE_DEV_NAME")
    nav_software_dev_contact: str = Field(
        default="nav@shopsync.example", validation_alias="NAV_SOFTWARE_DEV_CONTACT"
    )
    sync_tick_interval_s: float = Field(default=600.0, validation_alias="SYNC_TICK_INTERVAL_S")

    smtp_host: str = Field(default="127.0.0.1", validation_alias="SMTP_HOST")
    smtp_port: int = Field(default=1025, validation_alias="SMTP_PORT")
    mail_from: str = Field(default="ShopSync <szamla@shopsync.local>", validation_alias="MAIL_FROM")
    secret_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SHOPSYNC_SECRET_KEY", "SECRET_KEY")
    )
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")

    @property
    def resolved_database_url(self) -> str:
        """The configured database URL, or the embedded SQLite file under var_dir."""
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.var_dir / 'shopsync.db').resolve()}"

    @property
    def uses_embedded_broker(self) -> bool:
        return not self.kafka_bootstrap_servers

    @property
    def bootstrap_servers(self) -> str:
        """Where Kafka is: the configured cluster or the embedded broker's port."""
        return self.kafka_bootstrap_servers or f"127.0.0.1:{self.embedded_kafka_port}"

    @property
    def webhook_base_url(self) -> str:
        return self.public_base_url.rstrip("/") or f"http://{self.gateway_host}:{self.gateway_port}"


def default_var_dir() -> Path:
    """Where ShopSync keeps its files when SHOPSYNC_VAR_DIR does not say: one fixed place.

    Run from a source checkout (what `make run` does): the checkout's `var/`, wherever the
    command is started from. Installed: `$XDG_DATA_HOME/shopsync` (~/.local/share/shopsync).
    """
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "pyproject.toml").is_file() and (checkout / "shopsync").is_dir():
        return checkout / "var"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "shopsync"


def normalise_database_url(url: str) -> str:
    """Map plain postgresql:// and sqlite:// URLs onto their async drivers."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url
