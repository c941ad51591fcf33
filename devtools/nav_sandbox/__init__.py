"""A faithful NAV Online Számla v3.0 test service (invoiceService/v3), in memory."""
