"""Optimistic concurrency on bank accounts, bank rules and analytic sections: the version read travels with the
page's form and the API's PATCH; a stale one is refused in French (409 over the API), nothing written."""

from django.urls import reverse

from pilote.core.tests.versioning import bearer, refused_on_the_page, refused_over_the_api
from pilote.ledger import analytics, bank
from pilote.ledger.models import AnalyticSection, BankAccount, BankRule

IBAN = "FR7630004000010001234567830"


def test_bank_account_stale_version_refused(client_as, books):
    account = bank.create_bank_account(actor=books["actor"], name="Courant", iban=IBAN)
    url = reverse("ledger:bank-edit", args=[account.pk])
    data = {"name": "Compte principal", "iban": IBAN, "bic": "", "is_active": "on"}

    def meanwhile():
        bank.update_bank_account(actor=books["actor"], bank_account=account, name="Courant Lyon", iban=IBAN)
        assert BankAccount.objects.get(pk=account.pk).version == 2

    refused_on_the_page(client_as("comptable"), url, data, meanwhile, kept="Compte principal")
    account.refresh_from_db()
    assert (account.name, account.version) == ("Compte principal", 3)


def test_bank_account_stale_version_is_409_over_the_api(client, personas, books):
    account = bank.create_bank_account(actor=books["actor"], name="Courant", iban=IBAN)
    path, auth = f"/api/v1/comptes-bancaires/{account.pk}", bearer(personas["comptable"])
    refused_over_the_api(client, auth, path, {"name": "Lyon"}, {"name": "Bron"})
    assert BankAccount.objects.get(pk=account.pk).name == "Lyon"
    # Without a version: saved as before.
    assert client.patch(path, {"name": "Bron"}, content_type="application/json", **auth).json()["version"] == 3


def _rule(books):
    return bank.create_rule(actor=books["actor"], bank_account=None, label_contains="Frais", account=books["a"]["606"])


def test_bank_rule_stale_version_refused(client_as, books):
    rule = _rule(books)
    url = reverse("ledger:bank-rule-edit", args=[rule.pk])
    data = {"bank_account": "", "label_contains": "Commission", "account": books["a"]["607"].pk}

    def meanwhile():
        bank.update_rule(actor=books["actor"], rule=rule, bank_account=None, label_contains="AGIOS",
                         account=books["a"]["606"])  # fmt: skip
        assert BankRule.objects.get(pk=rule.pk).version == 2

    refused_on_the_page(client_as("comptable"), url, data, meanwhile, kept="Commission")
    rule.refresh_from_db()
    assert (rule.label_contains, rule.account.code, rule.version) == ("Commission", "607", 3)


def test_bank_rule_stale_version_is_409_over_the_api(client, personas, books):
    rule = _rule(books)
    path, auth = f"/api/v1/regles-bancaires/{rule.pk}", bearer(personas["comptable"])
    refused_over_the_api(client, auth, path, {"entry_label": "Frais"}, {"entry_label": "Agios"})
    assert BankRule.objects.get(pk=rule.pk).entry_label == "Frais"


def _section(books):
    axis = analytics.create_axis(actor=books["actor"], code="ACT", label="Activité")
    return analytics.create_section(actor=books["actor"], axis=axis, code="ATELIER", label="Atelier", kind="main")


def test_section_stale_version_refused(client_as, books):
    section = _section(books)
    url = reverse("finance:analytic-section-edit", args=[section.pk])
    data = {"code": "ATELIER", "label": "Atelier Sud", "kind": "main", "is_active": "on"}

    def meanwhile():
        analytics.update_section(actor=books["actor"], section=section, code="ATELIER", label="Nord", kind="main")
        assert AnalyticSection.objects.get(pk=section.pk).version == 2

    refused_on_the_page(client_as("comptable"), url, data, meanwhile, kept="Atelier Sud")
    section.refresh_from_db()
    assert (section.label, section.version) == ("Atelier Sud", 3)


def test_section_stale_version_is_409_over_the_api(client, personas, books):
    section = _section(books)
    path, auth = f"/api/v1/sections-analytiques/{section.pk}", bearer(personas["comptable"])
    refused_over_the_api(client, auth, path, {"label": "Nord"}, {"label": "Sud"})
    assert AnalyticSection.objects.get(pk=section.pk).label == "Nord"
