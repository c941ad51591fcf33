"""The operator's console: server-rendered pages over the shops, documents and failures."""
