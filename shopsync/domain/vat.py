"""Hungarian VAT rates (percent): what a document line may carry unless the shop says more."""

from __future__ import annotations

from decimal import Decimal

STANDARD_VAT_RATES = (Decimal(27), Decimal(18), Decimal(5), Decimal(0))
