"""Payroll variables prepared from the files, validated by rh, exported; the provider's journal posted as a
balanced payroll entry; the indicative estimate with the 2026 SMIC and PMSS; confidentiality."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.hr import payroll
from pilote.hr.services import absences
from pilote.hr.services import contracts as contract_services
from pilote.hr.services import payroll as services

d = dt.date
JOURNAL = """Compte;Libellé;Débit;Crédit
641100;Salaires bruts;4 500,00;
645100;Cotisations patronales URSSAF;1 350,00;
6453;Retraite complémentaire part patronale;540,00;
421;Rémunérations dues;;3 420,00
431;URSSAF;;2 088,00
437;Retraite complémentaire;;702,00
4421;Prélèvement à la source;;180,00
"""


def test_overtime_rates_across_the_43rd_hour():
    assert payroll.overtime(Decimal(35)) == (0, 0)
    assert payroll.overtime(Decimal(43)) == (8, 0)
    assert payroll.overtime(Decimal(44)) == (8, 1)
    assert payroll.overtime(Decimal("38.5")) == (Decimal("3.5"), 0)


def test_estimate_with_the_2026_smic_and_pmss():
    assert payroll.monthly_hours(Decimal(35)) == Decimal("151.67") and Decimal("1823.03") == payroll.SMIC_MONTHLY
    at_smic = payroll.estimate(Decimal("1823.03"), net_ratio=Decimal("0.79"))
    assert at_smic.net == Decimal("1440.19") and not at_smic.under_smic and not at_smic.over_pmss
    assert payroll.estimate(Decimal("1800")).under_smic and payroll.estimate(Decimal("4005.01")).over_pmss
    assert payroll.estimate(Decimal("2000")).employer_cost == Decimal("2840.00")


def test_the_journal_is_read_and_refused_with_every_problem():
    lines = payroll.read_journal(JOURNAL)
    assert len(lines) == 7 and sum(x.debit for x in lines) == sum(x.credit for x in lines) == Decimal("6390.00")
    with pytest.raises(payroll.JournalError) as refused:
        payroll.read_journal("Compte;Débit;Crédit\n641;100,00;\n512;;90,00\n421;abc;\n")
    assert [p[:8] for p in refused.value.problems] == ["Ligne 3 ", "Ligne 4 "]
    with pytest.raises(payroll.JournalError, match="équilibré"):
        payroll.read_journal("compte,debit,credit\n641,100.00,\n421,,90.00\n")
    with pytest.raises(payroll.JournalError, match="introuvables"):
        payroll.read_journal("a;b\n1;2\n")


def test_a_malformed_journal_is_refused_in_french_and_leaves_the_csv_module_alone():
    import csv

    with pytest.raises(payroll.JournalError, match="lisible"):  # a field over the csv module's limit
        payroll.read_journal("compte;debit;credit\n641;" + "9" * 200_000 + ";\n")
    with pytest.raises(payroll.JournalError, match="Ligne 2 : montant illisible"):  # abs() overflowed
        payroll.read_journal("compte;debit;credit\n641;1e999999999;\n421;;1\n")
    with pytest.raises(payroll.JournalError, match="Ligne 2 : le compte"):  # « ² » is a digit to str.isdigit
        payroll.read_journal("compte;debit;credit\n641²;1;\n421;;1\n")
    with pytest.raises(payroll.JournalError, match="débit 1,50\u202f€, crédit 1,00\u202f€"):
        payroll.read_journal("compte;debit;credit\n641;1,5;\n421;;1\n")
    with pytest.raises(payroll.JournalError):  # no delimiter to sniff: « ; » is assumed
        payroll.read_journal("nothing\n")
    assert csv.excel.delimiter == ","


@pytest.mark.django_db
def test_a_month_prepared_validated_exported_and_posted(hire, personas, client_as):
    from pilote.core.models import Structure
    from pilote.ledger import services as ledger

    ledger.initialise_books(structure=Structure.objects.get(), actor=None)  # the chart, OD and the 2026 year
    rh = personas["rh"]
    alice = hire(entry_date=d(2025, 1, 6))
    contract_services.sign_contract(actor=rh, employee=alice, kind="cdi", effective_from=alice.entry_date,
                                    monthly_gross=Decimal("3000"))  # fmt: skip
    newcomer = hire(last_name="Petit", first_names="Léo", sex="M", nir="", entry_date=d(2026, 3, 16))
    contract_services.sign_contract(actor=rh, employee=newcomer, kind="cdi", effective_from=newcomer.entry_date,
                                    monthly_gross=Decimal("2480"))  # fmt: skip
    absences.record_absence(actor=rh, employee=alice, kind="maladie", start=d(2026, 3, 2), end=d(2026, 3, 4),
                            certificate=True)  # fmt: skip
    record = services.prepare_month(actor=rh, month=d(2026, 3, 1))
    rows = {v.employee.last_name: v for v in record.variables.select_related("employee")}
    assert rows["Durand"].base_gross == Decimal("3000.00") and rows["Durand"].sickness_days == 3
    assert rows["Petit"].entry_date == d(2026, 3, 16) and rows["Petit"].base_gross == Decimal("1280.00")  # 16/31
    services.update_variable(actor=rh, variable=rows["Durand"], overtime_25=Decimal(4), bonus=Decimal("150"))
    record = services.prepare_month(actor=rh, month=d(2026, 3, 1))  # refreshed, typed values kept
    assert record.variables.get(employee=alice).bonus == Decimal("150.00")
    page = client_as("rh").get(reverse("hr:payroll-month", args=[record.pk])).content.decode()
    assert "Estimation indicative" in page
    for role in ("comptable", "commercial", "assistant", "salarie", "auditeur"):
        assert client_as(role).get(reverse("hr:payroll-month", args=[record.pk])).status_code == 403
    upload = SimpleUploadedFile("journal.csv", JOURNAL.encode("cp1252"), content_type="text/csv")
    with pytest.raises(DomainError, match="Validez"):
        services.post_payroll_journal(actor=rh, payroll_month=record, text=JOURNAL)
    services.validate_month(actor=rh, payroll_month=record)
    with pytest.raises(DomainError, match="validée"):
        services.update_variable(actor=rh, variable=rows["Durand"], bonus=Decimal("1"))
    export = client_as("rh").get(reverse("hr:payroll-export", args=[record.pk, "csv"]))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Mois;Matricule;Nom;Prénoms") and "150,00" in text
    response = client_as("rh").post(reverse("hr:payroll-post", args=[record.pk]), {"file": upload}, follow=True)
    assert "L'écriture de paie est passée" in response.content.decode().replace("&#x27;", "'"), [
        str(m) for m in response.context["messages"]]  # fmt: skip
    record.refresh_from_db()
    entry = record.entry
    assert entry.is_posted and entry.piece_ref == "PAIE202603" and entry.date == d(2026, 3, 31)
    lines = list(entry.lines.select_related("account"))
    assert sum(x.debit for x in lines) == sum(x.credit for x in lines) == Decimal("6390.00")
    assert {x.account.code[:3] for x in lines} >= {"641", "645", "421", "431", "437", "442"}
    with pytest.raises(DomainError, match="déjà comptabilisée"):
        services.post_payroll_journal(actor=rh, payroll_month=record, text=JOURNAL)
