import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from pilote.core.exceptions import DomainError
from pilote.ledger import services
from pilote.ledger.exceptions import PostingError
from pilote.ledger.models import AccountBalance, Entry, EntryLine
from pilote.ledger.tests.conftest import sale
from pilote.ledger.verify import verify_all

L = services.LineInput


def test_a_draft_may_be_unbalanced_but_cannot_be_posted(books):
    a = books["a"]
    draft = services.create_entry(
        actor=books["actor"],
        journal=books["j"]["OD"],
        date=dt.date(2026, 2, 1),
        label="Essai",
        lines=[L(a["606"], debit=Decimal("10.00")), L(a["512"], credit=Decimal("9.99"))],
    )
    expected = "pas équilibrée : débit 10,00\u202f€, crédit 9,99\u202f€ \\(écart 0,01\u202f€\\)"
    with pytest.raises(PostingError, match=expected):
        services.post_entry(actor=books["actor"], entry=draft)
    draft.refresh_from_db()
    assert draft.number is None and draft.status == "draft" and draft.hash == ""
    assert not AccountBalance.objects.exists()


def test_posting_numbers_each_journal_without_gaps(books):
    entries = [sale(books, label=f"Facture F-{i}") for i in range(3)]
    assert [e.number for e in entries] == [1, 2, 3]
    a = books["a"]
    bank = services.create_entry(
        actor=books["actor"],
        journal=books["j"]["BQ"],
        date=dt.date(2026, 3, 20),
        label="Règlement",
        post=True,
        lines=[
            L(a["512"], debit=Decimal("120.00")),
            L(a["411"], credit=Decimal("120.00"), auxiliary=books["customer"]),
        ],
    )
    assert bank.number == 1  # its own sequence
    assert all(e.posted_at and len(e.hash) == 64 for e in entries)
    assert verify_all() == {k: [] for k in verify_all()}


def test_failed_posting_does_not_consume_a_number(books):
    sale(books)
    bad = sale(books, post=False)
    EntryLine.objects.filter(entry=bad, account__code="707").update(credit=Decimal("99.00"))
    with pytest.raises(PostingError):
        services.post_entry(actor=books["actor"], entry=bad)
    assert sale(books).number == 2


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (lambda a, b: [L(a["411"], debit=Decimal("10")), L(a["707"], credit=Decimal("10"))], "compte auxiliaire"),
        (lambda a, b: [L(a["606"], debit=Decimal("10.001")), L(a["512"], credit=Decimal("10.001"))], "centime"),
        (
            lambda a, b: [L(a["606"], debit=Decimal("5"), credit=Decimal("5")), L(a["512"], credit=Decimal("0"))],
            "pas les deux",
        ),
        (
            lambda a, b: [L(a["707"], debit=Decimal("5"), auxiliary=b["customer"]), L(a["512"], credit=Decimal("5"))],
            "dépend du compte 411",
        ),
    ],
)
def test_line_rules(books, lines, message):
    with pytest.raises(DomainError, match=message):
        services.create_entry(
            actor=books["actor"],
            journal=books["j"]["OD"],
            date=dt.date(2026, 2, 1),
            label="x",
            lines=lines(books["a"], books),
            post=True,
        )
    assert not Entry.objects.filter(status="posted").exists()


def test_dates_outside_open_periods_are_refused(books):
    with pytest.raises(DomainError, match="Aucun exercice ne couvre le 01/01/2027"):
        sale(books, day=dt.date(2027, 1, 1))
    year = books["year"]
    year.locked_until = dt.date(2026, 3, 31)
    year.save()
    with pytest.raises(PostingError, match="verrouillée jusqu'au 31/03/2026"):
        sale(books, day=dt.date(2026, 3, 15))
    assert sale(books, day=dt.date(2026, 4, 1)).number == 1


def test_posted_entries_cannot_be_changed_even_by_raw_sql(books):
    entry = sale(books)
    line = entry.lines.first()
    statements = [
        ("UPDATE ledger_entryline SET debit = 1 WHERE id = %s", [line.pk]),
        ("DELETE FROM ledger_entryline WHERE id = %s", [line.pk]),
        ("UPDATE ledger_entry SET label = 'falsifié' WHERE id = %s", [entry.pk]),
        ("DELETE FROM ledger_entry WHERE id = %s", [entry.pk]),
        (  # a complete, valid row: only the trigger can refuse it (on PostgreSQL, once per statement)
            "INSERT INTO ledger_entryline (entry_id, fiscal_year_id, date, is_posted, position, account_id, label, "
            "reference, debit, credit) VALUES (%s, %s, %s, %s, 9, %s, 'ajout', '', 100, 0)",
            [entry.pk, entry.fiscal_year_id, entry.date, True, line.account_id],
        ),
    ]
    for sql, params in statements:
        with (
            pytest.raises(DatabaseError, match="Écriture validée"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    with pytest.raises(DomainError, match="contre-passe"):
        services.update_draft(actor=books["actor"], entry=entry, lines=[])


def test_reversal_is_a_new_posted_entry_linked_to_the_original(books):
    original = sale(books)
    reversal = services.reverse_entry(actor=books["actor"], entry=original, date=dt.date(2026, 3, 31))
    assert reversal.is_posted and reversal.reversal_of == original and reversal.number == 2
    pairs = {(line.account.code, line.debit, line.credit) for line in reversal.lines.select_related("account")}
    assert pairs == {("411", 0, Decimal("120.00")), ("707", Decimal("100.00"), 0), ("44571", Decimal("20.00"), 0)}
    with pytest.raises(DomainError, match="déjà été contre-passée"):
        services.reverse_entry(actor=books["actor"], entry=original)
    balance = {
        b.account.code: b.debit - b.credit for b in AccountBalance.objects.filter(aux_key=0).select_related("account")
    }
    assert set(balance.values()) == {0}


def test_tampering_is_detected_by_the_chain(books):
    entries = [sale(books, label=f"Facture F-{i}") for i in range(3)]
    call_command("verify_ledger")
    # Simulate someone bypassing the triggers (e.g. by dropping them) to change an amount.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER ledger_entryline_posted_no_update")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")  # superuser: triggers off
        cursor.execute(
            "UPDATE ledger_entryline SET credit = 9000 WHERE entry_id = %s AND position = 2", [entries[1].pk]
        )
    problems = verify_all()
    assert any("a été modifiée après validation" in p for p in problems["Chaînage d'inaltérabilité"])
    assert problems["Équilibre des écritures"]
    with pytest.raises(CommandError, match="anomalie"):
        call_command("verify_ledger")


def test_balances_are_kept_per_month_and_auxiliary(books):
    sale(books, day=dt.date(2026, 3, 15))
    sale(books, amount="50.00", vat="10.00", day=dt.date(2026, 4, 2))
    rows = {
        (b.account.code, b.aux_key, b.month.month): (b.debit, b.credit)
        for b in AccountBalance.objects.select_related("account")
    }
    assert rows[("411", 0, 3)] == (Decimal("120.00"), 0)
    assert rows[("411", books["customer"].pk, 4)] == (Decimal("60.00"), 0)
    assert rows[("707", 0, 4)] == (0, Decimal("50.00"))


def test_heading_accounts_receive_no_entry(books):
    from pilote.ledger.models import Account

    heading = Account.objects.create(code="60", label="Achats")
    with pytest.raises(PostingError, match="titre de rubrique"):
        services.create_entry(
            actor=books["actor"],
            journal=books["j"]["OD"],
            date=dt.date(2026, 2, 1),
            label="x",
            post=True,
            lines=[L(heading, debit=Decimal("1")), L(books["a"]["512"], credit=Decimal("1"))],
        )


def test_missing_triggers_are_reported_and_reinstalled(books):
    from pilote.ledger import triggers
    from pilote.ledger.verify import check_triggers

    assert check_triggers() == []
    with connection.cursor() as cursor:  # what a table rebuild by a SQLite migration does
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER ledger_entryline_posted_no_delete")
        else:
            cursor.execute("DROP TRIGGER ledger_entryline_posted_frozen ON ledger_entryline")
    assert len(check_triggers()) == 1 and "Protection absente" in check_triggers()[0]
    triggers.install(connection)
    assert check_triggers() == []
    entry = sale(books)
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.lines.all().delete()


def test_a_bulk_insert_with_one_line_on_a_posted_entry_is_refused_whole(books):
    posted = sale(books)
    draft = sale(books, post=False, label="Facture F-2")
    line = posted.lines.first()
    row = "(%s, %s, %s, %s, 9, %s, 'ajout', '', 100, 0)"
    params = [draft.pk, draft.fiscal_year_id, draft.date, False, line.account_id]
    params += [posted.pk, posted.fiscal_year_id, posted.date, True, line.account_id]
    before = EntryLine.objects.count()
    with pytest.raises(DatabaseError, match="Écriture validée"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_entryline (entry_id, fiscal_year_id, date, is_posted, position, account_id, label, "
            f"reference, debit, credit) VALUES {row}, {row}",
            params,
        )
    assert EntryLine.objects.count() == before
