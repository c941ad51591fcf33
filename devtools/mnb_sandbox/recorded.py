"""Rates MNB really published, as captured from its service (quotes as MNB writes them).

EUR for 2 March – 30 April 2020 (weekends missing, as are Good Friday 10 April and Easter
Monday 13 April), and every currency of the fixing on 14 August 2020 (JPY, IDR and KRW per
100 units). Captured by tgulacsi/mnbarf (`mnb/mnb.go`, 2020); see shared/mnb/api-notes.md §6.
"""

from __future__ import annotations

from datetime import date

Quote = tuple[int, str]  # (unit, HUF for that many units, with MNB's decimal comma)

EUR_2020 = """
2020-04-30 353,01 2020-04-29 355,73 2020-04-28 355,31 2020-04-27 353,80 2020-04-24 356,15
2020-04-23 357,04 2020-04-22 354,30 2020-04-21 355,09 2020-04-20 353,24 2020-04-17 350,56
2020-04-16 350,15 2020-04-15 351,34 2020-04-14 351,75 2020-04-09 355,66 2020-04-08 358,76
2020-04-07 359,95 2020-04-06 363,35 2020-04-03 364,42 2020-04-02 361,76 2020-04-01 364,57
2020-03-31 359,09 2020-03-30 357,21 2020-03-27 354,30 2020-03-26 357,79 2020-03-25 354,49
2020-03-24 350,33 2020-03-23 351,55 2020-03-20 349,85 2020-03-19 357,62 2020-03-18 350,17
2020-03-17 347,34 2020-03-16 340,17 2020-03-13 338,00 2020-03-12 337,51 2020-03-11 334,86
2020-03-10 335,93 2020-03-09 336,22 2020-03-06 337,60 2020-03-05 336,04 2020-03-04 335,10
2020-03-03 337,03 2020-03-02 337,47
"""

FIXING_2020_08_14: dict[str, Quote] = {
    "AUD": (1, "209,44"), "CHF": (1, "321,99"), "CZK": (1, "13,26"), "EUR": (1, "346,25"),
    "GBP": (1, "383,23"), "IDR": (100, "1,98"), "JPY": (100, "274,56"), "KRW": (100, "24,7"),
    "PLN": (1, "78,69"), "RON": (1, "71,59"), "USD": (1, "293,01"),
}  # fmt: skip


def recorded_rates() -> dict[date, dict[str, Quote]]:
    """Every recorded publication day with its quotes."""
    words = EUR_2020.split()
    days: dict[date, dict[str, Quote]] = {
        date.fromisoformat(day): {"EUR": (1, quote)}
        for day, quote in zip(words[::2], words[1::2], strict=True)
    }
    days[date(2020, 8, 14)] = dict(FIXING_2020_08_14)
    return days
