"""The public edge: Shoprenter order webhooks in, order events on Kafka out."""
