"""The structure's VAT regime drives what the catalogue, the line editors, the invoices and the VAT return
offer: under franchise en base (CGI 293 B) or « non assujettie » (CGI 261-7-1°) no VAT is charged, the
only choice is « Pas de TVA » with the regime's legal mention, and the invoices carry that mention."""

import datetime as dt
from decimal import Decimal as D

import pytest

from pilote.catalog.forms import ProductForm
from pilote.core.exceptions import DomainError
from pilote.core.models import Structure
from pilote.core.vat_policy import FRANCHISE_MENTION, NOT_LIABLE_MENTION
from pilote.ledger.models import EntryLine
from pilote.sales import documents, einvoice, issuing, services
from pilote.sales.forms import catalogue_data, line_formset
from pilote.sales.services import LineSpec
from pilote.sales.tests.test_einvoice import assert_valid


def set_regime(regime: str, **fields) -> Structure:
    Structure.objects.filter(pk=1).update(vat_regime=regime, **fields)
    return Structure.objects.get()


def choices(field) -> list[str]:
    return [value for value, _ in field.choices]


@pytest.mark.parametrize(
    ("regime", "mention"), [("franchise", FRANCHISE_MENTION), ("non_assujettie", NOT_LIABLE_MENTION)]
)
def test_catalogue_and_line_editor_offer_no_vat_with_the_mention(shop, regime, mention):
    set_regime(regime, vat_number="")
    form = ProductForm()
    assert choices(form.fields["vat_rate"]) == ["0.00"]  # 20 % is not offered
    assert choices(form.fields["exemption_mention"]) == [mention]
    assert (form["vat_rate"].value(), form["exemption_mention"].value()) == ("0.00", mention)
    html = form.as_div()
    assert "Pas de TVA" in html and "20 %" not in html
    # An article of the old regime at 20 % is shown without VAT in the editor, and saved so.
    chair = shop["p"]["chair"]
    assert ProductForm(instance=chair)["vat_rate"].value() == "0.00"
    assert catalogue_data()[str(chair.pk)] | {} == {
        **catalogue_data()[str(chair.pk)],
        "vat": "0.00",
        "mention": mention,
    }
    row = line_formset().forms[0]
    assert choices(row.fields["vat_rate"]) == ["0.00"] and row["exemption_mention"].value() == mention


def test_liable_structure_keeps_the_rates_without_the_no_vat_mentions(shop):
    form = ProductForm()
    assert choices(form.fields["vat_rate"]) == ["20.00", "10.00", "5.50", "2.10", "0.00"]
    assert form["vat_rate"].value() == "20.00"
    assert FRANCHISE_MENTION not in choices(form.fields["exemption_mention"])
    assert NOT_LIABLE_MENTION not in choices(form.fields["exemption_mention"])
    # Nor can a line carry a no-VAT regime's mention.
    with pytest.raises(DomainError, match="ne correspond pas au régime de TVA"):
        services.create_quote(
            actor=shop["actor"],
            customer=shop["customer"],
            date=shop["day"],
            valid_until=shop["day"] + dt.timedelta(days=30),
            lines=[LineSpec("Conseil", D(1), D(100), vat_rate="0.00", exemption_mention=FRANCHISE_MENTION)],
        )


def test_franchise_refuses_vat_and_invoices_carry_the_mention(shop):
    set_regime("franchise", vat_number="")
    actor, customer, p = shop["actor"], shop["customer"], shop["p"]
    with pytest.raises(DomainError, match="franchise en base de TVA"):
        services.create_invoice(
            actor=actor, customer=customer, date=shop["day"], lines=[LineSpec("Conseil", D(1), D(100))]
        )
    invoice = services.create_invoice(
        actor=actor,
        customer=customer,
        date=shop["day"],
        lines=[LineSpec.from_product(p["chair"], D(2)), LineSpec.from_product(p["install"], D(3))],
    )
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (D("464.80"), D("0.00"), D("464.80"))
    assert set(invoice.lines.values_list("vat_rate", "exemption_mention")) == {("0.00", FRANCHISE_MENTION)}
    invoice = issuing.issue_invoice(actor=actor, invoice=invoice, render_pdf=False)
    assert not EntryLine.objects.filter(entry=invoice.entry, account__code__startswith="445").exists()
    data = documents.invoice_data(invoice)
    assert [(v.category, v.exemption_reason) for v in data.vat_breakdown] == [("E", FRANCHISE_MENTION)]
    assert_valid(einvoice.build_cii_xml(data))


def test_franchise_invoice_pdf_prints_the_mention_and_no_vat_number(shop):
    from pilote.sales.tests.test_einvoice import pdf_text

    set_regime("franchise", vat_number="")
    invoice = services.create_invoice(
        actor=shop["actor"],
        customer=shop["customer"],
        date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["install"], D(2))],
    )
    invoice = issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    (page,) = pdf_text(documents.render_invoice(invoice))
    assert "TVA non applicable, article 293 B du CGI" in page
    assert "FR65912345675" not in page  # the seller has no VAT number to print


def test_draft_with_vat_from_before_a_change_of_regime_is_not_issued(shop):
    invoice = services.create_invoice(
        actor=shop["actor"],
        customer=shop["customer"],
        date=shop["day"],
        lines=[LineSpec.from_product(shop["p"]["chair"], D(1))],
    )
    set_regime("non_assujettie", vat_number="")
    with pytest.raises(DomainError, match="n'est pas assujettie à la TVA"):
        issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    invoice.refresh_from_db()
    assert invoice.is_draft and not invoice.number


def test_vat_return_has_nothing_to_declare_without_vat(shop, client_as):
    from django.urls import reverse

    from pilote.ledger import vat

    # January declared « néant » under the previous regime, then the structure moves to the franchise.
    vat.confirm_ca3(actor=shop["accountant"], start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    set_regime("franchise", vat_number="")
    page = client_as("comptable").get(reverse("ledger:vat-return")).content.decode()
    assert "aucune déclaration de TVA à déposer" in page and "Valider et passer" not in page
    assert "néant" in page  # the earlier return is listed
    with pytest.raises(DomainError, match="franchise en base"):
        vat.confirm_ca3(actor=shop["accountant"], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    set_regime("debits")
    assert "Valider et passer" in client_as("comptable").get(reverse("ledger:vat-return")).content.decode()


def test_non_liable_structure_gets_no_vat_number(db):
    from pilote.core import services as core

    structure = core.create_structure(
        actor=None,
        type="association",
        legal_name="Les Amis du Quartier",
        siren="912345675",
        vat_regime="non_assujettie",
        fiscal_year_start=dt.date(2026, 1, 1),
        fiscal_year_end=dt.date(2026, 12, 31),
    )
    assert structure.vat_number == ""
