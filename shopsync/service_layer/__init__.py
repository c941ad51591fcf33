"""Use cases: what ShopSync does when an order arrives, a draft is finalized, ... (no SQL)."""
