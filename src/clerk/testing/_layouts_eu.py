"""Invoice layouts in Dutch, German, French, Italian and Spanish with month names in words.

For tests of multilingual templates: each prints its dates with the month
spelled out in its language (CLDR names, via babel) and its own number
format, like the real supplier PDFs that failed on ``strptime``.
"""

from __future__ import annotations

from clerk.testing._pdf_layout import Layout

EU_LAYOUTS = {
    "vanrijn": Layout(
        "FACTUUR", "CREDITNOTA", "BTW-nummer:", "Factuurnummer:", "Factuurdatum:", "Vervaldatum:",
        "Uw bestelling:", "Klant:", ("Art.nr.", "Omschrijving", "Aantal", "Prijs", "Bedrag"),
        "Subtotaal", "BTW {rate}%", "Totaal", "Te betalen", "IBAN:", "%d %B %Y", ".", ",", False,
        month_language="nl"),
    "hafen": Layout(
        "Rechnung", "Gutschrift", "USt-IdNr.:", "Rechnung Nr.:", "Datum:", "Zahlbar bis:",
        "Bestellung:", "Kunde:", ("Pos.", "Artikel", "Menge", "Preis", "Betrag"),
        "Summe netto", "USt. {rate} %", "Summe brutto", "Zu zahlen", "IBAN:", "%d. %B %Y", ".", ",", True,
        month_language="de"),
    "lumiere": Layout(
        "FACTURE", "AVOIR", "TVA intracom. :", "Numéro :", "Date :", "Date d'échéance :",
        "Commande :", "Client :", ("Code", "Article", "Qté", "Prix", "Total"),
        "Montant HT", "TVA {rate} %", "Montant TTC", "Reste à payer", "IBAN :", "%d %B %Y", " ", ",", True,
        month_language="fr"),
    "lungo": Layout(
        "FATTURA", "NOTA DI CREDITO", "P.IVA:", "Fattura n.:", "Data fattura:", "Scadenza:",
        "Vostro ordine:", "Cliente:", ("Cod.", "Descrizione", "Q.tà", "Prezzo", "Importo"),
        "Imponibile", "IVA {rate}%", "Totale", "Totale da pagare", "IBAN:", "%d %B %Y", ".", ",", True,
        month_language="it"),
    "sierra": Layout(
        "FACTURA", "FACTURA RECTIFICATIVA", "NIF-IVA:", "Número de factura:", "Fecha:", "Vencimiento:",
        "Su pedido:", "Cliente:", ("Ref.", "Descripción", "Cant.", "Precio", "Importe"),
        "Base imponible", "IVA {rate} %", "Total", "Total a pagar", "IBAN:", "%d de %B de %Y", ".", ",", True,
        month_language="es"),
}
