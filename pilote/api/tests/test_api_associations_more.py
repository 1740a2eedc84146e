"""Associations over the API beyond members, donations and grants: a tax receipt cancelled (and replaced), the
volunteering (activities, volunteers, hours, the period's posting) — the pages' refusals kept (French 422 / 409,
nothing written), the roles of the matrix (403), and the pages' French 404 for a company."""

from decimal import Decimal

import pytest

from pilote.api.tests.days import iso, year
from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def association(structure, personas):
    """The structure made an association with its books (ANC chart) and bank account; returns the bank account."""
    from pilote.core.models import Structure
    from pilote.ledger import services as ledger
    from pilote.sales.tests.factories import make_books

    bank = make_books(structure)
    Structure.objects.filter(pk=structure.pk).update(type="association")
    ledger.install_chart(actor=None, kind="association")
    return bank


def test_a_tax_receipt_cancelled_with_its_reason_and_replaced(call, association):
    from pilote.associations.models import TaxReceipt
    from pilote.contacts.models import Contact

    paul = Contact.objects.create(name="Martin", first_name="Paul", kind="person")
    gift = call("assistant", "post", "/api/v1/dons", {"donor": paul.pk, "date": local_today().isoformat(),
                                                      "amount": "80", "method": "cheque",
                                                      "bank_account": association.pk})  # fmt: skip
    assert gift.status_code == 201, gift.content
    receipt = call("comptable", "post", "/api/v1/recus-fiscaux", {"donor": paul.pk, "year": year()}).json()
    url = f"/api/v1/recus-fiscaux/{receipt['id']}/annulation"
    for role in ("assistant", "commercial", "auditeur", "salarie"):
        assert call(role, "post", url, {"reason": "Adresse"}).status_code == 403
    no_reason = call("comptable", "post", url, {"reason": ""})
    assert no_reason.status_code == 422 and no_reason.json()["erreurs"]["reason"] == ["Ce champ est obligatoire."]
    assert TaxReceipt.objects.get().status == "issued"
    replaced = call("comptable", "post", url, {"reason": "Adresse du donateur erronée"})
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["id"] != receipt["id"] and replaced.json()["status"] == "issued"
    cancelled = call("auditeur", "get", f"/api/v1/recus-fiscaux/{receipt['id']}").json()
    assert cancelled["status"] == "cancelled" and cancelled["total"] == replaced.json()["total"] == "80.00"
    again = call("comptable", "post", url, {"reason": "Deux fois"})
    assert again.status_code == 409 and "déjà annulé" in again.json()["detail"]
    # Without its replacement, the gifts wait for a new receipt.
    alone = call("direction", "post", f"/api/v1/recus-fiscaux/{replaced.json()['id']}/annulation",
                 {"reason": "Don remboursé", "replace": False})  # fmt: skip
    assert alone.status_code == 200 and alone.json()["status"] == "cancelled"
    assert TaxReceipt.objects.filter(status="issued").count() == 0 and paul.donations.get().receipt_id is None


def test_volunteering_through_the_pages_forms_and_services(call, association):
    from pilote.associations.models import Volunteer, VolunteerHours, VolunteerPosting
    from pilote.contacts.models import Contact

    anne = Contact.objects.create(name="Durand", first_name="Anne", kind="person")
    assert call("auditeur", "post", "/api/v1/activites-benevoles", {"name": "Accueil"}).status_code == 403
    rate = call("assistant", "post", "/api/v1/activites-benevoles", {"name": "Accueil", "hourly_rate": "0"})
    assert rate.status_code == 409 and "positif" in rate.json()["detail"]
    activity = call("assistant", "post", "/api/v1/activites-benevoles", {"name": "Accueil", "hourly_rate": "12.00"})
    assert activity.status_code == 201, activity.content
    twice = call("assistant", "post", "/api/v1/activites-benevoles", {"name": "accueil"})
    assert twice.status_code == 409 and "existe déjà" in twice.json()["detail"]
    since = {"contact": anne.pk, "since": iso(1, 1)}
    assert call("salarie", "post", "/api/v1/benevoles", since).status_code == 403
    no_date = call("assistant", "post", "/api/v1/benevoles", {"contact": anne.pk, "since": None})
    assert no_date.status_code == 422 and not Volunteer.objects.exists()
    volunteer = call("assistant", "post", "/api/v1/benevoles", since)
    assert volunteer.status_code == 201 and volunteer.json()["year_hours"] == "0.00"
    again = call("assistant", "post", "/api/v1/benevoles", since)
    assert again.status_code == 409 and "déjà bénévole" in again.json()["detail"]
    # Hours: the page's form (24 h at most) then the service (a day of volunteering holds 24 hours).
    hours = {"volunteer": volunteer.json()["id"], "activity": activity.json()["id"], "date": local_today().isoformat(),
             "hours": "2.5"}  # fmt: skip
    too_long = call("assistant", "post", "/api/v1/heures-benevoles", {**hours, "hours": "25"})
    assert too_long.status_code == 422 and not VolunteerHours.objects.exists()
    before = call("assistant", "post", "/api/v1/heures-benevoles", {**hours, "date": iso(12, 31, years=-1)})
    assert before.status_code == 409 and "n'est pas bénévole" in before.json()["detail"]
    made = call("assistant", "post", "/api/v1/heures-benevoles", hours)
    assert made.status_code == 201 and made.json()["value"] == "30.00", made.content
    over = call("assistant", "post", "/api/v1/heures-benevoles", {**hours, "hours": "22"})
    assert over.status_code == 409 and "Plus de 24 heures" in over.json()["detail"]
    listed = call("auditeur", "get", f"/api/v1/heures-benevoles?annee={year()}&comptabilise=non&tri=-valeur").json()
    assert [row["id"] for row in listed["results"]] == [made.json()["id"]]
    people = call("auditeur", "get", "/api/v1/benevoles?q=dur&tri=-heures").json()
    assert people["count"] == 1 and people["results"][0]["year_hours"] == "2.50"
    assert people["results"][0]["year_value"] == "30.00"
    # The period's posting (the receipts' roles, as the postings page), once.
    period = {"period_start": iso(1, 1), "period_end": iso(12, 31)}
    assert call("assistant", "post", "/api/v1/benevolat/comptabilisation", period).status_code == 403
    upside = call("comptable", "post", "/api/v1/benevolat/comptabilisation",
                  {"period_start": iso(12, 31), "period_end": iso(1, 1)})  # fmt: skip
    assert upside.status_code == 409 and not VolunteerPosting.objects.exists()
    posted = call("comptable", "post", "/api/v1/benevolat/comptabilisation", period)
    assert posted.status_code == 201 and posted.json()["value"] == "30.00" and posted.json()["minutes"] == 150
    twice = call("comptable", "post", "/api/v1/benevolat/comptabilisation", period)
    assert twice.status_code == 409 and "Aucune heure" in twice.json()["detail"]
    kept = call("assistant", "delete", f"/api/v1/heures-benevoles/{made.json()['id']}")
    assert kept.status_code == 409 and VolunteerHours.objects.filter(value=Decimal("30.00")).exists()


def test_a_company_gets_the_volunteering_pages_refusal(call, structure, personas):
    from pilote.associations.models import VolunteerActivity

    for method, url, body in (("get", "/api/v1/benevoles", None), ("get", "/api/v1/heures-benevoles", None),
                              ("post", "/api/v1/activites-benevoles", {"name": "Accueil"}),
                              ("post", "/api/v1/recus-fiscaux/1/annulation", {"reason": "X"})):  # fmt: skip
        refused = call("direction", method, url, body)
        assert refused.status_code == 404 and "associations" in refused.json()["detail"], url
    assert not VolunteerActivity.objects.exists()
