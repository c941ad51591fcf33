"""A Shoprenter API sandbox: many shops in memory, answering as the real API does."""
