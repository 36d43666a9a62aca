"""Check digits that catch a misread character in identifiers OCR is asked to read."""

from __future__ import annotations

import re


def iban_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check (spaces ignored)."""
    compact = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact):
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in moved)) % 97 == 1


def vat_id_valid(vat_id: str) -> bool | None:
    """True/False for VAT ids whose check digits we know (DE, FR); None for other countries."""
    compact = vat_id.replace(" ", "").upper()
    if compact.startswith("DE"):
        return bool(re.fullmatch(r"DE\d{9}", compact)) and _de_check(compact[2:])
    if compact.startswith("FR"):
        match = re.fullmatch(r"FR(\d{2})(\d{9})", compact)
        return bool(match) and int(match.group(1)) == (12 + 3 * (int(match.group(2)) % 97)) % 97
    return None


def _de_check(digits: str) -> bool:
    # ISO 7064 MOD 11,10, as the German Federal Central Tax Office publishes it.
    product = 10
    for digit in digits[:8]:
        total = (int(digit) + product) % 10 or 10
        product = (2 * total) % 11
    check = 11 - product
    return (0 if check == 10 else check) == int(digits[8])


def identifier_valid(field: str, value: str) -> bool | None:
    """The check for ``field`` (``seller.iban``, ``seller.tax_id``), or None when there is none."""
    if field == "seller.iban":
        return iban_valid(value)
    if field == "seller.tax_id":
        return vat_id_valid(value)
    return None
