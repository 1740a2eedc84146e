import datetime as dt
import html

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from pilote.core.models import Structure, User

STEP = "setup_wizard-current_step"


def _post(client, step, data):
    payload = {STEP: step, **{f"{step}-{k}": v for k, v in data.items()}}
    return client.post(reverse("core:setup"), payload)


IDENTITY = {
    "type": "association",
    "legal_name": "Les Amis du Quartier",
    "legal_form": "ASSO",
    "siren": "912345675",
    "rna_number": "W691234567",
}
CONTACT = {
    "address_line1": "3 place Bellecour",
    "postal_code": "69002",
    "city": "Lyon",
    "iban": "FR7630004000010001234567830",
}
FISCAL = {"fiscal_year_start": "2026-07-01", "fiscal_year_end": "2027-06-30", "vat_regime": "franchise"}
ACCOUNT = {
    "first_name": "Anne",
    "last_name": "Leroy",
    "username": "anne",
    "password1": "Quartier-2026!",
    "password2": "Quartier-2026!",
}


def test_empty_install_leads_to_the_wizard(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("core:setup")


def test_wizard_creates_structure_and_first_direction_user(client, db):
    response = _post(client, "structure", {**IDENTITY, "siren": "912345676"})
    assert "clé de contrôle est fausse" in html.unescape(response.content.decode())
    _post(client, "structure", IDENTITY)
    _post(client, "coordonnees", CONTACT)
    response = _post(client, "exercice", {**FISCAL, "fiscal_year_end": "2028-07-31"})
    assert "ne peut pas dépasser 24 mois" in html.unescape(response.content.decode())
    _post(client, "exercice", FISCAL)
    response = _post(client, "compte", {**ACCOUNT, "password2": "autre"})
    assert "ne correspondent pas" in response.content.decode()
    response = _post(client, "compte", ACCOUNT)
    assert response.status_code == 302
    structure = Structure.objects.get()
    assert structure.type == "association" and structure.rna_number == "W691234567"
    assert structure.vat_number == ""  # franchise en base: no VAT number derived
    assert structure.bic.startswith("BNPAFRPP")  # derived from the IBAN
    assert structure.fiscal_year_start == dt.date(2026, 7, 1)
    user = User.objects.get(username="anne")
    assert user.role == "direction"
    # The books are ready: association chart (ANC 2018-06 accounts) and the first fiscal year.
    from pilote.ledger.models import Account, FiscalYear, Journal

    assert Account.objects.filter(code="756").exists() and Account.objects.filter(code="411").exists()
    assert list(FiscalYear.objects.values_list("start_date", "end_date")) == [
        (dt.date(2026, 7, 1), dt.date(2027, 6, 30))
    ]
    assert set(Journal.objects.values_list("code", flat=True)) >= {"VT", "AC", "BQ", "OD", "AN"}
    assert client.get("/").status_code == 200  # signed in
    assert client.get(reverse("core:setup")).status_code == 302  # the wizard closes once done


def test_weak_password_is_refused(client, db):
    for step, data in (("structure", IDENTITY), ("coordonnees", CONTACT), ("exercice", FISCAL)):
        _post(client, step, data)
    response = _post(client, "compte", {**ACCOUNT, "password1": "12345678", "password2": "12345678"})
    assert "trop court" in response.content.decode() or "trop courant" in response.content.decode()
    assert not Structure.objects.exists()


def test_create_structure_command(db, capsys):
    call_command(
        "create_structure",
        "--name",
        "Atelier Dupont",
        "--siren",
        "912345675",
        "--type",
        "company",
        "--fiscal-year-start",
        "04-01",
    )
    structure = Structure.objects.get()
    assert structure.vat_number == "FR65912345675"
    assert structure.fiscal_year_start.month == 4 and structure.fiscal_year_start.day == 1
    assert (structure.fiscal_year_end - structure.fiscal_year_start).days in (364, 365)
    assert "créée" in capsys.readouterr().out
    with pytest.raises(CommandError, match="déjà configurée"):
        call_command("create_structure", "--name", "X", "--siren", "912345675", "--type", "company")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--siren", "123"], "9 chiffres"), (["--siren", "912345675", "--fiscal-year-start", "02-30"], "MM-JJ")],
)
def test_create_structure_command_refuses_bad_input(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_structure", "--name", "X", "--type", "social", *args)
    assert not Structure.objects.exists()


def test_settings_edit_by_direction(client_as):
    client = client_as("direction")
    structure = Structure.objects.get()
    data = {f: getattr(structure, f) or "" for f in ("type", "legal_name", "siren", "vat_regime")}
    data.update(
        fiscal_year_start="2026-01-01", fiscal_year_end="2026-12-31", country="FR", siret="91234567500025", city="Lyon"
    )
    response = client.post(reverse("core:settings-edit"), data)
    assert response.status_code == 302, response.content.decode()
    structure.refresh_from_db()
    assert structure.siret == "91234567500025" and structure.city == "Lyon"
    response = client.post(reverse("core:settings-edit"), {**data, "siret": "73282932000074"})
    assert "9 chiffres du SIREN" in response.content.decode()


def test_stray_requests_during_setup_keep_the_wizard_answers(client, db):
    """The browser's own requests between two steps (favicon, files, API, htmx, a reload of the wizard)
    must not reset what was typed: the last step then creates the structure."""
    _post(client, "structure", IDENTITY)
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon["Content-Type"] == "image/x-icon"
    assert favicon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    _post(client, "coordonnees", CONTACT)
    assert client.get("/robots.txt").content.decode().startswith("User-agent: *")
    for path, headers in (
        ("/apple-touch-icon.png", {}),
        ("/media/structure/logo.png", {}),
        ("/contacts/export.csv", {}),
        ("/recherche/?q=ab", {"HX-Request": "true"}),
        ("/contacts/", {"Sec-Fetch-Dest": "image"}),
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 503, path  # not installed yet, and not sent to the wizard
    assert client.get("/api/v1/contacts/").json()["detail"].startswith("Pilote n'est pas encore installé")
    assert client.get("/recherche/", headers={"HX-Request": "true"})["HX-Redirect"] == reverse("core:setup")
    # A plain GET of the wizard (reload, second tab, redirect from a page) shows the step in progress.
    response = client.get("/contacts/")
    assert response.status_code == 302 and response["Location"] == reverse("core:setup")
    page = client.get(reverse("core:setup")).content.decode()
    assert "Étape 3 : Exercice et TVA" in page
    _post(client, "exercice", FISCAL)
    response = _post(client, "compte", ACCOUNT)
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert Structure.objects.get().legal_name == "Les Amis du Quartier"


def test_wizard_shows_earlier_answers_and_restarts_only_on_request(client, db):
    _post(client, "structure", IDENTITY)
    page = client.get(reverse("core:setup")).content.decode()
    assert "Étape 2 : Coordonnées et banque" in page and "?recommencer=1" in page
    # Going back shows step 1 with what was typed.
    response = client.post(reverse("core:setup"), {STEP: "coordonnees", "wizard_goto_step": "structure"})
    assert 'value="Les Amis du Quartier"' in response.content.decode()
    assert 'value="Les Amis du Quartier"' in client.get(reverse("core:setup")).content.decode()
    # « Recommencer » empties the wizard.
    response = client.get(reverse("core:setup") + "?recommencer=1")
    assert response.status_code == 302 and response["Location"] == reverse("core:setup")
    page = client.get(reverse("core:setup")).content.decode()
    assert "Étape 1 : Votre structure" in page and "Les Amis du Quartier" not in page


def test_favicon_and_robots_once_installed(client, structure):
    assert client.get("/favicon.ico").status_code == 200
    assert client.get("/robots.txt").content == b"User-agent: *\nDisallow: /\n"
    assert 'rel="icon" href="/static/pilote/favicon.svg"' in client.get(reverse("login")).content.decode()


def test_wizard_iban_opens_the_bank_account_and_association_defaults_to_no_vat(client, db):
    from pilote.ledger.models_bank import BankAccount

    _post(client, "structure", IDENTITY)
    _post(client, "coordonnees", {**CONTACT, "iban": "FR76 3000 4000 0100 0123 4567 830", "bic": "BNPAFRPPLYO"})
    # An association is proposed « non assujettie à la TVA ».
    page = client.get(reverse("core:setup")).content.decode()
    assert '<option value="non_assujettie" selected>' in page
    _post(client, "exercice", {**FISCAL, "vat_regime": "non_assujettie"})
    _post(client, "compte", ACCOUNT)
    account = BankAccount.objects.select_related("journal", "account").get()
    assert (account.iban, account.bic) == ("FR7630004000010001234567830", "BNPAFRPPLYO")
    assert (account.journal.code, account.account.code) == ("BQ", "512")
    assert Structure.objects.get().vat_regime == "non_assujettie"


def test_wizard_proposes_vat_for_a_company(client, db):
    _post(client, "structure", {**IDENTITY, "type": "company", "legal_form": "SARL", "rna_number": ""})
    _post(client, "coordonnees", CONTACT)
    assert '<option value="debits" selected>' in client.get(reverse("core:setup")).content.decode()


def test_a_company_is_never_offered_non_assujettie(client, db):
    """A company is liable to VAT by nature (CGI 256 A): the wizard does not offer « non assujettie », and the
    rule refuses it whatever the way in (a forged POST, the settings, the command line)."""
    _post(client, "structure", {**IDENTITY, "type": "company", "legal_form": "SARL", "rna_number": ""})
    _post(client, "coordonnees", CONTACT)
    page = client.get(reverse("core:setup")).content.decode()
    assert 'value="franchise"' in page and 'value="non_assujettie"' not in page
    refused = _post(client, "exercice", {**FISCAL, "vat_regime": "non_assujettie"}).content.decode()
    assert "Sélectionnez un choix valide" in html.unescape(refused)
    assert not Structure.objects.exists()
    from django.core.exceptions import ValidationError

    from pilote.core import services

    with pytest.raises(ValidationError, match="Une entreprise est assujettie"):
        services.create_structure(
            actor=None,
            type="company",
            legal_name="Menuiserie Gaillard SARL",
            legal_form="SARL",
            siren="912345675",
            fiscal_year_start=dt.date(2026, 1, 1),
            fiscal_year_end=dt.date(2026, 12, 31),
            vat_regime="non_assujettie",
        )
    assert not Structure.objects.exists()


def test_iban_typed_later_in_the_settings_opens_its_bank_account(personas):
    from pilote.core import services
    from pilote.ledger import services as ledger
    from pilote.ledger.models_bank import BankAccount

    structure = Structure.objects.get()
    ledger.initialise_books(structure=structure, actor=None)
    assert not BankAccount.objects.exists()  # no IBAN yet
    structure = services.update_structure(
        actor=personas["direction"], structure=structure, iban="FR76 3000 4000 0100 0123 4567 830"
    )
    account = BankAccount.objects.select_related("journal").get()
    assert (account.iban, account.name, account.journal.code) == (
        "FR7630004000010001234567830",
        "Compte principal",
        "BQ",
    )
    # Another IBAN later: a second account, on its own journal.
    services.update_structure(actor=personas["direction"], structure=structure, iban="FR7630001007941234567890185")
    assert sorted(BankAccount.objects.values_list("journal__code", flat=True)) == ["BQ", "BQ2"]
    services.update_structure(actor=personas["direction"], structure=structure, city="Lyon")  # no IBAN change
    assert BankAccount.objects.count() == 2
