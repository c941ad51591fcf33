"""Sending documents to buyers: the PDF, the message and the SMTP adapter."""
