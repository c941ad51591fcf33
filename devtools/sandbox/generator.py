"""Realistic Hungarian orders and catalogs for the sandbox and the demo."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

FAMILY = [
    "Nagy",
    "Kovács",
    "Tóth",
    "Szabó",
    "Horváth",
    "Varga",
    "Kiss",
    "Molnár",
    "Németh",
    "Farkas",
    "Balogh",
    "Papp",
    "Lakatos",
    "Takács",
    "Juhász",
    "Mészáros",
    "Oláh",
    "Szűcs",
]
GIVEN = [
    "László",
    "Erzsébet",
    "István",
    "Katalin",
    "József",
    "Éva",
    "Zoltán",
    "Ildikó",
    "Gábor",
    "Andrea",
    "Ferenc",
    "Mária",
    "Péter",
    "Zsófia",
    "Ödön",
    "Győző",
    "Tünde",
    "Béla",
]
CITIES = [
    ("1052", "Budapest"),
    ("4025", "Debrecen"),
    ("6720", "Szeged"),
    ("7621", "Pécs"),
    ("9021", "Győr"),
    ("3525", "Miskolc"),
    ("8000", "Székesfehérvár"),
]
STREETS = ["Kossuth Lajos utca", "Petőfi Sándor utca", "Rákóczi út", "Fő tér", "Ady Endre út"]
COMPANIES = ["Kft.", "Bt.", "Zrt."]
CATEGORIES = ["Virágok", "Játékok", "Könyvek", "Konyha", "Kert", "Sport", "Ruházat", "Élelmiszer"]
RATES = [Decimal(27), Decimal(27), Decimal(27), Decimal(18), Decimal(5), Decimal(0)]


def catalog(rng: random.Random, count: int, prefix: str = "SKU") -> list[dict[str, Any]]:
    """Products with SKUs, names, net prices, VAT rates, categories and stock."""
    return [
        {
            "sku": f"{prefix}-{n:05d}",
            "name": f"{rng.choice(CATEGORIES)} termék {n}",
            "price": str(Decimal(rng.randrange(200, 90_000, 10))),
            "taxRate": str(rng.choice(RATES)),
            "category": rng.choice(CATEGORIES),
            "stock1": str(rng.randrange(0, 200)),
        }
        for n in range(1, count + 1)
    ]


def buyer(rng: random.Random) -> dict[str, str]:
    family, given = rng.choice(FAMILY), rng.choice(GIVEN)
    postcode, city = rng.choice(CITIES)
    company = rng.random() < 0.25
    return {
        "family": family,
        "given": given,
        "email": f"{given.lower()}.{family.lower()}{rng.randrange(100)}@example.hu",
        "phone": f"+3630{rng.randrange(1_000_000, 9_999_999)}",
        "company": f"{family} és Társa {rng.choice(COMPANIES)}" if company else "",
        "taxNumber": f"{rng.randrange(10_000_000, 99_999_999)}-2-{rng.randrange(10, 44)}"
        if company
        else "",
        "postcode": postcode,
        "city": city,
        "address": f"{rng.choice(STREETS)} {rng.randrange(1, 120)}.",
    }


def order(
    rng: random.Random, products: list[dict[str, Any]], unknown_sku_rate: float = 0.05
) -> dict[str, Any]:
    """An order spec: 1–4 lines, shipping, sometimes a payment fee or coupon or unknown SKU."""
    lines = []
    for product in rng.sample(products, k=min(len(products), rng.randint(1, 4))):
        lines.append(
            {
                "name": product["name"],
                "sku": product["sku"],
                "price": product["price"],
                "taxRate": product["taxRate"],
                "quantity": rng.randint(1, 3),
                # An option's price is already in the line's unit price, as in Shoprenter.
                "options": [{"name": "Kiszerelés", "valueName": "díszdoboz", "price": "0"}]
                if rng.random() < 0.1
                else [],
            }
        )
    if rng.random() < unknown_sku_rate:
        lines.append(
            {
                "name": "Ismeretlen termék",
                "sku": f"UNKNOWN-{rng.randrange(10**6)}",
                "price": "1990",
                "taxRate": "27",
                "quantity": 1,
            }
        )
    goods = sum(float(line["price"]) * line["quantity"] for line in lines)
    coupon = rng.random() < 0.1 and goods > 1000
    # A cart-amount discount above a cart value, loyalty points on some orders: as shops do.
    cart_discount = 1000 if goods > 10000 and rng.random() < 0.3 else 0
    loyalty = 200 if goods > 1000 and rng.random() < 0.1 else 0
    return {
        "buyer": buyer(rng),
        "lines": lines,
        "currency": "HUF",
        "shippingGrossPrice": rng.choice([0, 990, 1490, 1990]),
        "shippingAdditionalCostGross": rng.choice([0] * 9 + [500]),
        "paymentGrossPrice": rng.choice([0, 0, 0, 390]),
        "couponCode": "KUPON500" if coupon else "",
        "couponGrossPrice": -500 if coupon else 0,
        "cartAmountDiscount": cart_discount,
        "loyaltyPointsUsed": loyalty,
        "status": 1,
    }
