"""The official texts of the EN 16931 business rules, by rule id.

As the CEN/TC 434 validation artefacts state them
(ConnectingEurope/eInvoicing-EN16931, ``EN16931-model.sch``); the VAT
category rules (BR-S, BR-Z, BR-E, BR-AE, BR-IC, BR-G, BR-O) follow one
wording per rule number with the category's name, as the artefacts do.
"""

from __future__ import annotations

CORE = {
    "BR-01": "An Invoice shall have a Specification identifier (BT-24).",
    "BR-02": "An Invoice shall have an Invoice number (BT-1).",
    "BR-03": "An Invoice shall have an Invoice issue date (BT-2).",
    "BR-04": "An Invoice shall have an Invoice type code (BT-3).",
    "BR-05": "An Invoice shall have an Invoice currency code (BT-5).",
    "BR-06": "An Invoice shall contain the Seller name (BT-27).",
    "BR-07": "An Invoice shall contain the Buyer name (BT-44).",
    "BR-08": "An Invoice shall contain the Seller postal address (BG-5).",
    "BR-09": "The Seller postal address (BG-5) shall contain a Seller country code (BT-40).",
    "BR-10": "An Invoice shall contain the Buyer postal address (BG-8).",
    "BR-11": "The Buyer postal address shall contain a Buyer country code (BT-55).",
    "BR-12": "An Invoice shall have the Sum of Invoice line net amount (BT-106).",
    "BR-13": "An Invoice shall have the Invoice total amount without VAT (BT-109).",
    "BR-14": "An Invoice shall have the Invoice total amount with VAT (BT-112).",
    "BR-15": "An Invoice shall have the Amount due for payment (BT-115).",
    "BR-16": "An Invoice shall have at least one Invoice line (BG-25).",
    "BR-17": "The Payee name (BT-59) shall be provided in the Invoice, if the Payee (BG-10) is different from "
             "the Seller (BG-4).",
    "BR-18": "The Seller tax representative name (BT-62) shall be provided in the Invoice, if the Seller (BG-4) "
             "has a Seller tax representative party (BG-11).",
    "BR-19": "The Seller tax representative postal address (BG-12) shall be provided in the Invoice, if the "
             "Seller (BG-4) has a Seller tax representative party (BG-11).",
    "BR-20": "The Seller tax representative postal address (BG-12) shall contain a Tax representative country "
             "code (BT-69), if the Seller (BG-4) has a Seller tax representative party (BG-11).",
    "BR-21": "Each Invoice line (BG-25) shall have an Invoice line identifier (BT-126).",
    "BR-22": "Each Invoice line (BG-25) shall have an Invoiced quantity (BT-129).",
    "BR-23": "An Invoice line (BG-25) shall have an Invoiced quantity unit of measure code (BT-130).",
    "BR-24": "Each Invoice line (BG-25) shall have an Invoice line net amount (BT-131).",
    "BR-25": "Each Invoice line (BG-25) shall contain the Item name (BT-153).",
    "BR-26": "Each Invoice line (BG-25) shall contain the Item net price (BT-146).",
    "BR-27": "The Item net price (BT-146) shall NOT be negative.",
    "BR-28": "The Item gross price (BT-148) shall NOT be negative.",
    "BR-29": "If both Invoicing period start date (BT-73) and Invoicing period end date (BT-74) are given then "
             "the Invoicing period end date (BT-74) shall be later or equal to the Invoicing period start date "
             "(BT-73).",
    "BR-30": "If both Invoice line period start date (BT-134) and Invoice line period end date (BT-135) are "
             "given then the Invoice line period end date (BT-135) shall be later or equal to the Invoice line "
             "period start date (BT-134).",
    "BR-31": "Each Document level allowance (BG-20) shall have a Document level allowance amount (BT-92).",
    "BR-32": "Each Document level allowance (BG-20) shall have a Document level allowance VAT category code "
             "(BT-95).",
    "BR-33": "Each Document level allowance (BG-20) shall have a Document level allowance reason (BT-97) or a "
             "Document level allowance reason code (BT-98).",
    "BR-36": "Each Document level charge (BG-21) shall have a Document level charge amount (BT-99).",
    "BR-37": "Each Document level charge (BG-21) shall have a Document level charge VAT category code (BT-102).",
    "BR-38": "Each Document level charge (BG-21) shall have a Document level charge reason (BT-104) or a "
             "Document level charge reason code (BT-105).",
    "BR-41": "Each Invoice line allowance (BG-27) shall have an Invoice line allowance amount (BT-136).",
    "BR-42": "Each Invoice line allowance (BG-27) shall have an Invoice line allowance reason (BT-139) or an "
             "Invoice line allowance reason code (BT-140).",
    "BR-43": "Each Invoice line charge (BG-28) shall have an Invoice line charge amount (BT-141).",
    "BR-44": "Each Invoice line charge shall have an Invoice line charge reason or an invoice line allowance "
             "reason code.",
    "BR-45": "Each VAT breakdown (BG-23) shall have a VAT category taxable amount (BT-116).",
    "BR-46": "Each VAT breakdown (BG-23) shall have a VAT category tax amount (BT-117).",
    "BR-47": "Each VAT breakdown (BG-23) shall be defined through a VAT category code (BT-118).",
    "BR-48": "Each VAT breakdown (BG-23) shall have a VAT category rate (BT-119), except if the Invoice is not "
             "subject to VAT.",
    "BR-49": "A Payment instruction (BG-16) shall specify the Payment means type code (BT-81).",
    "BR-50": "A Payment account identifier (BT-84) shall be present if Credit transfer (BG-17) information is "
             "provided in the Invoice.",
    "BR-51": "In accordance with card payments security standards an invoice should never include a full card "
             "primary account number (BT-87). At the moment PCI Security Standards Council has defined that the "
             "first 6 digits and last 4 digits are the maximum number of digits to be shown.",
    "BR-52": "Each Additional supporting document (BG-24) shall contain a Supporting document reference (BT-122).",
    "BR-53": "If the VAT accounting currency code (BT-6) is present, then the Invoice total VAT amount in "
             "accounting currency (BT-111) shall be provided.",
    "BR-54": "Each Item attribute (BG-32) shall contain an Item attribute name (BT-160) and an Item attribute "
             "value (BT-161).",
    "BR-55": "Each Preceding Invoice reference (BG-3) shall contain a Preceding Invoice reference (BT-25).",
    "BR-56": "Each Seller tax representative party (BG-11) shall have a Seller tax representative VAT "
             "identifier (BT-63).",
    "BR-57": "Each Deliver to address (BG-15) shall contain a Deliver to country code (BT-80).",
    "BR-61": "If the Payment means type code (BT-81) means SEPA credit transfer, Local credit transfer or "
             "Non-SEPA international credit transfer, the Payment account identifier (BT-84) shall be present.",
    "BR-62": "The Seller electronic address (BT-34) shall have a Scheme identifier.",
    "BR-63": "The Buyer electronic address (BT-49) shall have a Scheme identifier.",
    "BR-64": "The Item standard identifier (BT-157) shall have a Scheme identifier.",
    "BR-65": "The Item classification identifier (BT-158) shall have a Scheme identifier.",
}

CO = {
    "BR-CO-03": "Value added tax point date (BT-7) and Value added tax point date code (BT-8) are mutually "
                "exclusive.",
    "BR-CO-04": "Each Invoice line (BG-25) shall be categorized with an Invoiced item VAT category code (BT-151).",
    "BR-CO-09": "The Seller VAT identifier (BT-31), the Seller tax representative VAT identifier (BT-63) and the "
                "Buyer VAT identifier (BT-48) shall have a prefix in accordance with ISO code ISO 3166-1 alpha-2 "
                "by which the country of issue may be identified. Nevertheless, Greece may use the prefix 'EL'.",
    "BR-CO-10": "Sum of Invoice line net amount (BT-106) = \u03a3 Invoice line net amount (BT-131).",
    "BR-CO-11": "Sum of allowances on document level (BT-107) = \u03a3 Document level allowance amount (BT-92).",
    "BR-CO-12": "Sum of charges on document level (BT-108) = \u03a3 Document level charge amount (BT-99).",
    "BR-CO-13": "Invoice total amount without VAT (BT-109) = \u03a3 Invoice line net amount (BT-131) - Sum of "
                "allowances on document level (BT-107) + Sum of charges on document level (BT-108).",
    "BR-CO-14": "Invoice total VAT amount (BT-110) = \u03a3 VAT category tax amount (BT-117).",
    "BR-CO-15": "Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice "
                "total VAT amount (BT-110).",
    "BR-CO-16": "Amount due for payment (BT-115) = Invoice total amount with VAT (BT-112) -Paid amount (BT-113) "
                "+Rounding amount (BT-114).",
    "BR-CO-17": "VAT category tax amount (BT-117) = VAT category taxable amount (BT-116) x (VAT category rate "
                "(BT-119) / 100), rounded to two decimals.",
    "BR-CO-18": "An Invoice shall at least have one VAT breakdown group (BG-23).",
    "BR-CO-19": "If Invoicing period (BG-14) is used, the Invoicing period start date (BT-73) or the Invoicing "
                "period end date (BT-74) shall be filled, or both.",
    "BR-CO-20": "If Invoice line period (BG-26) is used, the Invoice line period start date (BT-134) or the "
                "Invoice line period end date (BT-135) shall be filled, or both.",
    "BR-CO-21": "Each Document level allowance (BG-20) shall contain a Document level allowance reason (BT-97) or "
                "a Document level allowance reason code (BT-98), or both.",
    "BR-CO-22": "Each Document level charge (BG-21) shall contain a Document level charge reason (BT-104) or a "
                "Document level charge reason code (BT-105), or both.",
    "BR-CO-23": "Each Invoice line allowance (BG-27) shall contain an Invoice line allowance reason (BT-139) or an "
                "Invoice line allowance reason code (BT-140), or both.",
    "BR-CO-24": "Each Invoice line charge (BG-28) shall contain an Invoice line charge reason (BT-144) or an "
                "Invoice line charge reason code (BT-145), or both.",
    "BR-CO-25": "In case the Amount due for payment (BT-115) is positive, either the Payment due date (BT-9) or "
                "the Payment terms (BT-20) shall be present.",
    "BR-CO-26": "In order for the buyer to automatically identify a supplier, the Seller identifier (BT-29), the "
                "Seller legal registration identifier (BT-30) and/or the Seller VAT identifier (BT-31) shall be "
                "present.",
}

_ITEM_SUBJECTS = (
    ("an Invoice line (BG-25)", "the Invoiced item VAT category code (BT-151)", "the Invoiced item VAT rate (BT-152)"),
    ("a Document level allowance (BG-20)", "the Document level allowance VAT category code (BT-95)",
     "the Document level allowance VAT rate (BT-96)"),
    ("a Document level charge (BG-21)", "the Document level charge VAT category code (BT-102)",
     "the Document level charge VAT rate (BT-103)"),
)
_SELLER_ANY = ("the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the "
               "Seller tax representative VAT identifier (BT-63)")
_IDENTIFIED = {
    "S": f"shall contain {_SELLER_ANY}", "Z": f"shall contain {_SELLER_ANY}", "E": f"shall contain {_SELLER_ANY}",
    "AE": f"shall contain {_SELLER_ANY} and the Buyer VAT identifier (BT-48) and/or the Buyer legal registration "
          "identifier (BT-47)",
    "K": "shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier (BT-63) "
         "and the Buyer VAT identifier (BT-48)",
    "G": "shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier (BT-63)",
    "O": "shall not contain the Seller VAT identifier (BT-31), the Seller tax representative VAT identifier "
         "(BT-63) or the Buyer VAT identifier (BT-48)",
}


def _sum_text(name: str, per_rate: bool) -> str:
    if per_rate:
        return (f'For each different value of VAT category rate (BT-119) where the VAT category code (BT-118) is '
                f'"{name}", the VAT category taxable amount (BT-116) in a VAT breakdown (BG-23) shall equal the sum '
                f'of Invoice line net amounts (BT-131) plus the sum of document level charge amounts (BT-99) minus '
                f'the sum of document level allowance amounts (BT-92) where the VAT category code (BT-151, BT-102, '
                f'BT-95) is "{name}" and the VAT rate (BT-152, BT-103, BT-96) equals the VAT category rate (BT-119).')
    return (f'In a VAT breakdown (BG-23) where the VAT category code (BT-118) is "{name}" the VAT category taxable '
            f'amount (BT-116) shall equal the sum of Invoice line net amounts (BT-131) minus the sum of Document '
            f'level allowance amounts (BT-92) plus the sum of Document level charge amounts (BT-99) where the VAT '
            f'category codes (BT-151, BT-95, BT-102) are "{name}".')


def _exemption_text(code: str, name: str) -> str:
    head = f'A VAT breakdown (BG-23) with VAT Category code (BT-118) "{name}"'
    if code in {"S", "Z"}:
        return f"{head} shall not have a VAT exemption reason code (BT-121) or VAT exemption reason text (BT-120)."
    if code == "E":
        return f"{head} shall have a VAT exemption reason code (BT-121) or a VAT exemption reason text (BT-120)."
    return (f'{head} shall have a VAT exemption reason code (BT-121), meaning "{name}" or the VAT exemption reason '
            f'text (BT-120) "{name}" (or the equivalent standard text in another language).')


def category_texts(code: str, prefix: str, name: str, exactly_one: bool) -> dict[str, str]:
    """The ten rule texts of one VAT category (BR-S-01 .. BR-S-10 ...)."""
    count = "exactly one" if exactly_one else "at least one"
    texts = {f"{prefix}-01": (
        f"An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document "
        f'level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is "{name}" shall contain in '
        f'the VAT breakdown (BG-23) {count} VAT category code (BT-118) equal with "{name}".')}
    for number, (item, category, rate) in enumerate(_ITEM_SUBJECTS):
        texts[f"{prefix}-0{number + 2}"] = f'An Invoice that contains {item} where {category} is "{name}" ' \
                                           f"{_IDENTIFIED[code]}."
        if code == "O":   # not subject to VAT: no rate at all
            texts[f"{prefix}-0{number + 5}"] = (f'{item[0].upper()}{item[1:]} where {category} is "{name}" shall '
                                                f"not contain an {rate[4:]}.")
            continue
        demand = "shall be greater than zero" if code == "S" else "shall be 0 (zero)"
        texts[f"{prefix}-0{number + 5}"] = f'In {item} where {category} is "{name}" {rate} {demand}.'
    texts[f"{prefix}-08"] = _sum_text(name, per_rate=code == "S")
    texts[f"{prefix}-09"] = (
        f'The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where VAT category code (BT-118) is '
        f'"{name}" shall equal the VAT category taxable amount (BT-116) multiplied by the VAT category rate (BT-119).'
        if code == "S" else
        f'The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where the VAT category code (BT-118) is '
        f'"{name}" shall be 0 (zero).')
    texts[f"{prefix}-10"] = _exemption_text(code, name)
    return texts


SPECIFIC = {
    "BR-IC-11": 'In an Invoice with a VAT breakdown (BG-23) where the VAT category code (BT-118) is '
                '"Intra-community supply" the Actual delivery date (BT-72) or the Invoicing period (BG-14) shall '
                'not be blank.',
    "BR-IC-12": 'In an Invoice with a VAT breakdown (BG-23) where the VAT category code (BT-118) is '
                '"Intra-community supply" the Deliver to country code (BT-80) shall not be blank.',
    "BR-O-11": 'An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) "Not '
               'subject to VAT" shall not contain other VAT breakdown groups (BG-23).',
    "BR-O-12": 'An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) "Not '
               'subject to VAT" shall not contain an Invoice line (BG-25) where the Invoiced item VAT category code '
               '(BT-151) is not "Not subject to VAT".',
    "BR-O-13": 'An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) "Not '
               'subject to VAT" shall not contain Document level allowances (BG-20) where Document level allowance '
               'VAT category code (BT-95) is not "Not subject to VAT".',
    "BR-O-14": 'An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) "Not '
               'subject to VAT" shall not contain Document level charges (BG-21) where Document level charge VAT '
               'category code (BT-102) is not "Not subject to VAT".',
}
