"""Code lists the extractors share."""

from __future__ import annotations

# UNTDID 1001 document name codes that EN 16931 (code list for BT-3) and
# PEPPOL BIS Billing 3 treat as credit notes; every other code is an invoice
# (380 commercial invoice, 389 self-billed, 384 corrected, 326 partial ...).
CREDIT_NOTE_CODES = frozenset({
    "81",    # credit note related to goods or services
    "83",    # credit note related to financial adjustments
    "261",   # self billed credit note
    "262",   # consolidated credit note - goods and services
    "296",   # credit note for price variation
    "308",   # delcredere credit note
    "381",   # credit note
    "396",   # factored credit note
    "420",   # optical character reading (OCR) payment credit note
    "458",   # reversal of debit
    "532",   # forwarder's credit note
})
