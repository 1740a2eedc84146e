"""GDPR for an employee: the export of their whole file (health-related absences, salary and interview contents
included: it is for the person), the legal keeping periods refusing an anonymisation (R1221-26, L3243-4), the
anonymisation once they have run, and the actions kept to rh and direction."""

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.core import personal_data
from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent
from pilote.hr.personal_data import retention
from pilote.hr.services import absences, contracts, interviews
from pilote.hr.services import employees as services

d = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def file(hire, personas):
    rh = personas["rh"]
    employee = hire(entry_date=d(2015, 3, 2))
    contracts.sign_contract(actor=rh, employee=employee, kind="cdi", effective_from=d(2015, 3, 2),
                            monthly_gross=Decimal("2345.67"))  # fmt: skip
    absences.record_absence(actor=rh, employee=employee, kind="maladie", start=d(2019, 2, 4), end=d(2019, 2, 8),
                            certificate=True, comment="Grippe")  # fmt: skip
    interviews.record_interview(actor=rh, employee=employee, kind="professionnel", held_on=d(2019, 5, 6),
                                summary="Souhaite évoluer vers la paie")  # fmt: skip
    return employee


def _document(response) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("donnees.json"))


def test_the_export_holds_the_whole_file(file, client_as):
    response = client_as("rh").get(reverse("hr:employee-personal-data-archive", args=[file.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    document = _document(response)
    sections = {s["titre"]: s["lignes"] for s in document["sections"]}
    assert list(sections)[:4] == ["Dossier salarié", "Registre unique du personnel", "Contrats et avenants",
                                  "Congés et absences"]  # fmt: skip
    assert sections["Dossier salarié"][0]["N° de sécurité sociale"] == "295109912611193"
    assert sections["Contrats et avenants"][0]["Salaire mensuel brut"] == "2345.67"
    sick = sections["Congés et absences"][0]
    assert (sick["Nature"], sick["Commentaire"], sick["Du"]) == ("Arrêt maladie", "Grippe", "2019-02-04")
    assert sections["Entretiens professionnels"][0]["Compte rendu"] == "Souhaite évoluer vers la paie"
    assert {"Notes de frais", "Entretiens annuels", "Formations", "Compétences"} <= set(sections)
    assert AuditEvent.objects.filter(action="core.personal_data.exported", object_id=str(file.pk)).exists()


def test_keeping_periods_refuse_then_allow_the_anonymisation(file, personas, client_as):
    assert retention(file, d(2026, 12, 5)) == ["le salarié fait toujours partie du personnel"]
    page = client_as("rh").get(reverse("hr:employee-detail", args=[file.pk])).content.decode()
    assert "Anonymisation impossible pour l'instant" in page and "Exporter ses données (ZIP)" in page
    services.record_exit(actor=personas["rh"], employee=file, exit_date=d(2022, 6, 30), exit_reason="Démission")
    file.refresh_from_db()
    assert retention(file, d(2026, 12, 5)) == [
        "le registre unique du personnel se conserve jusqu'au 30/06/2027 (5 ans après la sortie, article R1221-26 du "
        "code du travail)"]  # fmt: skip
    with pytest.raises(DomainError, match="R1221-26"):
        personal_data.anonymise(actor=personas["rh"], subject_kind="employee", subject=file, today=d(2026, 12, 5))
    answer = client_as("rh").post(reverse("hr:employee-anonymise", args=[file.pk]), {"confirmation": "ANONYMISER"})
    assert answer.status_code == 302
    file.refresh_from_db()
    assert file.last_name == "Durand"  # refused: the register's 5 years run
    assert retention(file, d(2027, 7, 1)) == []
    personal_data.anonymise(actor=personas["rh"], subject_kind="employee", subject=file, today=d(2027, 7, 1))
    file.refresh_from_db()
    assert (file.last_name, file.nir, file.birth_date) == (f"Salarié anonymisé n° {file.register_number}", "",
                                                           d(1995, 1, 1))  # fmt: skip
    assert file.absences.get().comment == "" and file.interviews.get().summary == ""
    assert file.contracts.get().monthly_gross == Decimal("2345.67")  # amounts stay
    hired = AuditEvent.objects.get(action="hr.employee.hired", object_id=str(file.pk))
    assert hired.object_repr == "anonymisé" and "Durand" not in json.dumps(hired.after)


def test_payslip_data_kept_five_years(file, personas):
    from pilote.hr.services import payroll

    services.record_exit(actor=personas["rh"], employee=file, exit_date=d(2021, 3, 15), exit_reason="Démission")
    payroll.prepare_month(actor=personas["rh"], month=d(2021, 3, 1))  # the last payslip, March 2021
    file.refresh_from_db()
    reasons = retention(file, d(2026, 3, 20))  # the register's 5 years ran out on 15/03/2026
    assert reasons == ["les éléments de paie se conservent jusqu'au 31/03/2026 (5 ans, article L3243-4 du code du "
                       "travail)"]  # fmt: skip


def test_only_rh_and_direction(file, client_as):
    for role in ("comptable", "salarie"):
        client = client_as(role)
        assert client.get(reverse("hr:employee-personal-data-archive", args=[file.pk])).status_code == 403
        answer = client.post(reverse("hr:employee-anonymise", args=[file.pk]), {"confirmation": "ANONYMISER"})
        assert answer.status_code == 403
    client = client_as("direction")
    assert client.get(reverse("hr:employee-personal-data-archive", args=[file.pk])).status_code == 200
