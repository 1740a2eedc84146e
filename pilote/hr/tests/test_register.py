"""The registre unique du personnel (L1221-13, D1221-23): every mention, hiring order, indelible lines,
corrections as new dated lines, trainees apart, exports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent
from pilote.hr import triggers
from pilote.hr.models import Employee, RegisterEntry
from pilote.hr.services import employees as services
from pilote.hr.tests.conftest import employee_fields
from pilote.lib.identifiers import clean_nir

pytestmark = pytest.mark.django_db


def test_nir_is_checked_with_its_key_and_against_the_record():
    assert clean_nir("2 95 10 99 126 111 93") == "295109912611193"
    assert clean_nir("295109912611193", sex="F", birth_date=dt.date(1995, 10, 14)) == "295109912611193"
    with pytest.raises(ValidationError, match="clé de contrôle"):
        clean_nir("295109912611194")
    with pytest.raises(ValidationError, match="15 chiffres"):
        clean_nir("29510991261")
    with pytest.raises(ValidationError, match="sexe"):
        clean_nir("295109912611193", sex="M")
    with pytest.raises(ValidationError, match="naissance"):
        clean_nir("295109912611193", sex="F", birth_date=dt.date(1995, 11, 14))


def test_hiring_writes_the_register_in_hiring_order(hire, personas):
    first = hire()
    second = hire(last_name="Martin", first_names="Paul", sex="M", nir="", entry_date=dt.date(2024, 5, 6))
    assert (first.register_number, second.register_number) == (1, 2)
    line = first.register.get()
    assert (line.kind, line.last_name, line.first_names, line.nationality) == (
        "embauche",
        "Durand",
        "Alice Marie",
        "Française",
    )
    assert (line.birth_date, line.sex, line.job, line.qualification) == (
        dt.date(1995, 10, 14),
        "F",
        "Comptable",
        "Technicienne",
    )
    assert (line.entry_date, line.exit_date, line.contract, line.trainee) == (dt.date(2024, 3, 1), None, "CDI", False)
    assert line.author == "Ressources Test"


def test_part_time_cdd_and_foreign_worker_mentions(hire):
    employee = hire(
        contract_type="cdd", part_time=True, weekly_hours=Decimal("24.5"), needs_work_permit=True,
        nationality="Ivoirienne", work_permit_type="Carte de séjour « salarié »", work_permit_number="6912345678",
        hiring_authorisation_date=dt.date(2024, 2, 20),
    )  # fmt: skip
    line = employee.register.get()
    assert line.contract == "CDD, temps partiel (24,5 h/semaine)"
    assert line.work_permit == "Carte de séjour « salarié » 6912345678"
    assert line.hiring_authorisation_date == dt.date(2024, 2, 20)


def test_foreign_worker_needs_the_permit_and_trainee_the_tutor(personas):
    with pytest.raises(ValidationError) as error:
        services.hire_employee(actor=personas["rh"], **employee_fields(needs_work_permit=True))
    assert "titre" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.hire_employee(actor=personas["rh"], **employee_fields(contract_type="stage"))
    assert "tuteur" in str(error.value)
    assert not Employee.objects.exists() and not RegisterEntry.objects.exists()


def test_a_correction_is_a_new_dated_line_with_its_reason(hire, personas):
    employee = hire()
    with pytest.raises(DomainError, match="motif"):
        services.update_employee(actor=personas["rh"], employee=employee, job="Cheffe comptable")
    assert employee.register.count() == 1
    services.update_employee(
        actor=personas["rh"], employee=employee, job="Cheffe comptable", reason="Promotion", on=dt.date(2025, 1, 6)
    )
    first, correction = employee.register.order_by("id")
    assert (first.job, correction.job, correction.kind) == ("Comptable", "Cheffe comptable", "rectification")
    assert (correction.recorded_on, correction.reason, correction.corrects_id) == (
        dt.date(2025, 1, 6),
        "Promotion",
        first.pk,
    )
    # A change outside the register's mentions (the phone) writes no line.
    services.update_employee(actor=personas["rh"], employee=employee, phone="06 00 00 00 00")
    assert employee.register.count() == 2


def test_a_transfer_and_an_exit_are_lines_too(hire, personas):
    employee = hire()
    services.update_employee(actor=personas["rh"], employee=employee, establishment="Agence de Grenoble")
    services.record_exit(
        actor=personas["rh"], employee=employee, exit_date=dt.date(2025, 6, 30), exit_reason="Démission"
    )
    kinds = list(employee.register.order_by("id").values_list("kind", "exit_date"))
    assert kinds == [("embauche", None), ("transfert", None), ("sortie", dt.date(2025, 6, 30))]
    with pytest.raises(DomainError, match="déjà quitté"):
        services.record_exit(actor=personas["rh"], employee=employee, exit_date=dt.date(2025, 7, 1), exit_reason="x")


def test_register_lines_can_be_neither_changed_nor_deleted(hire):
    line = hire().register.get()
    assert triggers.installed(connection) == triggers.expected(connection)
    for statement in (
        "UPDATE hr_registerentry SET job = 'Autre' WHERE id = %s",
        "DELETE FROM hr_registerentry WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="Registre du personnel"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [line.pk])
    line.refresh_from_db()
    assert line.job == "Comptable"


def test_the_audit_trail_keeps_personal_data_out(hire):
    hire()
    event = AuditEvent.objects.get(action="hr.employee.hired")
    assert "295109912611193" not in str(event.changes) and "1995" not in str(event.changes)


def test_register_page_and_exports_keep_trainees_apart(hire, client_as):
    hire()
    hire(
        last_name="Morel",
        first_names="Jade",
        nir="",
        contract_type="stage",
        tutor="Sophie Petit",
        internship_place="Siège",
    )
    client = client_as("rh")
    page = client.get(reverse("hr:register")).content.decode()
    assert "Durand" in page and "Morel" not in page and "L1221-13" in page
    assert "Morel" in client.get(reverse("hr:register") + "?section=stagiaires").content.decode()
    csv = b"".join(client.get(reverse("hr:register-export", args=["csv"])).streaming_content).decode("utf-8-sig")
    assert csv.splitlines()[1].startswith("1;") and "Durand" in csv and "Morel" not in csv
    pdf = client.get(reverse("hr:register-export", args=["pdf"]) + "?section=stagiaires")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("hr:register-export", args=["xlsx"]))
    assert xlsx.status_code == 200
