"""The associations' pages in an association: each role gets what the matrix allows, lists filter, sort and
export, a receipt is issued, shown, cancelled from the pages; a company neither sees nor opens them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.associations.models import Donation, TaxReceipt
from pilote.associations.services import donations, receipts
from pilote.core.models import Structure
from pilote.core.permissions import role_can
from pilote.core.registry import menu_for
from pilote.core.roles import Role
from pilote.core.tests.test_permissions import ALL_PATTERNS


@pytest.fixture
def receipt(books, donor):
    donations.record_donation(actor=books["actor"], donor=donor, date=books["day"], amount=Decimal("75"),
                              method="cheque", bank_account=books["bank"])  # fmt: skip
    return receipts.issue_receipt(actor=books["actor"], donor=donor, year=2026, issued_on=dt.date(2026, 6, 1))


@pytest.fixture
def sample(receipt, books, donor):
    """The pk each page of the app is walked with (objects the POST views may change only within the rules)."""
    from pilote.associations.services import members

    kind = members.create_membership_type(actor=books["actor"], name="Adhérent", fee=Decimal("30"))
    member = members.enrol_member(actor=books["actor"], contact=donor, membership_type=kind,
                                  joined_on=dt.date(2026, 1, 5))  # fmt: skip
    due = members.call_dues(actor=books["actor"], year=2026, called_on=dt.date(2026, 1, 15))[0]
    pks = {"receipt": receipt.pk, "member": member.pk, "due": due.pk}
    pks |= _grant_sample(books)
    pks |= _volunteering_sample(books, donor)
    return pks


def _volunteering_sample(books, donor) -> dict:
    from pilote.associations.services import volunteering

    volunteer = volunteering.enrol_volunteer(actor=books["actor"], contact=donor, since=dt.date(2026, 1, 1))
    activity = volunteering.create_activity(actor=books["actor"], name="Accueil")
    hours = volunteering.record_hours(actor=books["actor"], volunteer=volunteer, activity=activity,
                                      date=dt.date(2026, 2, 3), hours=Decimal("2"))  # fmt: skip
    volunteering.record_in_kind(actor=books["actor"], date=dt.date(2026, 2, 3), kind="biens", description="Livres",
                                amount=Decimal("80"))  # fmt: skip
    from pilote.associations.services import cpom

    contract = cpom.create_cpom(actor=books["actor"], title="SSIAD", funders=[donor], start_year=2026, end_year=2030)
    objective = cpom.add_objective(actor=books["actor"], cpom=contract, title="Formation", indicator="Formés")
    means = cpom.set_means(actor=books["actor"], cpom=contract, year=2026, accounts="7311", label="Dotation",
                           amount=Decimal("1000"))  # fmt: skip
    return {"hours": hours.pk, "cpom": contract.pk, "objective": objective.pk, "means": means.pk,
            "cpom_deadline": contract.deadlines.first().pk}  # fmt: skip


def _grant_sample(books) -> dict:
    try:
        from pilote.associations.services import grants
    except ImportError:
        return {}
    from pilote.contacts.models import Contact

    funder = Contact.objects.create(name="Ville")
    grant = grants.create_grant(actor=books["actor"], funder=funder, code="V26", title="Saison",
                                amount_requested=Decimal("1000"), period_start=dt.date(2026, 1, 1),
                                period_end=dt.date(2026, 12, 31))  # fmt: skip
    instalment = grants.add_instalment(actor=books["actor"], grant=grant, label="Acompte",
                                       expected_on=dt.date(2026, 3, 1), amount=Decimal("500"))  # fmt: skip
    deadline = grants.add_deadline(actor=books["actor"], grant=grant, label="Bilan", due_on=dt.date(2027, 1, 31))
    line = grants.set_budget_line(actor=books["actor"], grant=grant, nature="62", label="", amount=Decimal("900"))
    grants.attach_agreement(actor=books["actor"], grant=grant,
                            upload=SimpleUploadedFile("convention.pdf", b"%PDF-1.7\n"))  # fmt: skip
    return {"grant": grant.pk, "instalment": instalment.pk, "deadline": deadline.pk, "budget_line": line.pk}


OBJECT_OF = {  # the first prefix a URL name starts with gives its object (instalment-add takes the grant)
    "instalment-add": "grant",
    "deadline-add": "grant",
    "member": "member",
    "due": "due",
    "instalment": "instalment",
    "deadline": "deadline",
    "hours": "hours",
    "budget-delete": "budget_line",
    "cpom-target": "objective",
    "cpom-objective-add": "cpom",
    "cpom-objective": "objective",
    "cpom-means-delete": "means",
    "cpom-deadline-add": "cpom",
    "cpom-deadline": "cpom_deadline",
    "cpom": "cpom",
}


def _pk(name: str, sample: dict) -> int:
    page = name.split(":", 1)[1]
    for prefix, key in OBJECT_OF.items():
        if page.startswith(prefix):
            return sample[key]
    return sample["receipt"] if page.startswith("receipt") else sample.get("grant", 0)


def _urls(sample):
    for name, pattern in ALL_PATTERNS:
        if not name.startswith("associations:"):
            continue
        kwargs = {
            key: {"pk": _pk(name, sample), "fmt": "csv", "report": "bilan"}[key] for key in pattern.pattern.converters
        }
        yield name, pattern, reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_gets_what_the_matrix_allows(role, client, personas, sample, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(personas[role])
    for name, pattern, url in _urls(sample):
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        if role_can(role, pattern.callback.required_perm):
            assert response.status_code in (200, 302), (name, response.status_code)
        else:
            assert response.status_code == 403, (name, response.status_code)


def test_menu_in_an_association_and_not_in_a_company(personas, structure):
    entries = {item.url_name for section in menu_for(personas["direction"], "association") for item in section.items}
    assert {"associations:donation-list", "associations:receipt-list"} <= entries
    company = {item.url_name for section in menu_for(personas["direction"], "company") for item in section.items}
    assert not any(name.startswith("associations:") for name in company)


def test_a_company_does_not_open_them(client_as, structure):
    Structure.objects.filter(pk=1).update(type="company")
    assert client_as("direction").get(reverse("associations:donation-list")).status_code == 404


def test_record_a_donation_then_issue_and_cancel_its_receipt(client_as, books, donor):
    client = client_as("comptable")
    response = client.post(reverse("associations:donation-create"), {
        "donor": donor.pk, "date": "2026-03-02", "kind": "numeraire", "method": "cheque",
        "bank_account": books["bank"].pk, "amount": "1 250,00",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Donation.objects.get().amount == Decimal("1250.00")
    page = client.get(reverse("associations:receipt-batch") + "?year=2026").content.decode()
    assert "Léa" in page and "250,00" in page
    response = client.post(reverse("associations:receipt-issue"), {"donor": donor.pk, "year": 2026})
    receipt = TaxReceipt.objects.get()
    assert response["Location"] == reverse("associations:receipt-detail", args=[receipt.pk])
    detail = client.get(reverse("associations:receipt-detail", args=[receipt.pk]) + "?taxable_income=5000").content
    assert "660,00" in detail.decode()  # 66 % of 1 000 € (20 % of 5 000 €)
    assert client.get(reverse("associations:receipt-pdf", args=[receipt.pk])).content.startswith(b"%PDF")
    client.post(reverse("associations:receipt-cancel", args=[receipt.pk]), {"reason": "Montant", "replace": "on"})
    assert list(TaxReceipt.objects.order_by("number").values_list("number", "status")) == [
        (1, "cancelled"),
        (2, "issued"),
    ]


def test_lists_filter_sort_and_export(client_as, receipt, books, company_donor):
    donations.record_donation(actor=books["actor"], donor=company_donor, date=books["day"], amount=Decimal("900"),
                              method="virement", bank_account=books["bank"])  # fmt: skip
    client = client_as("auditeur")
    page = client.get(reverse("associations:donation-list") + "?recu=sans&tri=-montant").content.decode()
    assert "Imprimerie Durand" in page and "Léa Martin" not in page
    export = client.get(reverse("associations:donation-export", args=["csv"]) + "?q=Durand")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Imprimerie Durand" in body and "900,00" in body and "Martin" not in body
    assert "000001" in client.get(reverse("associations:receipt-list") + "?annee=2026").content.decode()
    totals = client.get(reverse("associations:receipt-totals")).content.decode()
    assert "75,00" in totals
