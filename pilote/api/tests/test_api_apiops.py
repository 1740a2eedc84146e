"""Operations helper apiops added — each through the page's form and service, with the pages' refusals (422 in
French, 409 for a rule, nothing written) and the roles of the matrix (403): associations (settings, contributions in
kind, a grant's deadlines, budget, agreement, financial report and dedicated funds, the year's receipts)."""

import base64
from decimal import Decimal

import pytest

from pilote.api.tests.days import iso, year
from pilote.api.tests.test_api_associations_more import association  # noqa: F401  (the fixture)
from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db
associations = pytest.mark.usefixtures("association")  # the structure made an association, its books and bank


@pytest.fixture
def funder(db):
    from pilote.contacts.models import Contact

    return Contact.objects.create(name="Ville de Lyon", kind="organisation", email="subventions@lyon.fr")


@associations
def test_the_association_settings_read_and_changed_with_their_version(call):
    url = "/api/v1/parametres-association"
    read = call("auditeur", "get", url)
    assert read.status_code == 200 and read.json()["volunteer_rate"] == "12.02"
    version = read.json()["version"]
    assert call("assistant", "patch", url, {"signatory_name": "Claire"}).status_code == 403
    zero = call("direction", "patch", url, {"volunteer_rate": "0"})
    assert zero.status_code == 409 and "positive" in zero.json()["detail"]
    changed = call("direction", "patch", url, {"signatory_name": "Claire Petit", "version": version})
    assert changed.status_code == 200, changed.content
    assert changed.json()["signatory_name"] == "Claire Petit" and changed.json()["signatory_title"] == "Trésorier"
    stale = call("direction", "patch", url, {"signatory_name": "Autre", "version": version})
    assert stale.status_code == 409 and "modifié" in stale.json()["detail"]
    assert call("auditeur", "get", url).json()["signatory_name"] == "Claire Petit"


def test_a_company_gets_the_pages_refusal(call, structure):
    response = call("direction", "get", "/api/v1/contributions-en-nature")
    assert response.status_code == 404


@associations
def test_contributions_in_kind_recorded_posted_and_listed(call, funder):
    from pilote.associations.models import InKindContribution

    url = "/api/v1/contributions-en-nature"
    body = {"date": local_today().isoformat(), "kind": "mise_a_disposition", "contributor": funder.pk,
            "description": "Salle prêtée", "amount": "450.00"}  # fmt: skip
    assert call("auditeur", "post", url, body).status_code == 403
    blank = call("direction", "post", url, {**body, "description": "  "})
    assert blank.status_code in (409, 422) and InKindContribution.objects.count() == 0
    zero = call("direction", "post", url, {**body, "amount": "0"})
    assert zero.status_code == 409 and "positif" in zero.json()["detail"]
    made = call("assistant", "post", url, body)
    assert made.status_code == 201, made.content
    contribution = InKindContribution.objects.get()
    assert {line.account.code: line.debit or -line.credit for line in contribution.entry.lines.all()} == {
        "861": Decimal("450.00"), "871": Decimal("-450.00")}  # fmt: skip
    listed = call("auditeur", "get", f"{url}?q=salle&annee={year()}").json()
    assert [row["id"] for row in listed["results"]] == [made.json()["id"]]
    assert call("auditeur", "get", f"{url}?q=ordinateur").json()["count"] == 0
    assert call("auditeur", "get", f"{url}/{made.json()['id']}").json()["amount"] == "450.00"


@associations
def test_a_grants_deadlines_budget_agreement_and_report(call, funder, mailoutbox):
    from pilote.associations.models import GrantBudgetLine

    grant = call("direction", "post", "/api/v1/subventions", {
        "funder": funder.pk, "code": "LYON-1", "title": "Ateliers", "amount_requested": "5000.00",
        "period_start": iso(1, 1), "period_end": iso(12, 31)}).json()  # fmt: skip
    base = f"/api/v1/subventions/{grant['id']}"
    deadline = call("assistant", "post", f"{base}/echeances", {"label": "Rapport", "due_on": iso(9, 30)})
    assert deadline.status_code == 201, deadline.content
    assert call("auditeur", "post", f"{base}/echeances", {"label": "X", "due_on": iso(9, 30)}).status_code == 403
    done = f"/api/v1/subventions/echeances/{deadline.json()['id']}/fait"
    assert call("direction", "post", done).json()["done_on"] == local_today().isoformat()
    assert call("direction", "post", done).status_code == 409
    bad = call("direction", "put", f"{base}/budget", {"nature": "41", "label": "Tiers", "amount": "10"})
    assert bad.status_code == 409 and "deux chiffres" in bad.json()["detail"]
    line = call("direction", "put", f"{base}/budget", {"nature": "60", "label": "Achats", "amount": "1000.00"})
    assert line.status_code == 200, line.content
    again = call("direction", "put", f"{base}/budget", {"nature": "60", "label": "Achats", "amount": "1200.00"})
    assert again.json()["id"] == line.json()["id"] and GrantBudgetLine.objects.get().amount == Decimal("1200.00")
    detail = call("auditeur", "get", base).json()
    assert [d["label"] for d in detail["deadlines"]] == ["Rapport"] and detail["budget"][0]["nature"] == "60"
    report = call("auditeur", "get", f"{base}/compte-rendu").json()
    assert report["charges"][0]["budget"] == "1200.00" and report["charges_budget"] == "1200.00"
    texts = call("direction", "patch", f"{base}/compte-rendu", {"report_summary": "Douze ateliers."})
    assert texts.status_code == 200 and texts.json()["report_summary"] == "Douze ateliers."
    assert call("direction", "delete", f"/api/v1/subventions/budget/{line.json()['id']}").status_code == 204
    assert not GrantBudgetLine.objects.exists()
    # the signed agreement: a PDF, not an executable
    not_pdf = call(
        "direction",
        "put",
        f"{base}/convention",
        {"file_name": "c.pdf", "content_base64": base64.b64encode(b"MZ\x90").decode()},
    )
    assert not_pdf.status_code in (409, 422) and call("auditeur", "get", f"{base}/convention").status_code == 404
    pdf = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
    attached = call("direction", "put", f"{base}/convention", {"file_name": "convention.pdf", "content_base64": pdf})
    assert attached.status_code == 200 and attached.json()["agreement_name"] == "convention.pdf"
    download = call("auditeur", "get", f"{base}/convention")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    sent = call("direction", "post", f"{base}/compte-rendu/envoi")
    assert sent.status_code == 204 and mailoutbox[-1].to == ["subventions@lyon.fr"]
    assert mailoutbox[-1].attachments[0][0] == "compte-rendu-financier-LYON-1.pdf"


@associations
def test_dedicated_funds_carried_then_used(call, funder):
    from pilote.associations.models import DedicatedFundMove

    grant = call("direction", "post", "/api/v1/subventions", {
        "funder": funder.pk, "code": "LYON-2", "title": "Jardins", "amount_requested": "3000.00",
        "period_start": iso(1, 1), "period_end": iso(12, 31)}).json()  # fmt: skip
    base = f"/api/v1/subventions/{grant['id']}/fonds-dedies"
    requested = call("comptable", "post", f"{base}/report", {"date": iso(12, 31)})
    assert requested.status_code == 409 and "accordée" in requested.json()["detail"]
    call("direction", "post", f"/api/v1/subventions/{grant['id']}/attribution",
         {"amount": "3000.00", "granted_on": iso(1, 1)})  # fmt: skip
    assert call("assistant", "post", f"{base}/report", {"date": iso(12, 31)}).status_code == 403
    carried = call("comptable", "post", f"{base}/report", {"date": iso(1, 1)})
    assert carried.status_code == 201 and carried.json()["amount"] == "3000.00", carried.content
    twice = call("comptable", "post", f"{base}/report", {"date": iso(1, 1)})
    assert twice.status_code == 409 and "déjà reportée" in twice.json()["detail"]
    nothing = call("comptable", "post", f"{base}/utilisation", {"date": local_today().isoformat()})
    assert nothing.status_code == 409 and DedicatedFundMove.objects.count() == 1
    assert call("auditeur", "get", f"/api/v1/subventions/{grant['id']}").json()["fund_balance"] == "3000.00"


@associations
def test_the_years_receipts_issued_in_a_batch_and_one_emailed(call, mailoutbox):
    from pilote.associations.models import TaxReceipt
    from pilote.contacts.models import Contact
    from pilote.ledger.models_bank import BankAccount

    for name, email in (("Martin", "paul@example.fr"), ("Durand", "")):
        donor = Contact.objects.create(name=name, first_name="P", kind="person", email=email)
        gift = call("assistant", "post", "/api/v1/dons", {"donor": donor.pk, "date": local_today().isoformat(),
                                                          "amount": "80", "method": "cheque",
                                                          "bank_account": BankAccount.objects.get().pk})  # fmt: skip
        assert gift.status_code == 201, gift.content
    url = "/api/v1/recus-fiscaux-annuels"
    assert call("assistant", "post", url, {"year": year()}).status_code == 403
    issued = call("comptable", "post", url, {"year": year()})
    assert issued.status_code == 201, issued.content
    assert len(issued.json()) == 2 and TaxReceipt.objects.count() == 2
    assert call("comptable", "post", url, {"year": year()}).json() == []
    with_email = TaxReceipt.objects.get(donor__name="Martin").pk
    without = TaxReceipt.objects.get(donor__name="Durand").pk
    sent = call("comptable", "post", f"/api/v1/recus-fiscaux/{with_email}/envoi")
    assert sent.status_code == 204 and mailoutbox[-1].to == ["paul@example.fr"]
    refused = call("comptable", "post", f"/api/v1/recus-fiscaux/{without}/envoi")
    assert refused.status_code == 409 and "adresse e-mail" in refused.json()["detail"]
