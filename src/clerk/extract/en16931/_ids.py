"""Identifier checks beside the business rules: IBANs (BT-84) and VAT
identifiers (BT-31, BT-48, BT-63) through python-stdnum, for every country
it has a module for (an identifier of a country it does not know is not judged)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from types import ModuleType

from clerk.extract.en16931._core import Breach, nodes_at
from clerk.extract.en16931._view import TermNode

IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]+$")
IBAN_INVALID = "iban_invalid"
VAT_ID_INVALID = "vat_id_invalid"
TEXTS = {
    IBAN_INVALID: "The Payment account identifier (BT-84) is shaped like an IBAN but is not a valid IBAN "
                  "(check digits, length or the country's format).",
    VAT_ID_INVALID: "The VAT identifier is not valid for the country its prefix names (check digits or format).",
}
_modules: dict[str, ModuleType | None] = {}


def _vat_module(country: str) -> ModuleType | None:
    """stdnum's VAT module for ``country`` (EU members through stdnum.eu.vat), or None."""
    if country not in _modules:
        from stdnum.eu import vat as eu_vat
        from stdnum.util import get_cc_module

        if country.lower() in eu_vat.MEMBER_STATES or country == "EL":
            _modules[country] = eu_vat
        else:
            _modules[country] = get_cc_module(country.lower(), "vat") if country.isalpha() else None
    return _modules[country]


@lru_cache(maxsize=4096)   # a supplier's identifiers come back on every invoice
def vat_id_valid(value: str) -> bool | None:
    """True/False by stdnum; None when stdnum has no module for the prefix's country."""
    compact = "".join(value.split()).upper()
    module = _vat_module(compact[:2])
    if module is None:
        return None
    # Some national modules take the number with its prefix, some without
    return bool(module.is_valid(compact) or module.is_valid(compact[2:]))


@lru_cache(maxsize=4096)
def iban_valid(value: str) -> bool | None:
    from stdnum import iban

    compact = "".join(value.split()).upper()
    if not IBAN_SHAPE.match(compact):
        return None   # a national account number, not an IBAN
    return bool(iban.is_valid(compact, check_country=True))


def identifiers(document: TermNode) -> Iterator[Breach]:
    for node, term in ((document, "BT-31"), (document, "BT-48"),
                       *((rep, "BT-63") for rep in nodes_at(document, ("BG-11",)))):
        value = node.text(term)
        if value is not None and vat_id_valid(value) is False:
            yield VAT_ID_INVALID, node.where(term)
    for account in nodes_at(document, ("BG-16", "BG-17")):
        value = account.text("BT-84")
        if value is not None and iban_valid(value) is False:
            yield IBAN_INVALID, account.where("BT-84")


CHECKS = (identifiers,)
