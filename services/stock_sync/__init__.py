"""Stock sync: warehouse levels between the account and each shop."""
