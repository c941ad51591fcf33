"""Developer tools: the Shoprenter sandbox and the demo shop (not needed in production)."""
