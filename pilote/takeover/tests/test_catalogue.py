"""The framework through its first dataset, the catalogue: templates, preview, errors by line, duplicates,
encodings, all or nothing, limits and permissions."""

from __future__ import annotations

import html
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pilote.catalog.models import Product
from pilote.core.models import JobStatus
from pilote.takeover.tests.helpers import confirm, csv_file, upload, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = ["Référence", "Désignation", "Nature", "Unité", "Prix unitaire HT", "Taux de TVA", "Compte de vente"]


def test_the_templates_hold_the_columns_and_the_xlsx_explains_them(client_as):
    client = client_as("direction")
    text = client.get(reverse("takeover:catalogue-template", args=["csv"])).content.decode("utf-8")
    assert text.startswith("\ufeffRéférence;Désignation;Nature;Unité;Prix unitaire HT;Taux de TVA")
    book = load_workbook(io.BytesIO(client.get(reverse("takeover:catalogue-template", args=["xlsx"])).content))
    assert book.sheetnames == ["Données", "Explications"]
    assert book["Données"]["A1"].value == "Référence"
    explained = {row[0]: row[2] for row in book["Explications"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert "Code unique" in explained["Référence"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_downloaded_template_imports_its_example(client_as, fmt):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as("direction")
    body = client.get(reverse("takeover:catalogue-template", args=[fmt])).content
    job, _ = upload(client, "catalogue", SimpleUploadedFile(f"modele.{fmt}", body))
    assert job.payload["valid"], job.payload
    assert confirm(client, "catalogue", job).status == JobStatus.DONE
    product = Product.objects.get(reference="CONS-J")
    assert (product.unit_price, product.vat_rate, product.sales_account, product.unit) == (
        Decimal("650.0000"), "20.00", "706", "j")  # fmt: skip


def test_a_csv_is_previewed_then_written_with_links(client_as):
    client = client_as("assistant")
    rows = [HEADER, ["A-1", "Vis inox", "bien", "u", "0,35", "20", ""],
            ["S-1", "Heure de maintenance", "prestation", "h", "1 290,50", "10", "7061"]]  # fmt: skip
    job, response = upload(client, "catalogue", csv_file(rows))
    assert response.status_code == 302
    page = html.unescape(client.get(reverse("takeover:catalogue-job", args=[job.pk])).content.decode())
    assert "Le fichier est correct : rien n'a encore été écrit." in page
    assert "1\u202f290,50\u202f€" in page and "Importer 2 lignes" in page
    assert not Product.objects.exists()
    job = confirm(client, "catalogue", job)
    assert job.status == JobStatus.DONE, job.message
    assert job.message == "2 article(s) ajouté(s) au catalogue."
    assert (job.done, job.total) == (2, 2)
    page = client.get(reverse("takeover:catalogue-job", args=[job.pk])).content.decode()
    assert reverse("catalog:list") in page
    service = Product.objects.get(reference="S-1")
    assert (service.unit_price, service.vat_rate, service.kind, service.sales_account) == (
        Decimal("1290.5000"), "10.00", "service", "7061")  # fmt: skip


def test_an_xlsx_with_numbers_typed_as_numbers(client_as):
    client = client_as("direction")
    rows = [HEADER, ["X-1", "Forfait installation", "prestation", "forfait", 480, 0.2, 706],
            ["X-2", "Câble", None, None, 2.75, 20, None]]  # fmt: skip
    job, _ = upload(client, "catalogue", xlsx_file(rows))
    assert job.payload["valid"], job.payload["errors"]
    assert confirm(client, "catalogue", job).status == JobStatus.DONE
    assert Product.objects.get(reference="X-1").vat_rate == "20.00"
    assert Product.objects.get(reference="X-2").unit_price == Decimal("2.75")


def test_errors_are_named_by_line_and_column_and_nothing_is_written(client_as):
    client = client_as("direction")
    rows = [HEADER,
            ["OK-1", "Bon article", "bien", "u", "10", "20", ""],
            ["", "Sans référence", "bien", "u", "10", "20", ""],
            ["E-2", "Prix faux", "bien", "u", "dix euros", "20", ""],
            ["E-3", "Taux faux", "bien", "u", "10", "19,6", ""],
            ["E-4", "Compte faux", "bien", "u", "10", "20", "601"],
            ["E-5", "Exonéré sans mention", "prestation", "h", "10", "0", ""],
            ["E-6", "Nature fausse", "service public", "u", "10", "20", ""]]  # fmt: skip
    job, _ = upload(client, "catalogue", csv_file(rows))
    assert job.status == JobStatus.FAILED and not job.payload["valid"]
    errors = job.payload["errors"]
    assert "Ligne 3, colonne « Référence » : obligatoire." in errors
    assert "Ligne 4, colonne « Prix unitaire HT » : « dix euros » n'est pas un nombre (ex. 1 234,56)." in errors
    assert any(e.startswith("Ligne 5, colonne « Taux de TVA » : « 19,6 » inconnu") for e in errors)
    assert (
        "Ligne 6, colonne « Compte de vente » : Un compte de vente est un compte de classe 7 (ex. 706, 7061)." in errors
    )
    assert (
        "Ligne 7, colonne « Mention d'exonération » : "
        "Un article exonéré de TVA doit porter sa mention légale d'exonération."
    ) in errors
    assert any(e.startswith("Ligne 8, colonne « Nature »") for e in errors)
    assert job.payload["error_count"] == 6
    page = html.unescape(client.get(reverse("takeover:catalogue-job", args=[job.pk])).content.decode())
    assert "6 erreurs : corrigez le fichier" in page and "Importer" not in page
    assert client.post(reverse("takeover:catalogue-start", args=[job.pk])).status_code == 302
    assert not Product.objects.exists()


def test_duplicates_within_the_file_and_against_the_catalogue(client_as):
    Product.objects.create(reference="OLD", name="Déjà là", unit_price=Decimal("5"))
    client = client_as("direction")
    rows = [HEADER, ["N-1", "Un", "", "", "1", "", ""], ["OLD", "Deux", "", "", "1", "", ""],
            ["N-1", "Trois", "", "", "1", "", ""]]  # fmt: skip
    job, _ = upload(client, "catalogue", csv_file(rows))
    assert job.payload["errors"] == [
        "Ligne 3, colonne « Référence » : l'article « OLD » existe déjà dans le catalogue.",
        "Ligne 4 : la référence « N-1 » est déjà celle de la ligne 2.",
    ]
    assert Product.objects.count() == 1


def test_a_windows_1252_csv_with_commas(client_as):
    client = client_as("direction")
    rows = [["Référence", "Désignation", "Prix unitaire HT"], ["É-1", "Crème brûlée", "4.5"]]
    job, _ = upload(client, "catalogue", csv_file(rows, encoding="cp1252", delimiter=","))
    assert job.payload["valid"], job.payload
    confirm(client, "catalogue", job)
    assert Product.objects.get(reference="É-1").name == "Crème brûlée"


def test_an_article_created_between_preview_and_confirmation_refuses_the_whole_file(client_as):
    client = client_as("direction")
    rows = [HEADER, ["R-1", "Un", "", "", "1", "", ""], ["R-2", "Deux", "", "", "1", "", ""]]
    job, _ = upload(client, "catalogue", csv_file(rows))
    Product.objects.create(reference="R-2", name="Créé entre-temps", unit_price=Decimal("5"))
    job = confirm(client, "catalogue", job)
    assert job.status == JobStatus.FAILED
    assert "Ligne 3, colonne « Référence » : l'article « R-2 » existe déjà" in job.message
    assert job.message.endswith("Rien n'a été importé.")
    assert list(Product.objects.values_list("reference", flat=True)) == ["R-2"]


def test_a_refusal_while_writing_rolls_every_row_back(client_as, monkeypatch):
    """The third article is refused by the catalogue's service (a rule the preview could not see): the two
    written before it are rolled back with it."""
    from django.core.exceptions import ValidationError

    from pilote.catalog import services

    real = services.create_product

    def refuse_third(*, actor, **fields):
        if fields["reference"] == "W-3":
            raise ValidationError("Référence réservée.")
        return real(actor=actor, **fields)

    monkeypatch.setattr(services, "create_product", refuse_third)
    client = client_as("direction")
    rows = [HEADER, *[[f"W-{i}", f"Article {i}", "", "", "1", "", ""] for i in range(1, 5)]]
    job, _ = upload(client, "catalogue", csv_file(rows))
    job = confirm(client, "catalogue", job)
    assert job.status == JobStatus.FAILED
    assert job.message == "Ligne 4 : Référence réservée. Rien n'a été importé."
    assert not Product.objects.exists()


def test_too_many_rows_and_too_large_a_file_are_refused_in_french(client_as, settings):
    client = client_as("direction")
    settings.PILOTE_TAKEOVER_MAX_ROWS = 3
    rows = [HEADER, *[[f"M-{i}", "x", "", "", "1", "", ""] for i in range(5)]]
    job, _ = upload(client, "catalogue", csv_file(rows))
    assert job.payload["file_error"] == "Le fichier compte plus de 3 lignes : découpez-le en plusieurs fichiers."
    settings.PILOTE_UPLOAD_MAX_BYTES = {"takeover": 50}
    job, response = upload(client, "catalogue", csv_file(rows))
    assert job is None
    assert "Le fichier dépasse la taille maximale de 50 octets pour un fichier de reprise de données." in (
        html.unescape(response.content.decode())
    )
    assert not Product.objects.exists()


def test_unknown_and_missing_columns(client_as):
    client = client_as("direction")
    job, _ = upload(client, "catalogue", csv_file([["Référence", "Couleur"], ["A", "rouge"]]))
    assert job.payload["file_error"] == (
        "Colonnes inconnues : « Couleur » (téléchargez le modèle). "
        "Colonnes obligatoires absentes : « Désignation », « Prix unitaire HT »."
    )


@pytest.mark.parametrize("role", ["comptable", "rh", "salarie", "auditeur"])
def test_roles_without_the_catalogue_right_get_403(client_as, role):
    client = client_as(role)
    assert client.get(reverse("takeover:catalogue")).status_code == 403
    assert client.get(reverse("takeover:catalogue-template", args=["csv"])).status_code == 403
