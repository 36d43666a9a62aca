"""The demo mailbox: supplier emails as .eml bytes, consistent with demo/world.toml.

Deterministic to the byte (fixed dates, Message-IDs and MIME boundaries), so
a test can compare what clerk collected with what was sent.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from demo.documents import DEMO_DAY, MailedInvoice, mailed_invoices

AP_MAILBOX = "ap@clerk-demo.example"
SENDERS = {
    "ACME": ("Acme Office Supplies Billing", "billing@acme-office.example"),
    "NORD": ("Nordwind Logistik Buchhaltung", "rechnung@nordwind-logistik.example"),
    "BRIO": ("Brio Café Services", "factures@brio-cafe.example"),
    "GHOST": ("Ghost Trading Accounts", "accounts@ghost-trading.example"),
}
_BODIES = {
    "ACME": "Dear customer,\n\nplease find attached invoice {number} for your order {order}.\n\nKind regards,\nAcme Billing\n",
    "NORD": "Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie die Rechnung {number} zu Ihrer Bestellung {order}.\n\nMit freundlichen Grüßen\nNordwind Logistik\n",
    "BRIO": "Bonjour,\n\nveuillez trouver ci-joint la facture {number} (commande {order}).\n\nCordialement,\nBrio Café Services\n",
    "GHOST": "Hello,\n\nattached is invoice {number}. Payment within 7 days please.\n\nGhost Trading\n",
}


def _subject(mail: MailedInvoice) -> str:
    number = mail.invoice_number
    if mail.reason == "duplicate_invoice":
        return f"Reminder: invoice {number}"
    if mail.supplier == "NORD":
        return f"Rechnung {number}"
    if mail.supplier == "BRIO":
        return f"Facture {number}"
    return f"Invoice {number}"


def build_message(mail: MailedInvoice, index: int) -> bytes:
    """One supplier email with its invoice attached, as RFC 5322 bytes (CRLF)."""
    display, address = SENDERS[mail.supplier]
    sent = datetime.combine(DEMO_DAY, time(8, 0), tzinfo=UTC) + timedelta(minutes=index * 7)
    order = mail.invoice.order_reference if mail.invoice and mail.invoice.order_reference else "-"
    message = EmailMessage(policy=SMTP)
    message["From"] = f"{display} <{address}>"
    message["To"] = AP_MAILBOX
    message["Subject"] = _subject(mail)
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = f"<{mail.name}.{index}@{address.split('@')[1]}>"
    message.set_content(_BODIES[mail.supplier].format(number=mail.invoice_number, order=order))
    filename, data, declared = mail.attachment()
    maintype, subtype = declared.split("/", 1)
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    message.set_boundary(f"=_clerk-demo-{index:02d}")   # a random boundary would change the bytes
    return message.as_bytes()


def demo_messages() -> list[tuple[str, bytes]]:
    """(name, .eml bytes) for every demo supplier email, in arrival order."""
    return [(mail.name, build_message(mail, index)) for index, mail in enumerate(mailed_invoices(), start=1)]
