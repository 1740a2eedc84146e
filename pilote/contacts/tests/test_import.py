import html

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.contacts.importer import parse_contacts_csv
from pilote.contacts.models import Contact

GOOD = (
    "Type;Nom;Prénom;Rôles;SIRET;E-mail;Code postal;Ville;Étiquettes\n"
    "organisation;Boulangerie Saint-Jean;;client, fournisseur;91234567500017;b@sj.fr;69005;Lyon;Salon 2026\n"
    "particulier;Durand;Léa;prospect;;lea@exemple.fr;69100;Villeurbanne;\n"
)


def _upload(client, text: str, encoding="utf-8"):
    file = SimpleUploadedFile("contacts.csv", text.encode(encoding), content_type="text/csv")
    return client.post(reverse("contacts:import"), {"file": file})


def test_preview_then_confirm_imports_every_line(client_as):
    client = client_as("assistant")
    response = _upload(client, GOOD)
    assert "2 lignes valides" in response.content.decode()
    assert not Contact.objects.exists()  # the preview writes nothing
    token = response.context["token"]
    response = client.post(reverse("contacts:import-confirm"), {"token": token})
    assert response.status_code == 302
    bakery = Contact.objects.get(name="Boulangerie Saint-Jean")
    assert bakery.is_customer and bakery.is_supplier and bakery.siren == "912345675"
    assert [t.name for t in bakery.tags.all()] == ["Salon 2026"]
    assert Contact.objects.get(name="Durand").kind == "person"
    # Confirming twice does not import twice.
    client.post(reverse("contacts:import-confirm"), {"token": token})
    assert Contact.objects.count() == 2


def test_one_invalid_line_blocks_the_whole_import_with_line_numbers(client_as):
    bad = GOOD + "organisation;Garage Faux;;client;91234567500018;;69001;Lyon;\norganisation;;;client;;;;;\n"
    response = _upload(client_as("assistant"), bad)
    page = html.unescape(response.content.decode())
    assert "Rien n'a été importé" in page
    report = response.context["report"]
    errors = {line.number: line.errors for line in report.lines if line.errors}
    assert list(errors) == [4, 5]
    assert "clé de contrôle" in errors[4][0]
    assert any("obligatoire" in e or "champ" in e for e in errors[5])
    assert "token" not in response.context
    assert not Contact.objects.exists()


def test_windows_excel_file_with_commas_and_cp1252(client_as):
    text = "Nom,Rôles,Ville\r\nCafé des Arts,client,Saint-Étienne\r\n"
    response = _upload(client_as("commercial"), text, encoding="cp1252")
    report = response.context["report"]
    assert report.is_valid
    assert report.lines[0].values["city"] == "Saint-Étienne"


def test_unknown_columns_and_unknown_roles_are_reported(db):
    report = parse_contacts_csv(b"Nom;Couleur\nA;bleu\n")
    assert report.errors == ["Colonnes inconnues : « Couleur »."]
    report = parse_contacts_csv("Nom;Rôles\nA;client\nB;grossiste\n".encode())
    assert report.lines[1].errors[0].startswith("Rôle « grossiste » inconnu")


def test_duplicate_siret_inside_the_file_and_against_the_database(client_as):
    client = client_as("commercial")
    Contact.objects.create(name="Existant", siret="91234567500017", siren="912345675", is_customer=True)
    text = "Nom;Rôles;SIRET\nA;client;91234567500017\n"
    report = _upload(client, text).context["report"]
    assert any("existe déjà" in e for e in report.lines[0].errors)
    text = "Nom;Rôles;SIRET\nA;client;73282932000074\nB;client;73282932000074\n"
    report = parse_contacts_csv(text.encode())
    assert report.lines[1].errors == ["SIRET en double avec la ligne 2."]


def test_binary_or_empty_files_get_a_clear_message(client_as):
    client = client_as("commercial")
    assert parse_contacts_csv(b"").errors == ["Le fichier est vide."]
    assert parse_contacts_csv("Nom;Rôles\n".encode()).errors == ["Le fichier ne contient aucune ligne de contact."]
    response = _upload(client, "Nom;Rôles\n\x00\x01;client\n")
    assert response.status_code == 200
    assert not Contact.objects.exists()


def test_template_download(client_as):
    response = client_as("commercial").get(reverse("contacts:import-template"))
    assert response.content.decode("utf-8-sig").startswith("Type;Nom;Prénom;Rôles")
    report = parse_contacts_csv(response.content)
    assert report.is_valid, [line.errors for line in report.lines]


def test_a_line_without_role_is_refused(db):
    report = parse_contacts_csv("Nom;Rôles\nSans rôle;\n".encode())
    assert any("au moins un rôle" in e for e in report.lines[0].errors)


def test_two_previews_in_two_tabs_are_both_confirmable(client_as):
    """A second upload (another tab) does not replace the first preview waiting for confirmation."""
    client = client_as("assistant")
    first = _upload(client, GOOD).context["token"]
    second = _upload(client, "Nom;Rôles\nCafé des Arts;client\n").context["token"]
    client.post(reverse("contacts:import-confirm"), {"token": first})
    client.post(reverse("contacts:import-confirm"), {"token": second})
    assert set(Contact.objects.values_list("name", flat=True)) == {"Boulangerie Saint-Jean", "Durand", "Café des Arts"}
