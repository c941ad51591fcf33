"""ShopSync's shared core: settings, database, Kafka, contracts and the CLI."""

__version__ = "0.1.0"
