"""Electronic invoices: an invoice description → Factur-X CII XML, profile EN 16931.

This module knows nothing of the sales models: the sales services fill an `InvoiceData` with amounts
already computed and rounded, and `build_cii_xml` writes the UN/CEFACT Cross Industry Invoice
(D16B, Factur-X 1.0.x "EN 16931" profile, guideline `urn:cen.eu:en16931:2017`). Before writing,
`invoice_errors` re-checks the description's own arithmetic and the data the EN 16931 business rules
require, so an inconsistent file is never produced (the sales code gets a ValueError instead).

The French e-invoicing reform (CGI art. 289 bis; décret 2022-1299) accepts Factur-X EN16931 files;
the French legal mentions travel as notes (BG-1) with their UNTDID 4451 subject codes: PMD late
penalties, PMT the 40 € recovery indemnity, AAB early-payment discount, TXD tax mentions, REG/ABL
legal information, AAI general information.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pilote.lib.identifiers import format_siren

GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"

NS_RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
NS_UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NS_QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": NS_RSM, "ram": NS_RAM, "udt": NS_UDT, "qdt": NS_QDT}

TYPE_INVOICE = "380"
TYPE_CREDIT_NOTE = "381"
TYPE_PREPAYMENT = "386"
DOCUMENT_TYPES = {TYPE_INVOICE, TYPE_CREDIT_NOTE, TYPE_PREPAYMENT}

# VAT categories (UNCL 5305) used in France ("L" and "M" are Canary Islands / Ceuta). "O" (services outside
# the scope of French VAT: B2B services to a customer established outside the EU, CGI art. 259-1) stands alone
# on its invoice (BR-O-11…14), and the data then carries neither the seller's nor the buyer's VAT identifier
# (BR-O-02): the seller is identified by its SIREN (BT-30) and tax registration (BT-32, scheme FC); the PDF
# still prints the seller's VAT number, a French legal mention (CGI ann. II art. 242 nonies A).
VAT_CATEGORIES = {"S", "Z", "E", "AE", "K", "G", "O"}
# Categories whose VAT breakdown must carry an exemption reason text or code (BR-E-10, BR-AE-10,
# BR-IC-10, BR-G-10, BR-O-10) and whose VAT amount is zero.
EXEMPT_CATEGORIES = {"E", "AE", "K", "G", "O"}
CENT = Decimal("0.01")

# Catalogue units (pilote.catalog.models.Unit) → UN/ECE recommendation 20 codes (BT-130).
UNIT_CODES = {
    "u": "C62",  # one (unit)
    "h": "HUR",  # hour
    "j": "DAY",  # day
    "forfait": "LS",  # lump sum
    "mois": "MON",  # month
    "kg": "KGM",  # kilogram
    "m": "MTR",  # metre
    "m2": "MTK",  # square metre
    "lot": "LO",  # lot (unit of procurement)
}


@dataclass(frozen=True)
class Party:
    name: str
    address_line1: str = ""
    address_line2: str = ""
    postal_code: str = ""
    city: str = ""
    country_code: str = "FR"
    siren: str = ""  # BT-30 / BT-47 legal registration id (scheme 0002 = SIREN)
    siret: str = ""  # seller/buyer identifier BT-29 / BT-46 (scheme 0009 = SIRET) where given
    vat_number: str = ""  # BT-31 / BT-48
    # BT-47 buyer legal registration id outside France when it is no VAT number (a US EIN), without scheme.
    legal_id: str = ""
    # Seller only, BT-32 (scheme FC): the seller's tax registration where it has no VAT number because it
    # charges no VAT (franchise en base, non assujettie): its SIREN, the number the tax office knows it by.
    tax_registration: str = ""
    email: str = ""  # electronic address if known (BT-34 / BT-49, scheme EM)
    legal_form: str = ""  # seller only: e.g. "SAS"
    share_capital: str = ""  # seller only, already formatted e.g. "10 000 €"
    rcs_city: str = ""  # seller only
    # Address in the e-invoicing directory (annuaire, e.g. the SIREN); written instead of the email.
    electronic_address: str = ""
    electronic_address_scheme: str = "0225"  # ISO 6523 ICD of the French directory addresses


@dataclass(frozen=True)
class Note:
    subject_code: str  # UNTDID 4451 code used by French practice: "PMT", "PMD", "AAB", "REG", "ABL", "TXD", "AAI"...
    text: str


@dataclass(frozen=True)
class LineData:
    line_id: str
    name: str
    quantity: Decimal
    unit_code: str  # UN/ECE rec 20: "C62" unit, "HUR" hour, "DAY" day, "MON" month, "KGM", "MTR", "MTK", "LS"...
    unit_price: Decimal  # net unit price excl. VAT (after discount), up to 4 decimals
    net_amount: Decimal  # BT-131, 2 decimals, may be negative (deposit deduction line; credit notes stay positive)
    vat_category: str  # "S" standard, "E" exempt, "AE" reverse charge, "K" intra-EU, "G" export, "Z" zero
    vat_rate: Decimal  # 20.00, 10.00, 5.50, 2.10, 0.00
    description: str = ""
    gross_unit_price: Decimal | None = None  # before line discount, if any
    seller_item_id: str = ""  # product reference


@dataclass(frozen=True)
class VatBreakdown:
    category: str
    rate: Decimal
    base: Decimal
    amount: Decimal
    exemption_reason: str = ""  # BT-120, required for E/AE/K/G
    exemption_reason_code: str = ""  # BT-121 (VATEX list), optional


@dataclass(frozen=True)
class InvoiceData:
    number: str
    type_code: str  # "380" invoice, "381" credit note, "386" prepayment (deposit) invoice
    issue_date: date
    seller: Party
    buyer: Party
    lines: tuple[LineData, ...]
    vat_breakdown: tuple[VatBreakdown, ...]
    total_net: Decimal  # BT-106 = sum of line nets (BT-109 equal when there are no document allowances)
    total_vat: Decimal  # BT-110
    total_gross: Decimal  # BT-112
    amount_due: Decimal  # BT-115
    currency: str = "EUR"
    prepaid_amount: Decimal = Decimal("0")  # BT-113
    due_date: date | None = None
    payment_terms: str = ""  # BT-20 text
    payment_means_code: str = "30"  # UNTDID 4461: 30 transfer, 58 SEPA transfer, 20 cheque, 48 card, 10 cash…
    seller_iban: str = ""
    seller_bic: str = ""
    buyer_reference: str = ""  # BT-10
    order_reference: str = ""  # BT-13 buyer's purchase order number
    preceding_invoice_number: str = ""  # BG-3 for credit notes
    preceding_invoice_date: date | None = None
    delivery_date: date | None = None  # BT-72
    delivery_party_name: str = ""
    delivery_address: Party | None = None  # BG-15 when different from the buyer's address
    billing_period: tuple[date, date] | None = None
    notes: tuple[Note, ...] = ()
    # BT-23 business process ("cadre de facturation" of the French reform: B1 goods, S1 services,
    # M1 both, B4/S4/M4 final invoice after a deposit…); written only when given.
    business_process: str = ""
    # BT-8 VAT point date code (UNTDID 2475 in CII): "5" invoice date (option for VAT on debits),
    # "29" delivery date, "72" payment date (VAT on receipts, the default for services: CGI 269-2-c).
    vat_due_date_code: str = ""


def unit_code_for(unit: str) -> str:
    """The UN/ECE rec 20 code of a catalogue unit ("h" → "HUR"); ValueError for an unknown unit."""
    try:
        return UNIT_CODES[unit]
    except KeyError:
        raise ValueError(f"Unknown unit {unit!r}: expected one of {', '.join(UNIT_CODES)}.") from None


# --- consistency checks -------------------------------------------------------------------------


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _round_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def invoice_errors(data: InvoiceData) -> list[str]:
    """Every inconsistency of `data` (empty list when the invoice can be written).

    Arithmetic is exact (no tolerance): lines add up to BT-106, each VAT group's base is the sum of its
    lines and its VAT the base times the rate rounded half up to the cent, BT-112 = BT-109 + BT-110 and
    BT-115 = BT-112 − BT-113. The data EN 16931 requires for the VAT categories used is checked too.
    """
    errors: list[str] = []
    if data.type_code not in DOCUMENT_TYPES:
        errors.append(f"Document type {data.type_code!r} is not supported (380, 381 or 386).")
    if not data.number.strip():
        errors.append("The invoice number (BT-1) is empty.")
    if not data.lines:
        errors.append("An invoice needs at least one line (BG-25).")
    if not data.seller.name or not data.buyer.name:
        errors.append("Seller and buyer names (BT-27, BT-44) are required.")
    for label, party in (("seller", data.seller), ("buyer", data.buyer)):
        if not party.country_code:
            errors.append(f"The {label}'s country code is required (BT-40 / BT-55).")
        if party.siret and party.siren and not party.siret.startswith(party.siren):
            errors.append(f"The {label}'s SIRET {party.siret} does not start with its SIREN {party.siren}.")
    if data.type_code == TYPE_CREDIT_NOTE and not data.preceding_invoice_number:
        errors.append("A credit note must reference the invoice it corrects (BG-3, preceding_invoice_number).")
    if data.preceding_invoice_number and data.preceding_invoice_date is None:
        errors.append("The preceding invoice's issue date (BT-26) is required with its number.")

    for name in ("total_net", "total_vat", "total_gross", "amount_due", "prepaid_amount"):
        value = getattr(data, name)
        if _places(value) > 2:
            errors.append(f"{name} = {value} has more than 2 decimals.")

    line_ids = [line.line_id for line in data.lines]
    if len(set(line_ids)) != len(line_ids):
        errors.append("Line ids (BT-126) must be unique.")
    groups: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for line in data.lines:
        errors.extend(_line_errors(line))
        groups[(line.vat_category, line.vat_rate)] += line.net_amount

    line_sum = sum((line.net_amount for line in data.lines), Decimal(0))
    if line_sum != data.total_net:
        errors.append(f"The line net amounts add up to {line_sum}, not to total_net {data.total_net} (BR-CO-10).")

    breakdown_keys = [(vat.category, vat.rate) for vat in data.vat_breakdown]
    if len(set(breakdown_keys)) != len(breakdown_keys):
        errors.append("The VAT breakdown lists the same category and rate twice.")
    for vat in data.vat_breakdown:
        errors.extend(_breakdown_errors(vat, groups.get((vat.category, vat.rate))))
    for category, rate in groups.keys() - set(breakdown_keys):
        errors.append(f"Lines in VAT category {category} at {rate} % have no VAT breakdown (BR-CO-18).")

    vat_sum = sum((vat.amount for vat in data.vat_breakdown), Decimal(0))
    if vat_sum != data.total_vat:
        errors.append(f"The VAT breakdown amounts add up to {vat_sum}, not to total_vat {data.total_vat} (BR-CO-14).")
    if data.total_net + data.total_vat != data.total_gross:
        errors.append(
            f"total_gross {data.total_gross} is not total_net {data.total_net} + total_vat {data.total_vat} (BR-CO-15)."
        )
    if data.total_gross - data.prepaid_amount != data.amount_due:
        errors.append(
            f"amount_due {data.amount_due} is not total_gross {data.total_gross}"
            f" − prepaid_amount {data.prepaid_amount} (BR-CO-16)."
        )

    categories = {vat.category for vat in data.vat_breakdown}
    if "O" in categories and categories != {"O"}:
        errors.append("Category O (outside the scope of VAT) cannot share an invoice with other categories (BR-O-11).")
    if categories == {"O"}:
        if not (data.seller.tax_registration or data.seller.siren):
            errors.append("Outside the scope of VAT, the seller is identified by its SIREN (BT-30 or BT-32).")
    elif not data.seller.vat_number and not (data.seller.tax_registration and categories <= {"E"}):
        errors.append("The seller's VAT number (BT-31) is required (BR-S-02, BR-E-02…).")
    if categories & {"AE", "K"} and not data.buyer.vat_number:
        errors.append("The buyer's VAT number (BT-48) is required for reverse charge and intra-EU supplies.")
    if "K" in categories and data.delivery_date is None and data.billing_period is None:
        errors.append("An intra-EU supply needs a delivery date (BT-72) or a billing period (BG-14) (BR-IC-11).")
    if data.amount_due > 0 and data.due_date is None and not data.payment_terms:
        errors.append("A due date (BT-9) or payment terms (BT-20) are required when an amount is due (BR-CO-25).")
    if data.billing_period and data.billing_period[1] < data.billing_period[0]:
        errors.append("The billing period ends before it starts (BR-29).")
    if data.due_date and data.type_code != TYPE_PREPAYMENT and data.due_date < data.issue_date:
        errors.append("The due date (BT-9) is before the issue date.")
    return errors


def _line_errors(line: LineData) -> list[str]:
    errors = []
    where = f"Line {line.line_id}"
    if not line.name:
        errors.append(f"{where}: the item name (BT-153) is empty.")
    if line.vat_category not in VAT_CATEGORIES:
        errors.append(f"{where}: unknown VAT category {line.vat_category!r}.")
    if line.unit_price < 0 or (line.gross_unit_price is not None and line.gross_unit_price < 0):
        errors.append(f"{where}: unit prices must not be negative (BR-27, BR-28); carry the sign on the quantity.")
    if _places(line.unit_price) > 4:
        errors.append(f"{where}: unit price {line.unit_price} has more than 4 decimals.")
    if _places(line.quantity) > 4:
        errors.append(f"{where}: quantity {line.quantity} has more than 4 decimals.")
    if _places(line.net_amount) > 2:
        errors.append(f"{where}: net amount {line.net_amount} has more than 2 decimals.")
    if _round_cent(line.quantity * line.unit_price) != line.net_amount:
        errors.append(
            f"{where}: quantity {line.quantity} × unit price {line.unit_price} rounds to"
            f" {_round_cent(line.quantity * line.unit_price)}, not to the net amount {line.net_amount}."
        )
    if line.gross_unit_price is not None:
        if line.gross_unit_price < line.unit_price:
            errors.append(f"{where}: the gross unit price is below the net unit price.")
        if _places(line.gross_unit_price) > 4:
            errors.append(f"{where}: gross unit price {line.gross_unit_price} has more than 4 decimals.")
    if line.vat_category in EXEMPT_CATEGORIES | {"Z"} and line.vat_rate != 0:
        errors.append(f"{where}: VAT category {line.vat_category} requires a 0 % rate.")
    if line.vat_category == "S" and line.vat_rate <= 0:
        errors.append(f"{where}: the standard VAT category needs a rate above 0 (BR-S-05).")
    return errors


def _breakdown_errors(vat: VatBreakdown, line_base: Decimal | None) -> list[str]:
    errors = []
    where = f"VAT breakdown {vat.category} {vat.rate} %"
    if line_base is None:
        return [f"{where}: no line has this category and rate."]
    if vat.base != line_base:
        errors.append(f"{where}: base {vat.base} is not the sum of its lines {line_base} (BR-S-08…).")
    expected = _round_cent(vat.base * vat.rate / 100) if vat.category == "S" else Decimal(0)
    if vat.amount != expected:
        errors.append(f"{where}: VAT amount {vat.amount} should be {expected} (base × rate, rounded half up).")
    if vat.category in EXEMPT_CATEGORIES and not (vat.exemption_reason or vat.exemption_reason_code):
        errors.append(f"{where}: an exemption reason (BT-120) is required for category {vat.category}.")
    if vat.category not in EXEMPT_CATEGORIES and (vat.exemption_reason or vat.exemption_reason_code):
        errors.append(f"{where}: an exemption reason is not allowed for category {vat.category}.")
    return errors


def check_invoice_data(data: InvoiceData) -> None:
    """Raise ValueError listing every inconsistency of `data`."""
    errors = invoice_errors(data)
    if errors:
        raise ValueError(f"Invoice {data.number} is inconsistent:\n- " + "\n- ".join(errors))


# --- XML writing --------------------------------------------------------------------------------


def _amount(value: Decimal) -> str:
    return f"{value.quantize(CENT):f}"


def _price(value: Decimal) -> str:
    """A unit price with 2 to 4 decimals (the value is never rounded: the checks refuse more than 4)."""
    return f"{value.quantize(Decimal(1).scaleb(-max(2, _places(value)))):f}"


def _quantity(value: Decimal) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-_places(value))):f}"


def _rate(value: Decimal) -> str:
    return f"{value.quantize(CENT):f}"


def _date102(value: date) -> str:
    return value.strftime("%Y%m%d")


def _el(parent, tag: str, text: str | None = None, **attrib: str):
    """A child element `prefix:name` (ram, udt, qdt…) with its text and attributes."""
    from lxml import etree

    prefix, _, local = tag.partition(":")
    node = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{local}", attrib)
    if text is not None:
        node.text = text
    return node


def _date_el(parent, tag: str, value: date, *, qualified: bool = False):
    """A date element in format 102 (YYYYMMDD): udt:DateTimeString, or qdt: for referenced documents."""
    node = _el(parent, tag)
    _el(node, "qdt:DateTimeString" if qualified else "udt:DateTimeString", _date102(value), format="102")
    return node


def build_cii_xml(data: InvoiceData) -> bytes:
    """The Factur-X EN 16931 CII XML of `data` (UTF-8 bytes); ValueError if `data` is inconsistent."""
    from lxml import etree

    check_invoice_data(data)
    root = etree.Element(f"{{{NS_RSM}}}CrossIndustryInvoice", nsmap=NSMAP)

    context = _el(root, "rsm:ExchangedDocumentContext")
    if data.business_process:
        _el(_el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", data.business_process)
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE_EN16931)

    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", data.number)
    _el(document, "ram:TypeCode", data.type_code)
    _date_el(document, "ram:IssueDateTime", data.issue_date)
    for note in data.notes:
        included = _el(document, "ram:IncludedNote")
        _el(included, "ram:Content", note.text)
        if note.subject_code:
            _el(included, "ram:SubjectCode", note.subject_code)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in data.lines:
        _write_line(transaction, line)
    _write_agreement(transaction, data)
    _write_delivery(transaction, data)
    _write_settlement(transaction, data)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _write_line(transaction, line: LineData) -> None:
    item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.line_id)
    product = _el(item, "ram:SpecifiedTradeProduct")
    if line.seller_item_id:
        _el(product, "ram:SellerAssignedID", line.seller_item_id)
    _el(product, "ram:Name", line.name)
    if line.description:
        _el(product, "ram:Description", line.description)

    agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
    if line.gross_unit_price is not None:
        gross = _el(agreement, "ram:GrossPriceProductTradePrice")
        _el(gross, "ram:ChargeAmount", _price(line.gross_unit_price))
        discount = line.gross_unit_price - line.unit_price
        if discount:
            allowance = _el(gross, "ram:AppliedTradeAllowanceCharge")
            _el(_el(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
            _el(allowance, "ram:ActualAmount", _price(discount))
    _el(_el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", _price(line.unit_price))

    delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
    _el(delivery, "ram:BilledQuantity", _quantity(line.quantity), unitCode=line.unit_code)

    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:CategoryCode", line.vat_category)
    if line.vat_category != "O":  # no rate outside the scope of VAT (BR-O-05)
        _el(tax, "ram:RateApplicablePercent", _rate(line.vat_rate))
    summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _el(summation, "ram:LineTotalAmount", _amount(line.net_amount))


def _write_party(parent, tag: str, party: Party, *, seller: bool = False, out_of_scope: bool = False) -> None:
    """One party; `out_of_scope` (category O) leaves the VAT identifiers out (BR-O-02): the seller is then
    identified to the tax office by its tax registration (BT-32, its SIREN when none is given)."""
    node = _el(parent, tag)
    if party.siret:
        _el(node, "ram:GlobalID", party.siret, schemeID="0009")
    _el(node, "ram:Name", party.name)
    if seller:
        legal = seller_legal_mention(party)
        if legal:
            _el(node, "ram:Description", legal)  # BT-33 seller additional legal information
    if party.siren:
        _el(_el(node, "ram:SpecifiedLegalOrganization"), "ram:ID", party.siren, schemeID="0002")
    elif party.legal_id:
        _el(_el(node, "ram:SpecifiedLegalOrganization"), "ram:ID", party.legal_id)
    _write_address(node, party)
    if party.electronic_address:
        uri = _el(node, "ram:URIUniversalCommunication")
        _el(uri, "ram:URIID", party.electronic_address, schemeID=party.electronic_address_scheme)
    elif party.email:
        _el(_el(node, "ram:URIUniversalCommunication"), "ram:URIID", party.email, schemeID="EM")
    if out_of_scope:
        registration = party.tax_registration or party.siren
        if seller and registration:
            _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", registration, schemeID="FC")
    elif party.vat_number:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_number, schemeID="VA")
    elif seller and party.tax_registration:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.tax_registration, schemeID="FC")


def _write_address(node, party: Party) -> None:
    address = _el(node, "ram:PostalTradeAddress")
    if party.postal_code:
        _el(address, "ram:PostcodeCode", party.postal_code)
    if party.address_line1:
        _el(address, "ram:LineOne", party.address_line1)
    if party.address_line2:
        _el(address, "ram:LineTwo", party.address_line2)
    if party.city:
        _el(address, "ram:CityName", party.city)
    _el(address, "ram:CountryID", party.country_code)


def seller_legal_mention(party: Party) -> str:
    """« SAS au capital de 10 000 € – RCS Lyon 123 456 789 » (C. com. R123-237), empty when unknown."""
    parts = []
    if party.legal_form and party.share_capital:
        parts.append(f"{party.legal_form} au capital de {party.share_capital}")
    elif party.legal_form:
        parts.append(party.legal_form)
    if party.rcs_city and party.siren:
        parts.append(f"RCS {party.rcs_city} {format_siren(party.siren)}")
    return " – ".join(parts)


def _write_agreement(transaction, data: InvoiceData) -> None:
    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if data.buyer_reference:
        _el(agreement, "ram:BuyerReference", data.buyer_reference)
    out_of_scope = any(vat.category == "O" for vat in data.vat_breakdown)
    _write_party(agreement, "ram:SellerTradeParty", data.seller, seller=True, out_of_scope=out_of_scope)
    _write_party(agreement, "ram:BuyerTradeParty", data.buyer, out_of_scope=out_of_scope)
    if data.order_reference:
        _el(_el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", data.order_reference)


def _write_delivery(transaction, data: InvoiceData) -> None:
    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    address = data.delivery_address
    if address is None and any(vat.category == "K" for vat in data.vat_breakdown):
        # An intra-EU supply needs the deliver-to country (BR-IC-12): without a delivery address, the
        # goods go to the buyer's address.
        address = data.buyer
    if address is None and data.delivery_date is None and not data.delivery_party_name:
        # The CII schema requires ApplicableHeaderTradeDelivery (Factur-X XSD, minOccurs 1) and the
        # EN 16931 schematron warns on any empty element (PEPPOL-EN16931-R008). With no delivery date and no
        # other address (a deposit invoice, a credit note), the deliver-to is the buyer's address (BG-15,
        # BT-75…BT-80): where the goods or services go unless another address is given.
        address = data.buyer
    if address is not None or data.delivery_party_name:
        ship_to = _el(delivery, "ram:ShipToTradeParty")
        name = data.delivery_party_name or (data.delivery_address.name if data.delivery_address else "")
        if name:
            _el(ship_to, "ram:Name", name)
        if address is not None:
            _write_address(ship_to, address)
    if data.delivery_date is not None:
        _date_el(_el(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime", data.delivery_date)


def _write_settlement(transaction, data: InvoiceData) -> None:
    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", data.currency)
    if data.payment_means_code:
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", data.payment_means_code)
        if data.seller_iban:
            _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", data.seller_iban.replace(" ", ""))
        if data.seller_bic:
            _el(_el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", data.seller_bic)
    for vat in data.vat_breakdown:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(vat.amount))
        _el(tax, "ram:TypeCode", "VAT")
        if vat.exemption_reason:
            _el(tax, "ram:ExemptionReason", vat.exemption_reason)
        _el(tax, "ram:BasisAmount", _amount(vat.base))
        _el(tax, "ram:CategoryCode", vat.category)
        if vat.exemption_reason_code:
            _el(tax, "ram:ExemptionReasonCode", vat.exemption_reason_code)
        if data.vat_due_date_code:
            _el(tax, "ram:DueDateTypeCode", data.vat_due_date_code)
        if vat.category != "O":  # no rate outside the scope of VAT (BR-O-06)
            _el(tax, "ram:RateApplicablePercent", _rate(vat.rate))
    if data.billing_period is not None:
        period = _el(settlement, "ram:BillingSpecifiedPeriod")
        _date_el(period, "ram:StartDateTime", data.billing_period[0])
        _date_el(period, "ram:EndDateTime", data.billing_period[1])
    if data.payment_terms or data.due_date is not None:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        if data.payment_terms:
            _el(terms, "ram:Description", data.payment_terms)
        if data.due_date is not None:
            _date_el(terms, "ram:DueDateDateTime", data.due_date)
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", _amount(data.total_net))
    _el(totals, "ram:TaxBasisTotalAmount", _amount(data.total_net))
    _el(totals, "ram:TaxTotalAmount", _amount(data.total_vat), currencyID=data.currency)
    _el(totals, "ram:GrandTotalAmount", _amount(data.total_gross))
    if data.prepaid_amount:
        _el(totals, "ram:TotalPrepaidAmount", _amount(data.prepaid_amount))
    _el(totals, "ram:DuePayableAmount", _amount(data.amount_due))
    if data.preceding_invoice_number:
        reference = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", data.preceding_invoice_number)
        if data.preceding_invoice_date is not None:
            _date_el(reference, "ram:FormattedIssueDateTime", data.preceding_invoice_date, qualified=True)
