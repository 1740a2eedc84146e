"""DUERP versions: publishing freezes the whole document (content, date, who validated it) as the next version;
a version can never be changed or deleted — no service verb, and raw SQL is refused by the database triggers
(kept 40 years, Code du travail R4121-4); the next version says what changed; each version has its PDF."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.quality import triggers
from pilote.quality.models import DuerpVersion
from pilote.quality.services import duerp

pytestmark = pytest.mark.django_db


def test_publishing_freezes_the_complete_document(duerp_doc, personas):
    version = duerp.publish_duerp(actor=personas["direction"], note="Mise à jour annuelle")
    assert version.number == 1 and version.published_by_name == "Direction Test"
    units = {unit["name"]: unit for unit in version.content["units"]}
    assert set(units) == {"Bureaux", "Atelier"}
    [lifting] = units["Atelier"]["hazards"]
    assert (lifting["family_label"], lifting["frequency"], lifting["severity"], lifting["priority"]) == (
        "Manutention manuelle et postures", 3, 3, 1)  # fmt: skip
    [action] = lifting["actions"]
    assert (action["title"], action["cost"], action["status_label"]) == ("Diable électrique", "2400.50", "À faire")
    assert version.changes == ["Première version du document unique."]
    assert version.keep_until == version.published_on.replace(year=version.published_on.year + 40)
    assert len(version.digest) == 64


def test_later_changes_do_not_touch_a_published_version(duerp_doc, personas):
    version = duerp.publish_duerp(actor=personas["direction"])
    duerp.update_hazard(actor=personas["rh"], hazard=duerp_doc["lifting"], severity=4)
    duerp.set_prevention_status(actor=personas["rh"], action=duerp_doc["action"], status="done")
    duerp.add_hazard(actor=personas["rh"], unit=duerp_doc["office"], family="psychosocial",
                     description="Clients agressifs", frequency=2, severity=3)  # fmt: skip
    version.refresh_from_db()
    [lifting] = next(u for u in version.content["units"] if u["name"] == "Atelier")["hazards"]
    assert lifting["severity"] == 3 and lifting["actions"][0]["status"] == "planned"
    second = duerp.publish_duerp(actor=personas["direction"])
    assert second.number == 2
    text = "\n".join(second.changes)
    assert "Atelier — Manutention manuelle et postures réévalué : fréquence 3 → 3, gravité 3 → 4" in text
    assert "Bureaux — risque ajouté : Risques psychosociaux" in text
    assert "« Diable électrique » : à faire → faite" in text


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE quality_duerpversion SET note = 'modifié'",
        "UPDATE quality_duerpversion SET content = '{}'",
        "DELETE FROM quality_duerpversion",
    ],
)
def test_raw_sql_cannot_change_or_delete_a_version(duerp_doc, personas, sql):
    version = duerp.publish_duerp(actor=personas["direction"], note="Initiale")
    with pytest.raises(IntegrityError, match="DUERP"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    version.refresh_from_db()
    assert version.note == "Initiale" and DuerpVersion.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        DuerpVersion.objects.filter(pk=version.pk).update(headcount=99)
    with pytest.raises(IntegrityError), transaction.atomic():
        version.delete()


def test_truncate_is_refused_on_postgresql(duerp_doc, personas):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only (SQLite's DELETE runs the row triggers)")
    duerp.publish_duerp(actor=personas["direction"])
    with pytest.raises(DatabaseError, match="DUERP"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction holds deferred key checks
        cursor.execute("TRUNCATE quality_duerpversion CASCADE")
    assert DuerpVersion.objects.count() == 1


def test_the_triggers_are_installed():
    assert triggers.installed(connection) == triggers.expected(connection)


def test_publishing_needs_an_assessment_and_a_past_date(personas, duerp_doc):
    with pytest.raises(DomainError, match="date future"):
        duerp.publish_duerp(actor=personas["direction"], published_on=dt.date(2999, 1, 1))
    first = duerp.publish_duerp(actor=personas["direction"], published_on=dt.date(2026, 1, 15))
    with pytest.raises(DomainError, match="ne peut pas la précéder"):
        duerp.publish_duerp(actor=personas["direction"], published_on=dt.date(2025, 12, 1))
    assert DuerpVersion.objects.get() == first


def test_an_empty_duerp_cannot_be_validated(personas):
    with pytest.raises(DomainError, match="aucune unité"):
        duerp.publish_duerp(actor=personas["direction"])
    duerp.create_work_unit(actor=personas["rh"], name="Bureaux")
    with pytest.raises(DomainError, match="Aucun risque"):
        duerp.publish_duerp(actor=personas["direction"])
    assert not DuerpVersion.objects.exists()


def test_every_employee_reads_the_versions_and_their_pdf(client_as, duerp_doc, personas):
    from pypdf import PdfReader

    version = duerp.publish_duerp(actor=personas["direction"], note="Après accident")
    client = client_as("salarie")
    page = client.get(reverse("quality:duerp")).content.decode()
    assert "Version 1" in page and "Port de copieurs" in page
    assert "Valider une nouvelle version" not in page
    response = client.get(reverse("quality:duerp-version-pdf", args=[version.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    for expected in ("Document unique d'évaluation des risques professionnels", "Atelier", "Port de copieurs",
                     "Diable électrique", "2 400,50", "R4121-4", "Après accident"):  # fmt: skip
        assert expected in text, expected
    assert client.get(reverse("quality:duerp-publish")).status_code == 403


def test_the_publish_page_shows_the_changes_and_needs_the_confirmation(client_as, duerp_doc):
    client = client_as("direction")
    page = client.get(reverse("quality:duerp-publish")).content.decode()
    assert "Première version du document unique." in page
    response = client.post(reverse("quality:duerp-publish"), {"note": "Annuelle"})
    assert response.status_code == 200 and not DuerpVersion.objects.exists()
    response = client.post(reverse("quality:duerp-publish"), {"note": "Annuelle", "confirm": "on"})
    version = DuerpVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("quality:duerp-version", args=[version.pk])
    assert "Annuelle" in client.get(response["Location"]).content.decode()


def test_cost_must_be_a_positive_amount(duerp_doc, personas):
    with pytest.raises(DomainError, match="montant positif"):
        duerp.add_prevention_action(actor=personas["rh"], hazard=duerp_doc["screens"], title="Écrans",
                                    owner=personas["rh"], due_on=dt.date(2026, 5, 1), cost=Decimal("-1"))  # fmt: skip


def test_export_duerp_command_writes_the_latest_version(duerp_doc, personas, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Aucune version"):
        call_command("export_duerp", "--latest", "--output", str(tmp_path / "x.pdf"))
    duerp.publish_duerp(actor=personas["direction"])
    call_command("export_duerp", "--latest", "--output", str(tmp_path / "duerp.pdf"))
    assert (tmp_path / "duerp.pdf").read_bytes().startswith(b"%PDF")
