"""Sample invoice descriptions for the e-invoice tests: fixed dates, fictitious but valid identifiers.

`make_invoice` computes what the sales services will compute (VAT per rate on the summed line
amounts, rounded half up to the cent; totals), so each builder only states its lines.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pilote.sales.einvoice import InvoiceData, LineData, Note, Party, VatBreakdown

D = Decimal
CENT = D("0.01")

SELLER = Party(
    name="Atelier Pilote",
    address_line1="12 rue des Tanneurs",
    address_line2="Bâtiment B",
    postal_code="69002",
    city="Lyon",
    siren="123456782",
    siret="12345678200010",
    vat_number="FR11123456782",
    email="factures@atelier-pilote.example",
    legal_form="SAS",
    share_capital="10 000 €",
    rcs_city="Lyon",
)

BUYER = Party(
    name="Coopérative des Monts",
    address_line1="4 avenue de la Gare",
    postal_code="38000",
    city="Grenoble",
    siren="222222226",
    siret="22222222600011",
    vat_number="FR46222222226",
    email="compta@cooperative-monts.example",
)

# The French mentions every B2B invoice carries (C. com. L441-9 and L441-10; CGI ann. II 242 nonies A).
LEGAL_NOTES = (
    Note(
        "PMD",
        "En cas de retard de paiement, des pénalités sont exigibles au taux de 12,15 % l'an "
        "(taux BCE majoré de 10 points), sans qu'un rappel soit nécessaire.",
    ),
    Note("PMT", "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €."),
    Note("AAB", "Pas d'escompte pour paiement anticipé."),
    Note("TXD", "Option pour le paiement de la taxe d'après les débits."),
    Note("AAI", "Nature de l'opération : prestations de services et livraison de biens."),
)


def line(
    line_id: str,
    name: str,
    quantity: str,
    unit_code: str,
    unit_price: str,
    rate: str = "20.00",
    category: str = "S",
    *,
    gross: str | None = None,
    **extra,
) -> LineData:
    qty, price = D(quantity), D(unit_price)
    return LineData(
        line_id=line_id,
        name=name,
        quantity=qty,
        unit_code=unit_code,
        unit_price=price,
        net_amount=(qty * price).quantize(CENT, rounding=ROUND_HALF_UP),
        vat_category=category,
        vat_rate=D(rate),
        gross_unit_price=D(gross) if gross is not None else None,
        **extra,
    )


def make_invoice(
    number: str,
    lines: list[LineData],
    *,
    type_code: str = "380",
    exemption_reasons: dict[str, str] | None = None,
    prepaid: str = "0",
    **fields,
) -> InvoiceData:
    """An InvoiceData whose VAT breakdown and totals are computed from `lines`."""
    exemption_reasons = exemption_reasons or {}
    bases: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for item in lines:
        bases[(item.vat_category, item.vat_rate)] += item.net_amount
    breakdown = tuple(
        VatBreakdown(
            category=category,
            rate=rate,
            base=base,
            amount=(base * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP) if category == "S" else D("0.00"),
            exemption_reason=exemption_reasons.get(category, ""),
        )
        for (category, rate), base in sorted(bases.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
    )
    total_net = sum((item.net_amount for item in lines), D("0.00"))
    total_vat = sum((vat.amount for vat in breakdown), D("0.00"))
    defaults = {
        "issue_date": date(2026, 11, 24),
        "seller": SELLER,
        "buyer": BUYER,
        "due_date": date(2026, 12, 24),
        "payment_terms": "Paiement à 30 jours date de facture, par virement.",
        "payment_means_code": "58",
        "seller_iban": "FR7630006000011234567890189",
        "seller_bic": "AGRIFRPPXXX",
        "notes": LEGAL_NOTES,
    }
    return InvoiceData(
        number=number,
        type_code=type_code,
        lines=tuple(lines),
        vat_breakdown=breakdown,
        total_net=total_net,
        total_vat=total_vat,
        total_gross=total_net + total_vat,
        amount_due=total_net + total_vat - D(prepaid),
        prepaid_amount=D(prepaid),
        **{**defaults, **fields},
    )


def standard_invoice() -> InvoiceData:
    """Mixed rates 20 / 10 / 5.5 %, a 10 % line discount, delivery elsewhere, purchase order number."""
    return make_invoice(
        "FA-2026-0042",
        [
            line(
                "1",
                "Conseil en organisation",
                "7.5",
                "HUR",
                "108.00",
                gross="120.00",
                seller_item_id="CONS-H",
                description="Remise de 10 % sur le tarif horaire",
            ),
            line("2", "Travaux de rénovation énergétique", "1", "LS", "2450.00", "10.00", seller_item_id="RENO"),
            line("3", "Confiture de myrtilles", "12", "C62", "4.1667", "5.50", seller_item_id="CONF-250"),
            line("4", "Farine bio", "25.5", "KGM", "1.84", "5.50"),
        ],
        order_reference="BC-7781",
        buyer_reference="SERVICE-ACHATS",
        delivery_date=date(2026, 11, 20),
        delivery_party_name="Coopérative des Monts – entrepôt",
        delivery_address=Party(
            name="Coopérative des Monts – entrepôt", address_line1="ZA des Iles", postal_code="38170", city="Seyssinet"
        ),
        business_process="M1",
        vat_due_date_code="5",  # the seller opted for VAT on debits (TXD note)
    )


def deposit_invoice() -> InvoiceData:
    """A prepayment invoice (386): 30 % of order BC-7790 before the work starts."""
    return make_invoice(
        "FA-2026-0041",
        [line("1", "Acompte de 30 % sur la commande BC-7790", "1", "C62", "1500.00")],
        type_code="386",
        order_reference="BC-7790",
        issue_date=date(2026, 10, 15),
        due_date=date(2026, 10, 15),
        payment_terms="Acompte payable à réception.",
        business_process="M1",
    )


def final_invoice_after_deposit() -> InvoiceData:
    """The final invoice of order BC-7790: the deposit invoiced on FA-2026-0041 comes off as a negative line."""
    return make_invoice(
        "FA-2026-0043",
        [
            line("1", "Aménagement des bureaux", "1", "LS", "4200.00"),
            line("2", "Mobilier de réunion", "4", "C62", "200.00"),
            # EN 16931 forbids negative prices (BR-27): the deduction carries its sign on the quantity.
            line("3", "Déduction de l'acompte facturé (facture FA-2026-0041 du 15/10/2026)", "-1", "C62", "1500.00"),
        ],
        order_reference="BC-7790",
        delivery_date=date(2026, 11, 18),
        business_process="M4",
    )


def credit_note() -> InvoiceData:
    """A credit note (381) cancelling part of FA-2026-0042: amounts stay positive, the type carries the sign."""
    return make_invoice(
        "AV-2026-0007",
        [line("1", "Conseil en organisation (heures non réalisées)", "2", "HUR", "108.00")],
        type_code="381",
        preceding_invoice_number="FA-2026-0042",
        preceding_invoice_date=date(2026, 11, 24),
        issue_date=date(2026, 11, 30),
        due_date=date(2026, 11, 30),
        payment_terms="Montant remboursé par virement sous 8 jours.",
        business_process="S1",
    )


def exempt_invoice() -> InvoiceData:
    """Vocational training exempt from VAT (CGI art. 261-4-4° a) next to taxed course material."""
    return make_invoice(
        "FA-2026-0044",
        [
            line("1", "Formation professionnelle continue « Gestion de projet »", "3", "DAY", "850.00", "0.00", "E"),
            line("2", "Support de cours imprimé", "10", "C62", "15.00"),
        ],
        exemption_reasons={"E": "Exonération de TVA, article 261-4-4° a du CGI"},
        billing_period=(date(2026, 11, 2), date(2026, 11, 4)),
        business_process="M1",
    )


EU_BUYER = Party(
    name="Müller Maschinenbau GmbH",
    address_line1="Hauptstraße 1",
    postal_code="10115",
    city="Berlin",
    country_code="DE",
    vat_number="DE136695976",
    email="rechnungen@mueller.example",
)

# Category → exemption mention (CGI 262 ter I, 283-2 and 262 I; BOI-TVA-DECLA-30-20-20).
ZERO_VAT_MENTIONS = {
    "K": "Exonération de TVA, article 262 ter I du CGI",
    "AE": "Autoliquidation",
    "G": "Exonération de TVA, article 262 I du CGI",
    "Z": "",
}


def zero_vat_invoice(category: str) -> InvoiceData:
    """Goods sold without French VAT: intra-EU supply (K), reverse charge (AE), export (G) or zero rate (Z)."""
    return make_invoice(
        f"FA-2026-05{list(ZERO_VAT_MENTIONS).index(category)}",
        [line("1", "Machine à coudre industrielle", "2", "C62", "1250.00", "0.00", category)],
        exemption_reasons={category: ZERO_VAT_MENTIONS[category]},
        buyer=EU_BUYER,
        delivery_date=date(2026, 11, 20),
        business_process="B1",
    )


def long_invoice(count: int = 60) -> InvoiceData:
    """`count` lines, to check page breaks and the repeated table header of the PDF."""
    lines = [
        line(
            str(i),
            f"Prestation de maintenance n° {i} – intervention sur site",
            str(1 + i % 5),
            "HUR",
            f"{55 + i}.00",
            "20.00" if i % 3 else "10.00",
            seller_item_id=f"MAINT-{i:03d}",
        )
        for i in range(1, count + 1)
    ]
    return make_invoice("FA-2026-0100", lines, order_reference="BC-9000", business_process="S1")


ALL_SAMPLES = {
    "standard": standard_invoice,
    "deposit": deposit_invoice,
    "final_after_deposit": final_invoice_after_deposit,
    "credit_note": credit_note,
    "exempt": exempt_invoice,
}

__all__ = ["ALL_SAMPLES", "BUYER", "LEGAL_NOTES", "SELLER", "line", "long_invoice", "make_invoice"]
