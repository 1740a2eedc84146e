"""Identifiers typed the way Pilote prints them (« 912 345 675 »), or with dots, dashes and the non-breaking
spaces of a PDF, are accepted and stored compact: the shared normaliser, the shared form field, the wizard
and the settings page. (Contacts, the API, the CSV import and bank accounts: their own test modules.)"""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from pilote.core.forms import StructureIdentityForm, StructureSettingsForm
from pilote.core.models import Structure
from pilote.core.tests.test_setup import ACCOUNT, CONTACT, FISCAL, IDENTITY, _post
from pilote.lib import identifiers
from pilote.lib.fields import IdentifierFormField


@pytest.mark.parametrize("typed", ["912 345 675", "912.345.675", "912-345-675", "912\u00a0345\u202f675", " 912345675 "])
def test_siren_in_every_printed_form(typed):
    assert identifiers.clean_siren(typed) == "912345675"


def test_siret_vat_iban_bic_with_separators():
    assert identifiers.clean_siret("912 345 675 00017") == "91234567500017"
    assert identifiers.clean_siret("912.345.675.00017", "912 345 675") == "91234567500017"
    assert identifiers.clean_vat("FR 65 912.345.675", "912-345-675") == "FR65912345675"
    assert identifiers.clean_iban("FR76-3000-4000-0100-0123-4567-830") == "FR7630004000010001234567830"
    assert identifiers.clean_iban("fr76 3000\u00a04000 0100 0123 4567 830") == "FR7630004000010001234567830"
    assert identifiers.clean_bic("bnpa fr pp xxx") == "BNPAFRPPXXX"


def test_the_form_field_compacts_validates_and_shows_the_spaced_form():
    class IdentityForm(forms.Form):
        siren = IdentifierFormField(kind="siren", label="SIREN")
        iban = IdentifierFormField(kind="iban", label="IBAN", required=False)

    form = IdentityForm({"siren": "912 345 675", "iban": "FR76-3000-4000-0100-0123-4567-830"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"siren": "912345675", "iban": "FR7630004000010001234567830"}
    bad = IdentityForm({"siren": "912 345 676"})
    assert not bad.is_valid() and "clé de contrôle" in bad.errors["siren"][0]
    assert 'value="912 345 676"' in str(bad["siren"])  # what was typed comes back as typed
    shown = str(IdentityForm(initial={"siren": "912345675", "iban": "FR7630004000010001234567830"}))
    assert 'value="912 345 675"' in shown and 'value="FR76 3000 4000 0100 0123 4567 830"' in shown
    assert "maxlength" not in str(IdentityForm()["siren"])


@pytest.mark.parametrize("form_class", [StructureIdentityForm, StructureSettingsForm])
def test_no_structure_identifier_input_cuts_the_printed_form(form_class):
    rendered = {name: str(form_class()[name]) for name in ("siren", "siret")}
    assert all("maxlength" not in html for html in rendered.values()), rendered


def test_wizard_accepts_the_spaced_siren_and_iban(client, db):
    _post(client, "structure", {**IDENTITY, "siren": "912 345 675"})
    _post(client, "coordonnees", {**CONTACT, "iban": "FR76 3000 4000 0100 0123 4567 830"})
    _post(client, "exercice", FISCAL)
    assert _post(client, "compte", ACCOUNT).status_code == 302
    structure = Structure.objects.get()
    assert structure.siren == "912345675" and structure.iban == "FR7630004000010001234567830"


def test_settings_accept_spaced_identifiers_and_show_them_spaced(client_as):
    client = client_as("direction")
    structure = Structure.objects.get()
    data = {f: getattr(structure, f) or "" for f in ("type", "legal_name", "vat_regime")}
    data.update(siren="912 345 675", siret="912.345.675.00025", vat_number="FR 65 912 345 675",
                iban="FR76-3000-4000-0100-0123-4567-830", fiscal_year_start="2026-01-01",
                fiscal_year_end="2026-12-31", country="FR")  # fmt: skip
    response = client.post(reverse("core:settings-edit"), data)
    assert response.status_code == 302, response.content.decode()
    structure.refresh_from_db()
    assert (structure.siren, structure.siret, structure.vat_number, structure.iban) == (
        "912345675", "91234567500025", "FR65912345675", "FR7630004000010001234567830"
    )  # fmt: skip
    page = client.get(reverse("core:settings-edit")).content.decode()
    assert 'value="912 345 675 00025"' in page


def test_model_full_clean_compacts_before_the_length_check(structure):
    structure.siren = "912 345 675"
    structure.full_clean()
    assert structure.siren == "912345675"
    structure.siren = "912 345 67"
    with pytest.raises(ValidationError) as info:
        structure.full_clean()
    assert "9 chiffres" in str(info.value)
