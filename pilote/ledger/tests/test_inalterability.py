"""What a database administrator tries against the books: TRUNCATE, wiping the entries but not the head,
rewinding the head; and what verification then says (entries, accounts and years named as the books do)."""

import datetime as dt
import hashlib
import hmac
import importlib
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from pilote.ledger import batch, chain, heads, services, verify
from pilote.ledger.models import Account, ChainHead, Entry, Journal, JournalKind
from pilote.ledger.tests.conftest import sale
from pilote.ledger.verify import verify_all
from pilote.lib import sealing

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


# --- The chain covers every business field, and is keyed --------------------------------------------------

LINE_CHANGES = {
    "date": "date = '2026-02-15'",  # an opening line moved to February
    "fiscal_year_id": "fiscal_year_id = {other_year}",
    "position": "position = position + 10",
    "account_id": "account_id = {account_606}",
    "auxiliary_id": "auxiliary_id = {supplier}",
    "label": "label = 'autre'",
    "reference": "reference = 'F-999'",
    "credit": "credit = credit * 2",
    "debit": "debit = debit * 2",
    "due_date": "due_date = '2026-04-30'",
    "vat_rate": "vat_rate = 10",
    "vat_base": "vat_base = 1",
}
ENTRY_CHANGES = {
    "journal_id": "journal_id = {journal_od}",
    "fiscal_year_id": "fiscal_year_id = {other_year}",
    "number": "number = 7",
    "date": "date = '2026-03-16'",
    "label": "label = 'autre'",
    "piece_ref": "piece_ref = 'X'",
    "piece_date": "piece_date = '2026-03-01'",
    "posted_at": "posted_at = '2026-03-15 10:00:00'",
    "reversal_of_id": "reversal_of_id = {first}",
    "source_number": "source_number = '12'",
    "source_valid_date": "source_valid_date = '2026-03-31'",
    "created_by_id": "created_by_id = {other_user}",
}


def _values(books, personas):
    from pilote.ledger.models import FiscalYear

    other = FiscalYear.objects.create(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    return {
        "other_year": other.pk, "account_606": books["a"]["606"].pk, "supplier": books["supplier"].pk,
        "journal_od": books["j"]["OD"].pk, "other_user": personas["direction"].pk,
    }  # fmt: skip


@pytest.mark.parametrize(("table", "change"), [("ledger_entryline", c) for c in LINE_CHANGES.values()]
                         + [("ledger_entry", c) for c in ENTRY_CHANGES.values()])  # fmt: skip
def test_a_change_to_any_business_field_is_detected(books, personas, table, change):
    first = sale(books, label="Facture F-0")
    entry = sale(books)
    values = {**_values(books, personas), "first": first.pk}
    column = "entry_id" if table == "ledger_entryline" else "id"
    with connection.cursor() as cursor:
        lift_triggers(cursor)
        cursor.execute(f"UPDATE {table} SET {change.format(**values)} WHERE {column} = %s", [entry.pk])
    problems = verify_all()[CHAIN]
    assert len(problems) == 1 and problems[0].startswith("Empreinte invalide : l'écriture ")


def test_the_journal_kind_is_sealed(books):
    """A journal turned into the à-nouveaux journal would move its entries into the opening balances."""
    sale(books)
    Journal.objects.filter(code="VT").update(kind=JournalKind.OPENING)
    assert "Empreinte invalide : l'écriture VT 1 — Facture F-1 a été modifiée après validation." in verify_all()[CHAIN]


def test_entries_posted_one_by_one_and_in_batch_carry_the_same_seals(books):
    """`services.post_entry` and `batch.post_many` (the FEC import's path) write the same canonical text."""
    a = books["a"]
    lines = [
        services.LineInput(
            a["411"], debit=Decimal("120.00"), auxiliary=books["customer"], due_date=dt.date(2026, 4, 1)
        ),
        services.LineInput(a["707"], credit=Decimal("100.00"), reference="R1"),
        services.LineInput(a["44571"], credit=Decimal("20.00"), vat_rate=Decimal("20"), vat_base=Decimal("100")),
    ]
    spec = batch.EntrySpec(journal=books["j"]["VT"], date=dt.date(2026, 3, 15), label="Lot", lines=lines,
                           piece_ref="P1", piece_date=dt.date(2026, 3, 14))  # fmt: skip
    batch.post_many(actor=books["actor"], specs=[spec])
    single = services.create_entry(actor=books["actor"], journal=books["j"]["VT"], date=dt.date(2026, 3, 15),
                                   label="Unité", lines=lines, piece_ref="P1", post=True)  # fmt: skip
    posted = Entry.objects.select_related("journal", "fiscal_year").order_by("chain_index")
    for entry in posted:
        lines_of = list(entry.lines.select_related("account", "auxiliary", "fiscal_year"))
        assert chain.entry_hash(entry.previous_hash, entry, lines_of) == entry.hash
    assert single.hash == posted.last().hash
    assert verify_all()[CHAIN] == []


def _reseal_all(seal) -> None:
    """What someone who can write to the database does after a change: recompute every seal in chain order
    with `seal(previous, text)`, and the head."""
    previous = chain.GENESIS
    with connection.cursor() as cursor:
        lift_triggers(cursor)
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS ledger_chainhead_no_rewind")
        entries, lines = verify.read_chunk(verify.posted_ids())
        for entry in entries:
            entry.previous_hash = previous
            previous = seal(previous, verify.canonical_text(entry, lines[entry.pk]))
            cursor.execute("UPDATE ledger_entry SET previous_hash = %s, hash = %s WHERE id = %s",
                           [entry.previous_hash, previous, entry.pk])  # fmt: skip
        cursor.execute("UPDATE ledger_chainhead SET last_hash = %s", [previous])


def _move_a_line_to_february(books) -> None:
    entries = [sale(books, label=f"Facture F-{i}") for i in range(3)]
    with connection.cursor() as cursor:
        lift_triggers(cursor)
        cursor.execute("UPDATE ledger_entryline SET date = '2026-02-15' WHERE entry_id = %s", [entries[1].pk])


def _plain_sha256(previous: str, text: str) -> str:
    return hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest()


def _other_key(previous: str, text: str) -> str:
    return hmac.new(b"not-the-key", f"{previous}\n{text}".encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("seal", [_plain_sha256, _other_key], ids=["sha256", "wrong-key"])
def test_a_full_recomputation_without_the_key_is_detected(books, seal):
    _move_a_line_to_february(books)
    _reseal_all(seal)
    problems = verify_all()[CHAIN]
    assert len([p for p in problems if p.startswith("Empreinte invalide")]) == 3


def test_a_rewrite_with_the_key_is_detected_against_a_head_recorded_outside(books):
    entries = [sale(books, label=f"Facture F-{i}") for i in range(3)]
    recorded = chain.current_head()
    assert recorded == (3, entries[-1].hash, 3) and str(recorded) == f"3:{entries[-1].hash}"
    sale(books, label="Facture F-3")  # posted after the record: not a rewrite
    assert verify_all(recorded=recorded)[CHAIN] == []
    with connection.cursor() as cursor:
        lift_triggers(cursor)
        cursor.execute("UPDATE ledger_entryline SET date = '2026-02-15' WHERE entry_id = %s", [entries[0].pk])
    _reseal_all(sealing.seal)  # whoever holds the key too
    assert verify_all()[CHAIN] == []  # the chain alone cannot tell
    assert verify_all(recorded=recorded)[CHAIN] == [
        "L'écriture VT 3 — Facture F-2, à l'indice 3 de la tête relevée, ne porte plus l'empreinte relevée : "
        "la chaîne a été réécrite depuis ce relevé."
    ]
    with pytest.raises(CommandError, match="anomalie"):
        call_command("verify_ledger", head=str(recorded), stdout=io.StringIO())


def test_entries_removed_after_a_recorded_head_are_detected(books):
    for i in range(3):
        sale(books, label=f"Facture F-{i}")
    recorded = chain.current_head()
    last_two = list(Entry.objects.filter(chain_index__gte=2).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        lift_triggers(cursor)
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS ledger_chainhead_no_rewind")
        cursor.execute("DELETE FROM ledger_accountbalance")
        for pk in last_two:
            cursor.execute("DELETE FROM ledger_entryline WHERE entry_id = %s", [pk])
            cursor.execute("DELETE FROM ledger_entry WHERE id = %s", [pk])
        first = Entry.objects.get(chain_index=1)
        cursor.execute("UPDATE ledger_chainhead SET last_index = 1, last_hash = %s", [first.hash])
    assert verify_all()[CHAIN] == []
    assert verify_all(recorded=recorded)[CHAIN] == [
        "La tête relevée nomme l'indice 3, absent de la chaîne : écritures supprimées depuis ce relevé."
    ]


@pytest.mark.parametrize("text", ["", "3", "x:" + "a" * 64, "3:" + "a" * 63, "3:" + "g" * 64, "-1:" + "a" * 64])
def test_a_malformed_head_is_refused_in_french(text):
    with pytest.raises(ValueError, match="Tête de chaîne illisible"):
        chain.parse_head(text)


def test_a_head_is_read_back_as_printed():
    seal = "ab" * 32
    assert chain.parse_head(f" 1\u202f234 : {seal.upper()} ") == chain.Head(1234, seal, 1234)


# --- Migration 0017: the one-time switch of existing books to the keyed seal ---------------------------------

switch = importlib.import_module("pilote.ledger.migrations.0017_keyed_chain")


def _write_old_chain() -> None:
    previous = chain.GENESIS
    with connection.cursor() as cursor:
        lift_triggers(cursor)
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS ledger_chainhead_no_rewind")
        entries, lines = verify.read_chunk(verify.posted_ids())
        for entry in entries:
            entry.previous_hash = previous
            previous = switch._old_hash(entry, lines[entry.pk])
            cursor.execute("UPDATE ledger_entry SET previous_hash = %s, hash = %s WHERE id = %s",
                           [entry.previous_hash, previous, entry.pk])  # fmt: skip
        cursor.execute("UPDATE ledger_chainhead SET last_hash = %s", [previous])


def _migrate() -> None:
    switch.reseal(django_apps, SimpleNamespace(connection=connection))


def test_the_switch_reseals_sound_old_books_with_the_key(books):
    entries = [sale(books, label=f"Facture F-{i}") for i in range(3)]
    services.reverse_entry(actor=books["actor"], entry=entries[0], date=dt.date(2026, 3, 20))
    _write_old_chain()
    assert verify_all()[CHAIN]  # the old seals do not pass the keyed check
    numbers = list(Entry.objects.order_by("chain_index").values_list("chain_index", "number", "date", "label"))
    _migrate()
    assert verify_all() == {check: [] for check in verify_all()}  # triggers back, chain keyed
    assert list(Entry.objects.order_by("chain_index").values_list("chain_index", "number", "date", "label")) == numbers
    assert chain.current_head() == (4, Entry.objects.get(chain_index=4).hash, 4)


def test_the_switch_refuses_to_launder_old_books_already_altered(books):
    entries = [sale(books, label=f"Facture F-{i}") for i in range(3)]
    _write_old_chain()
    with connection.cursor() as cursor:
        lift_triggers(cursor)
        cursor.execute("UPDATE ledger_entryline SET credit = credit * 2 WHERE entry_id = %s", [entries[1].pk])
    before = list(Entry.objects.values_list("hash", flat=True))
    with pytest.raises(RuntimeError, match="l'écriture VT 2 — Facture F-1 a été modifiée après validation"):
        _migrate()
    assert list(Entry.objects.values_list("hash", flat=True)) == before


# --- The head recorded outside the database: closing report, FEC export manifest, verification page ----------


def test_the_closing_report_prints_the_head_recorded_outside_the_database(
    client_as, books, monkeypatch, django_capture_on_commit_callbacks
):
    from pilote.ledger import closing
    from pilote.ledger.tests.test_closing import AFTER, declare_vat_year

    Account.objects.create(code="120", label="Résultat de l'exercice - bénéfice")
    sale(books)
    declare_vat_year(books)
    monkeypatch.setattr(closing, "local_today", lambda: AFTER)
    client = client_as("comptable")
    url = reverse("ledger:closing-confirm", args=[books["year"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirmation": "CLÔTURER"})
    assert response.status_code == 302 and response["Location"] == reverse("ledger:closing", args=[books["year"].pk])
    head = chain.current_head()  # the à-nouveaux entry included
    assert [(h.reason, h.subject, h.head) for h in heads.recorded()] == [("cloture", "Exercice 2026", head)]
    assert (heads.private_root() / "chaine" / "tetes.jsonl").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Rapport de clôture" in page and head.seal in page and f"verify_ledger --head {head}" in page


def test_the_fec_manifest_gives_the_file_digest_and_the_head(client_as, books, structure):
    sale(books)
    client = client_as("auditeur")
    fec = b"".join(client.get(reverse("ledger:fec-download", args=[books["year"].pk])).streaming_content)
    response = client.get(reverse("ledger:fec-manifest", args=[books["year"].pk]))
    assert response["Content-Disposition"] == 'attachment; filename="912345675FEC20261231-manifeste.txt"'
    text = response.content.decode()
    head = chain.current_head()
    assert f"Empreinte SHA-256 du fichier : {hashlib.sha256(fec).hexdigest()}" in text
    assert "Fichier : 912345675FEC20261231.txt" in text and "3 lignes d'écriture" in text
    assert f"  empreinte : {head.seal}" in text and f"verify_ledger --head {head}" in text
    recorded = heads.recorded(heads.FEC_EXPORT)
    assert [h.subject for h in recorded] == ["912345675FEC20261231.txt"] * 2  # the download and the manifest
    assert fec.startswith(b"JournalCode|JournalLib|")  # the FEC itself unchanged


def test_the_verification_page_checks_a_pasted_head(client_as, books):
    entries = [sale(books, label=f"Facture F-{i}") for i in range(2)]
    recorded = chain.current_head()
    client = client_as("auditeur")
    page = client.get(reverse("ledger:verify"), {"head": str(recorded)}).content.decode()
    assert "✗" not in page and "tête relevée à l'indice 2" in page
    with connection.cursor() as cursor:
        lift_triggers(cursor)
        cursor.execute("UPDATE ledger_entryline SET label = 'autre' WHERE entry_id = %s", [entries[0].pk])
    _reseal_all(sealing.seal)
    assert "Aucune anomalie" in client.get(reverse("ledger:verify")).content.decode()
    page = client.get(reverse("ledger:verify"), {"head": str(recorded)}).content.decode()
    assert "la chaîne a été réécrite depuis ce relevé" in page
    refused = client.get(reverse("ledger:verify"), {"head": "12:abc"})
    assert refused.status_code == 200 and "Tête de chaîne illisible" in refused.content.decode()


def test_the_fec_and_its_manifest_without_an_opening_journal(client_as, books, structure):
    """Books without an à-nouveaux journal: the export streamed to the end (it failed on an empty `IN ()`)."""
    sale(books)
    Journal.objects.filter(kind=JournalKind.OPENING).delete()
    client = client_as("auditeur")
    fec = b"".join(client.get(reverse("ledger:fec-download", args=[books["year"].pk])).streaming_content)
    assert fec.count(b"\r\n") == 4
    assert (
        hashlib.sha256(fec).hexdigest()
        in client.get(reverse("ledger:fec-manifest", args=[books["year"].pk])).content.decode()
    )
