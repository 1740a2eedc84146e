"""The entries' words (`?q=`) on SQLite: found through the FTS5 trigram index (entry_words) with the same results as
the LIKE filter, on awkward words; the index follows drafts changed or deleted, and is rebuilt when a trigger was
missing (a migration that rebuilt ledger_entry)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q

from pilote.ledger import entry_words, queries, services
from pilote.ledger.models import Entry

pytestmark = pytest.mark.django_db
L = services.LineInput

TEXTS = [  # (label, piece)
    ("Facture « 100 % » remise", "FV-2026-0042"),
    ("Remise 50_50 Dépôt", "AB_12%"),
    ('Chèque "urgent" n°12', "CHQ-0012"),
    ("Électricité de l'Épicerie", "EDF 2026/03"),
    ("L'ÉPICERIE D'ANNE", "BQ-7"),
    ("Café crème 3,50 €", "T-0099"),
    ("Facture \\ antislash", "X'Y'Z"),
]
WORDS = [
    "100 %", "% »", "« 100", "0_5", "50_", "_12", "12%", '"urgent"', '"ur', "dépôt", "DÉPÔT", "Dépôt", "électricité",
    "ÉLECTRICITÉ", "Électricité", "épicerie", "ÉPICERIE", "epicerie", "l'é", "L'É", "3,50 €", "2026-004",
    "fv-2026", "ab_12%", "0012", "n°1", "zzqx", "facture", "FACTURE", "\\ a", "x'y", "026/0", "é d",
]  # fmt: skip


def _draft(books, label, piece):
    a = books["a"]
    return services.create_entry(
        actor=books["actor"], journal=books["j"]["OD"], date=dt.date(2026, 3, 1), label=label, piece_ref=piece,
        lines=[L(a["512"], debit=Decimal("1.00")), L(a["707"], credit=Decimal("1.00"))], post=False,
    )  # fmt: skip


def _by_index(words):
    return set(queries.filter_entries({"q": words}).values_list("label", flat=True))


def _by_like(words):
    return set(
        Entry.objects.filter(Q(label__icontains=words) | Q(piece_ref__icontains=words)).values_list("label", flat=True)
    )


@pytest.fixture
def sqlite_index():
    if not entry_words.available(connection):
        pytest.skip("SQLite's FTS5 trigram index only (PostgreSQL: trigram indexes; no FTS5: the LIKE itself)")


@pytest.mark.parametrize("many", [False, True])
def test_words_find_what_the_like_finds(books, sqlite_index, monkeypatch, many):
    """The index's candidates (few) or the LIKE alone (many: FEW lowered) give the LIKE's entries for every word:
    quotes, « % » and « _ » taken literally, accents, case (SQLite's LIKE folds ASCII letters only), digits, pieces."""
    for label, piece in TEXTS:
        _draft(books, label, piece)
    if many:
        monkeypatch.setattr(entry_words, "FEW", 0)
    for words in WORDS:
        assert _by_index(words) == _by_like(words), words
    assert entry_words.count("facture", connection, limit=100) == 2  # the index answers (not the LIKE alone)
    assert _by_index("100 %") == {"Facture « 100 % » remise"} and _by_index("12%") == {"Remise 50_50 Dépôt"}
    assert _by_index("électricité") == set() and _by_index("Électricité") == {"Électricité de l'Épicerie"}
    assert _by_index("ÉPICERIE") == {"L'ÉPICERIE D'ANNE", "Électricité de l'Épicerie"}  # « picerie » folded
    assert _by_index("épicerie") == set() and _by_index("fv-2026") == {"Facture « 100 % » remise"}


def test_index_follows_drafts_and_is_rebuilt_when_a_trigger_was_missing(books, sqlite_index):
    draft = _draft(books, "Loyer janvier", "QUIT-01")
    assert _by_index("loyer") == {"Loyer janvier"}
    draft.label, draft.piece_ref = "Bail mars", "QUIT-03"
    draft.save(update_fields=["label", "piece_ref"])
    assert _by_index("loyer") == set() and _by_index("bail") == {"Bail mars"} and _by_index("quit-03") == {"Bail mars"}
    draft.delete()
    assert _by_index("bail") == set()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER ledger_entry_fts_insert")  # as a migration rebuilding ledger_entry does
    _draft(books, "Assurance locaux", "AS-1")
    assert _by_index("assurance") == set() and entry_words.missing_triggers(connection) == ["ledger_entry_fts_insert"]
    entry_words.install_triggers(connection)  # after every migrate
    assert _by_index("assurance") == {"Assurance locaux"} and entry_words.missing_triggers(connection) == []
