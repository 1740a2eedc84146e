"""The e-reporting files of a period: the flux 10 XML for the platform and a CSV for the comptable (pure).

Format: DGFiP, « Spécifications externes de la facturation électronique » v3.x, annexe 6 (format sémantique
FE e-reporting) and the flux 10 XSD (`ereporting.xsd` importing `report.xsd`, `transaction.xsd`,
`payment.xsd`; no target namespace, unqualified elements). The XSD files themselves could not be obtained
here (not in the searchable sources); the element names, order and cardinalities below follow the published
descriptions of those XSD of version 3.2 and files written by platforms that validate against them:

- Report = ReportDocument (TB-1) + TransactionsReport (TB-2, 0..1) + PaymentsReport (TB-3, 0..1);
- ReportDocument: Id (TT-1), IssueDateTime/DateTimeString (TT-3, AAAAMMJJHHMMSS), TypeCode (TT-4, IN
  initial / RE rectificatif), Sender (TG-3: Id@schemeId, Name, RoleCode), Issuer (TG-5: Id@schemeId 0002 =
  SIREN, Name, RoleCode SE = seller);
- TransactionsReport: ReportPeriod (StartDate, EndDate, AAAAMMJJ), Invoice (TG-8, 10.1: ID, IssueDate,
  TypeCode, CurrencyCode, DueDate, BusinessProcess/ID-TypeID, Seller, Buyer, MonetaryTotal, TaxSubTotal
  1..n), Transactions (TG-31, 10.3: Date, TransactionsCurrency, CategoryCode, TaxExclusiveAmount, TaxTotal,
  TransactionsCount, TaxSubtotal 1..n: TaxPercent, TaxableAmount, TaxTotal);
- PaymentsReport: ReportPeriod, Invoice (TG-34, 10.2: InvoiceID, IssueDate, Payment: Date, SubTotals 1..n:
  TaxPercent, CurrencyCode, Amount), Transactions (TG-37, 10.4).

Not confirmed against the XSD, and to check when a platform is plugged in: the inner element names of the
aggregated payments (TG-37: written here as Transactions/Payment/Date + SubTotals, mirroring TG-34), the
value of BusinessProcess/TypeID (TT-29, written « urn.cpro.gouv.fr:1p0:ereporting »), and the Sender of a
file exported by the structure itself (the file connector names the structure; a platform's connector puts
its own registration number, schemeId 0238, role WK).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from pilote.core.listing import csv_text
from pilote.ereporting.cadence import PAYMENTS
from pilote.ereporting.datasets import CATEGORY_LABELS, DataSet
from pilote.lib.formats import decimal_comma

CURRENCY = "EUR"
SIREN_SCHEME = "0002"
SELLER_ROLE = "SE"
BUSINESS_PROCESS_TYPE = "urn.cpro.gouv.fr:1p0:ereporting"


def _day(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _rate(value: Decimal) -> str:
    return f"{value:.2f}"


def _sub(parent, tag: str, text: str | None = None, **attributes):
    from lxml import etree

    element = etree.SubElement(parent, tag, **attributes)
    if text is not None:
        element.text = text
    return element


def file_name(siren: str, data: DataSet) -> str:
    period = data.period
    return f"ereporting-{siren}-{period.flow}-{_day(period.start)}-{_day(period.end)}.xml"


def write_xml(data: DataSet, *, structure, sender: dict, issued_at: dt.datetime, type_code: str = "IN") -> bytes:
    """The flux 10 report of `data`. `sender` (Id, schemeId, Name, RoleCode) comes from the connector."""
    from lxml import etree

    period = data.period
    root = etree.Element("Report")
    document = _sub(root, "ReportDocument")
    _sub(document, "Id", f"{structure.siren}-{period.flow}-{_day(period.start)}")
    _sub(_sub(document, "IssueDateTime"), "DateTimeString", issued_at.strftime("%Y%m%d%H%M%S"))
    _sub(document, "TypeCode", type_code)
    party = _sub(document, "Sender")
    _sub(party, "Id", sender["id"], schemeId=sender["scheme"])
    _sub(party, "Name", sender["name"])
    _sub(party, "RoleCode", sender["role"])
    party = _sub(document, "Issuer")
    _sub(party, "Id", structure.siren, schemeId=SIREN_SCHEME)
    _sub(party, "Name", structure.legal_name)
    _sub(party, "RoleCode", SELLER_ROLE)
    if period.flow == PAYMENTS:
        _payments_report(root, data)
    else:
        _transactions_report(root, data, structure)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _report_period(parent, data: DataSet) -> None:
    period = _sub(parent, "ReportPeriod")
    _sub(period, "StartDate", _day(data.period.start))
    _sub(period, "EndDate", _day(data.period.end))


def _transactions_report(root, data: DataSet, structure) -> None:
    report = _sub(root, "TransactionsReport")
    _report_period(report, data)
    for row in data.international:  # flux 10.1
        invoice = _sub(report, "Invoice")
        _sub(invoice, "ID", row.invoice.number)
        _sub(invoice, "IssueDate", _day(row.invoice.date))
        _sub(invoice, "TypeCode", row.type_code)
        _sub(invoice, "CurrencyCode", CURRENCY)
        if row.invoice.due_date and not row.invoice.is_credit_note:
            _sub(invoice, "DueDate", _day(row.invoice.due_date))
        process = _sub(invoice, "BusinessProcess")
        _sub(process, "ID", row.cadre)
        _sub(process, "TypeID", BUSINESS_PROCESS_TYPE)
        seller = _sub(invoice, "Seller")
        _sub(seller, "CompanyId", structure.siren, schemeId=SIREN_SCHEME)
        if structure.vat_number:
            _sub(seller, "TaxRegistrationId", structure.vat_number, qualifyingId="VA")
        _sub(_sub(seller, "PostalAddress"), "CountryId", structure.country or "FR")
        buyer = _sub(invoice, "Buyer")
        if row.buyer_tax_number:
            _sub(buyer, "TaxRegistrationId", row.buyer_tax_number, qualifyingId="VA")
        _sub(_sub(buyer, "PostalAddress"), "CountryId", row.buyer_country)
        total = _sub(invoice, "MonetaryTotal")
        _sub(total, "TaxExclusiveAmount", _amount(row.base))
        _sub(total, "TaxAmount", _amount(row.tax), CurrencyCode=CURRENCY)
        for sub in row.subtotals:
            element = _sub(invoice, "TaxSubTotal")
            _sub(element, "TaxableAmount", _amount(sub.base))
            _sub(element, "TaxAmount", _amount(sub.tax))
            category = _sub(element, "TaxCategory")
            _sub(category, "Code", sub.category)
            _sub(category, "Percent", _rate(sub.rate))
            if sub.mention:
                _sub(category, "TaxExemptionReason", sub.mention)
            if sub.vatex:
                _sub(category, "TaxExemptionReasonCode", sub.vatex)
    for group in data.b2c:  # flux 10.3
        element = _sub(report, "Transactions")
        _sub(element, "Date", _day(group.day))
        _sub(element, "TransactionsCurrency", CURRENCY)
        _sub(element, "CategoryCode", group.category)
        _sub(element, "TaxExclusiveAmount", _amount(group.base))
        _sub(element, "TaxTotal", _amount(group.tax))
        _sub(element, "TransactionsCount", str(group.count))
        for amount in group.rate_list:
            sub = _sub(element, "TaxSubtotal")
            _sub(sub, "TaxPercent", _rate(amount.rate))
            _sub(sub, "TaxableAmount", _amount(amount.base))
            _sub(sub, "TaxTotal", _amount(amount.tax))


def _payment_subtotals(parent, rates) -> None:
    for amount in rates:
        sub = _sub(parent, "SubTotals")
        _sub(sub, "TaxPercent", _rate(amount.rate))
        _sub(sub, "CurrencyCode", CURRENCY)
        _sub(sub, "Amount", _amount(amount.gross))


def _payments_report(root, data: DataSet) -> None:
    report = _sub(root, "PaymentsReport")
    _report_period(report, data)
    for row in data.international_payments:  # flux 10.2
        invoice = _sub(report, "Invoice")
        _sub(invoice, "InvoiceID", row.invoice_number)
        _sub(invoice, "IssueDate", _day(row.invoice_date))
        payment = _sub(invoice, "Payment")
        _sub(payment, "Date", _day(row.day))
        _payment_subtotals(payment, row.rates)
    for day in data.b2c_payments:  # flux 10.4
        payment = _sub(_sub(report, "Transactions"), "Payment")
        _sub(payment, "Date", _day(day.day))
        _payment_subtotals(payment, day.rate_list)


CSV_HEADER = [
    "Flux",
    "Données",
    "Date",
    "Pièce",
    "Client",
    "Pays",
    "Catégorie",
    "Taux de TVA (%)",
    "Base HT",
    "TVA",
    "TTC",
    "Nombre de factures",
]


def csv_rows(data: DataSet) -> list[list[str]]:
    def money(value: Decimal) -> str:
        return decimal_comma(value.quantize(Decimal("0.01")))

    rows = []
    for row in data.international:
        for sub in row.subtotals:
            category = f"{sub.category} {sub.mention}".strip()
            rows.append(
                ["10.1", "Vente à l'international", f"{row.invoice.date:%d/%m/%Y}", row.invoice.number,
                 row.buyer_name, row.buyer_country, category, decimal_comma(sub.rate), money(sub.base),
                 money(sub.tax), money(sub.base + sub.tax), "1"]
            )  # fmt: skip
    for group in data.b2c:
        for amount in group.rate_list:
            rows.append(
                ["10.3", "Ventes aux particuliers", f"{group.day:%d/%m/%Y}", "", "", "",
                 f"{group.category} {CATEGORY_LABELS[group.category]}", decimal_comma(amount.rate),
                 money(amount.base), money(amount.tax), money(amount.gross), str(group.count)]
            )  # fmt: skip
    for payment in data.international_payments:
        for amount in payment.rates:
            rows.append(
                ["10.2", "Encaissement international", f"{payment.day:%d/%m/%Y}", payment.invoice_number,
                 payment.customer_name, "", "", decimal_comma(amount.rate), money(amount.base), money(amount.tax),
                 money(amount.gross), "1"]
            )  # fmt: skip
    for day in data.b2c_payments:
        for amount in day.rate_list:
            rows.append(
                ["10.4", "Encaissements des particuliers", f"{day.day:%d/%m/%Y}", "", "", "", "",
                 decimal_comma(amount.rate), money(amount.base), money(amount.tax), money(amount.gross), ""]
            )  # fmt: skip
    return rows


def write_csv(data: DataSet) -> bytes:
    """';' separated, UTF-8 with BOM, decimal comma: what French spreadsheets open, each cell through
    core.listing's `csv_text` like every export (a buyer's name cannot start a formula)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([csv_text(cell) for cell in row] for row in csv_rows(data))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
