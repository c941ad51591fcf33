"""Kafka plumbing: topic names, the embedded broker, producer and admin helpers."""
