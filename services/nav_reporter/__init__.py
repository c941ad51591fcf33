"""The NAV reporter: every invoice and storno reported to NAV Online Számla, exactly once."""
