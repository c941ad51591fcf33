"""Order events in; invoices, proformas and stock movements out."""
