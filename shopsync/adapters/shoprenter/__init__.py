"""Talking to Shoprenter: the HTTP client, its errors, rate limiting and JSON mapping."""
