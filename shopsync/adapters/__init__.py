"""Adapters: PostgreSQL/SQLite, Kafka, the Shoprenter API, SMTP, NAV schemas, processes."""
