"""ShopSync services: one package per process."""
