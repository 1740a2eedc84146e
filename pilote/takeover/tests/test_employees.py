"""Employees through the HR services: the register's lines, the contracts, the departures; HR roles only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.core.models import JobStatus
from pilote.hr.models import Contract, Employee, RegisterEntry
from pilote.takeover.tests.helpers import confirm, csv_file, upload, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = ["Nom", "Prénoms", "Sexe", "Date de naissance", "N° de sécurité sociale", "Emploi", "Catégorie", "Contrat",
          "Date d'entrée", "Fin du contrat", "Motif du CDD", "Heures par semaine", "Salaire brut mensuel",
          "Date de sortie", "Motif de sortie"]  # fmt: skip


def test_employees_are_hired_in_file_order_with_their_contracts(client_as):
    client = client_as("rh")
    rows = [HEADER,
            ["Martin", "Claire", "F", dt.date(1988, 3, 14), "2 88 03 69 123 456 06", "Comptable", "cadre", "CDI",
             dt.date(2019, 9, 2), None, None, 35, 3200, None, None],
            ["Durand", "Paul", "M", "12/05/1975", "175057501234527", "Magasinier", "", "CDD",
             "01/10/2026", "31/03/2027", "accroissement", "35", "2 100,00", None, None],
            ["Petit", "Léa", "F", "01/02/1995", "", "Vendeuse", "", "CDI", "01/02/2020", None, None, None, None,
             "31/08/2025", "Démission"]]  # fmt: skip
    job, _ = upload(client, "personnel", xlsx_file(rows))
    assert job.payload["valid"], job.payload["errors"]
    job = confirm(client, "personnel", job)
    assert job.status == JobStatus.DONE, job.message
    assert job.message == "3 salarié(s) inscrit(s) au registre du personnel."
    martin, durand, petit = (Employee.objects.get(last_name=n) for n in ("Martin", "Durand", "Petit"))
    assert [e.register_number for e in (martin, durand, petit)] == [1, 2, 3]
    assert martin.nir == "288036912345606" and martin.cse_category == "cadre"
    assert Contract.objects.get(employee=martin).monthly_gross == Decimal("3200.00")
    cdd = Contract.objects.get(employee=durand)
    assert (cdd.kind, cdd.end_date, cdd.cdd_reason) == ("cdd", dt.date(2027, 3, 31), "accroissement")
    assert petit.exit_date == dt.date(2025, 8, 31) and not petit.contracts.exists()
    assert RegisterEntry.objects.filter(employee=petit).count() == 2  # hired, then left


def test_hr_rules_refuse_by_line_and_nothing_is_written(client_as):
    client = client_as("direction")
    rows = [HEADER,
            ["Faux", "Nir", "M", "14/03/1988", "288036912345606", "Comptable", "", "CDI", "02/09/2019", "", "", "",
             "", "", ""],
            ["Sans", "Motif", "F", "14/03/1990", "", "Vendeuse", "", "CDD", "01/10/2026", "31/12/2026", "", "",
             "1900", "", ""],
            ["Bon", "Dossier", "F", "14/03/1990", "", "Vendeuse", "", "CDI", "01/10/2026", "", "", "", "1900", "",
             ""]]  # fmt: skip
    job, _ = upload(client, "personnel", csv_file(rows))
    errors = job.payload["errors"]
    assert errors[0].startswith(
        "Ligne 2, colonne « N° de sécurité sociale » : Le numéro de sécurité sociale ne correspond pas au sexe"
    )
    assert errors[1] == "Ligne 3, colonne « Contrat » : Un CDD indique son motif de recours (article L1242-12)."
    assert len(errors) == 2
    assert not Employee.objects.exists()


def test_an_employee_already_in_pilote(client_as):
    client = client_as("rh")
    row = ["Martin", "Claire", "F", "14/03/1988", "", "Comptable", "", "CDI", "02/09/2019", "", "", "", "", "", ""]
    job, _ = upload(client, "personnel", csv_file([HEADER, row]))
    confirm(client, "personnel", job)
    job, _ = upload(client, "personnel", csv_file([HEADER, row, row]))
    assert job.payload["errors"] == [
        "Ligne 2 : Claire Martin, née le 14/03/1988, a déjà son dossier dans Pilote.".replace("née", "né(e)"),
        "Ligne 3 : Claire Martin, né(e) le 14/03/1988, a déjà son dossier dans Pilote.",
    ]
    assert Employee.objects.count() == 1


@pytest.mark.parametrize("role", ["comptable", "commercial", "assistant", "salarie", "auditeur"])
def test_only_hr_roles_take_over_employees(client_as, role):
    assert client_as(role).get(reverse("takeover:personnel")).status_code == 403
    assert client_as(role).get(reverse("takeover:personnel-template", args=["xlsx"])).status_code == 403
