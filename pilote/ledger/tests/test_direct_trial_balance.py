"""`manage.py trial_balance` answered without django.setup() (pilote.ledger.direct) says what the Django command
says: the same SQL read through a plain DB-API cursor, printed by the same balance.write_report; every form it
does not handle goes to the command."""

import datetime as dt
import io
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from pilote.ledger import direct, services
from pilote.ledger.balance import write_report
from pilote.ledger.models import Account, AccountBalance
from pilote.ledger.tests.conftest import sale

MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


def _books_with_an_opening(books):
    """Sales, an à-nouveaux entry (the opening columns) and an account whose label would start a formula."""
    a = books["a"]
    advance = Account.objects.create(code="4191", label="=Avances reçues")
    services.create_entry(
        actor=books["actor"], journal=books["j"]["AN"], date=dt.date(2026, 1, 1), label="À-nouveaux",
        lines=[services.LineInput(a["512"], debit=Decimal("1500.00")),
               services.LineInput(a["101"], credit=Decimal("1000.00")),
               services.LineInput(advance, credit=Decimal("500.00"))],
        post=True,
    )  # fmt: skip
    sale(books)
    sale(books, amount="1234.56", vat="246.91", day=dt.date(2026, 5, 2), label="Facture F-2")


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_the_direct_read_prints_what_the_command_prints(books, fmt, capsys):
    _books_with_an_opening(books)
    assert AccountBalance.objects.filter(is_opening=True).exists()
    call_command("trial_balance", "--year", "2026", "--format", fmt)
    expected = capsys.readouterr().out
    out = io.StringIO()
    write_report(out, *direct.read(connection.cursor(), 2026), fmt)
    assert out.getvalue() == expected
    assert "'=Avances reçues" in expected if fmt == "csv" else "=Avances reçues" in expected
    assert direct.read(connection.cursor(), 2031) is None  # the command answers: « Aucun exercice ne se clôt en 2031 »


def test_the_direct_path_takes_only_the_forms_it_answers_exactly():
    assert direct.parse(["--year", "2026"]) == (2026, "table")
    assert direct.parse(["--format=csv", "--year=2026"]) == (2026, "csv")
    assert direct.parse(["--year", " 2026 ", "--format", "table"]) == (2026, "table")  # what int() takes, as argparse
    for args in (
        [], ["--year"], ["--year", "abc"], ["--year", "2026", "--year", "2027"], ["--ye", "2026"], ["--help"],
        ["--year", "2026", "--format", "xlsx"], ["--year", "2026", "-v", "2"], ["--year", "2026", "--settings", "x"],
        ["--year", "0"], ["--year", "10000"], ["--year", "--format", "csv"],
    ):  # fmt: skip
        assert direct.parse(args) is None, args


def _tiny_ledger(path: Path) -> None:
    """The three tables the trial balance reads, with the columns the command's start-up query reads too."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE ledger_fiscalyear (id integer PRIMARY KEY, start_date date, end_date date, status varchar(10),
                                        locked_until date);
        CREATE TABLE ledger_account (id integer PRIMARY KEY, code varchar(20), label varchar(200));
        CREATE TABLE ledger_accountbalance (id integer PRIMARY KEY, fiscal_year_id bigint, month date, is_opening bool,
                                            account_id bigint, aux_key bigint, debit bigint, credit bigint);
        INSERT INTO ledger_fiscalyear VALUES (1, '2025-07-01', '2026-06-30', 'open', NULL);
        INSERT INTO ledger_account VALUES (1, '512', 'Banque'), (2, '706', 'Prestations de services');
        INSERT INTO ledger_accountbalance VALUES (1, 1, '2025-07-01', 1, 1, 0, 10000, 0),
            (2, 1, '2025-09-01', 0, 1, 0, 123456, 0), (3, 1, '2025-09-01', 0, 2, 0, 0, 123456),
            (4, 1, '2025-09-01', 0, 2, 7, 0, 999);
        """
    )
    db.commit()
    db.close()


def _manage(tmp_path, *args):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'tiny.sqlite3'}",
           "PILOTE_VAR_DIR": str(tmp_path / "var")}  # fmt: skip
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "-X", "importtime", str(MANAGE), "trial_balance", *args],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip


def test_manage_py_answers_the_trial_balance_without_starting_django(tmp_path):
    _tiny_ledger(tmp_path / "tiny.sqlite3")
    done = _manage(tmp_path, "--year", "2026", "--format", "csv")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == (
        "compte;libelle;ouverture_debit;ouverture_credit;mouvements_debit;mouvements_credit;solde_debit;solde_credit\n"
        "512;Banque;100,00;0,00;1234,56;0,00;1334,56;0,00\n"
        "706;Prestations de services;0,00;0,00;0,00;1234,56;0,00;1234,56\n"
    )
    assert " django.apps" not in done.stderr and " django.db" not in done.stderr  # -X importtime: what was imported
    table = _manage(tmp_path, "--year=2026")
    assert table.stdout.splitlines()[0] == "Balance générale — Exercice 01/07/2025 – 30/06/2026"
    # A year no fiscal year ends in: the Django command answers, in French, with its exit status.
    missing = _manage(tmp_path, "--year", "2031")
    assert missing.returncode == 1 and "Aucun exercice ne se clôt en 2031." in missing.stderr
    assert " django.apps" in missing.stderr
