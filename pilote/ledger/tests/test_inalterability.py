"""What a database administrator tries against the books: TRUNCATE, wiping the entries but not the head,
rewinding the head; and what verification then says (entries, accounts and years named as the books do)."""

import pytest
from django.db import DatabaseError, connection, transaction

from pilote.ledger.models import Account, ChainHead
from pilote.ledger.tests.conftest import sale
from pilote.ledger.verify import verify_all

CHAIN = "Chaînage d'inaltérabilité"
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")


def lift_triggers(cursor) -> None:
    """What an administrator does to bypass the protections (as the existing tamper tests do)."""
    if connection.vendor == "sqlite":
        for name in ("ledger_entry_posted_no_delete", "ledger_entryline_posted_no_delete",
                     "ledger_entryline_posted_no_update", "ledger_entry_posted_no_update"):  # fmt: skip
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        cursor.execute("SET LOCAL session_replication_role = replica")  # superuser: triggers off


@postgresql_only
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE ledger_entry, ledger_entryline, ledger_accountbalance CASCADE",
        "TRUNCATE ledger_entryline CASCADE",
        "TRUNCATE ledger_accountbalance",
        "TRUNCATE ledger_chainhead",
        "TRUNCATE ledger_journalsequence",
        "TRUNCATE ledger_fiscalyear CASCADE",  # reaches the entries through CASCADE
        "TRUNCATE ledger_account CASCADE",
    ],
)
def test_truncate_of_the_books_is_refused(books, statement):
    sale(books)
    with pytest.raises(DatabaseError, match="Écriture validée"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction holds deferred key checks
        cursor.execute(statement)
    assert verify_all() == {check: [] for check in verify_all()}


@postgresql_only
def test_truncate_of_books_without_posted_entry_is_allowed(books):
    """Nothing protected yet (a fresh install, a test's flush): TRUNCATE is harmless and let through."""
    sale(books, post=False)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE ledger_entry, ledger_entryline, ledger_accountbalance CASCADE")


def test_books_wiped_under_a_remaining_head_fail_verification(books):
    for i in range(3):
        sale(books, label=f"Facture F-{i}")
    with connection.cursor() as cursor:
        lift_triggers(cursor)
        cursor.execute("DELETE FROM ledger_accountbalance")
        cursor.execute("DELETE FROM ledger_entryline")
        cursor.execute("DELETE FROM ledger_entry")
    problems = verify_all()
    assert problems[CHAIN] == [
        "La tête de chaîne annonce 3 écritures chaînées mais la base contient 0 écriture validée "
        "(dernier indice 0) : écritures supprimées ou chaîne réécrite."
    ]
    assert not problems["Soldes agrégés"] and not problems["Numérotation continue"]


def test_the_last_entries_removed_under_a_remaining_head_fail_verification(books):
    entries = [sale(books, label=f"Facture F-{i}") for i in range(3)]
    with connection.cursor() as cursor:
        lift_triggers(cursor)
        cursor.execute("DELETE FROM ledger_entryline WHERE entry_id = %s", [entries[-1].pk])
        cursor.execute("DELETE FROM ledger_entry WHERE id = %s", [entries[-1].pk])
    assert "annonce 3 écritures chaînées mais la base contient 2" in " ".join(verify_all()[CHAIN])


def test_the_chain_head_only_moves_forward(books):
    sale(books)
    for sql in (
        "UPDATE ledger_chainhead SET last_index = 0",
        "UPDATE ledger_chainhead SET last_hash = '" + "0" * 64 + "'",
        "DELETE FROM ledger_chainhead",
    ):
        with pytest.raises(DatabaseError, match="Écriture validée"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    sale(books, label="Facture F-2")  # posting still moves it forward
    assert ChainHead.objects.get().last_index == 2


def test_verification_names_accounts_entries_and_years_as_the_books_do(books):
    entry = sale(books)
    account, customer = Account.objects.get(code="707"), books["customer"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_accountbalance SET debit = debit + 1 WHERE aux_key = %s", [customer.pk])
        lift_triggers(cursor)
        cursor.execute("UPDATE ledger_entryline SET credit = credit + 1 WHERE entry_id = %s AND account_id = %s",
                       [entry.pk, account.pk])  # fmt: skip
        cursor.execute("UPDATE ledger_entry SET number = 5 WHERE id = %s", [entry.pk])
    problems = verify_all()
    text = " ".join(problem for found in problems.values() for problem in found)
    assert sorted(problems["Soldes agrégés"]) == [
        "Soldes agrégés faux pour le compte 411 (auxiliaire C000001), 03/2026 (Exercice 2026).",
        "Soldes agrégés faux pour le compte 707, 03/2026 (Exercice 2026).",
    ]
    assert problems["Équilibre des écritures"] == [
        "Écriture VT 5 (Exercice 2026) déséquilibrée : débit 120,00\u202f€, crédit 120,01\u202f€."
    ]
    assert "journal VT (Exercice 2026)" in problems["Numérotation continue"][0]
    assert f"compte {account.pk}," not in text and f"Écriture {entry.pk} " not in text
