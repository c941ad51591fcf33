"""Catalog sync: products, groups and prices between the account and each shop."""
