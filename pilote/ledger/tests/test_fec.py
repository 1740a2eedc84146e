"""FEC export and import (FRENCH-RULES.md §1): golden file, round trip, refusals, commands."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent, Structure
from pilote.ledger import batch, fec, fec_import, lettering, services
from pilote.ledger.fec_import import FecImportError, import_fec, validate_fec
from pilote.ledger.models import Account, AuxiliaryAccount, Entry, EntryLine, FiscalYear, Journal
from pilote.ledger.queries import trial_balance
from pilote.ledger.tests.conftest import sale
from pilote.ledger.verify import verify_all

L = services.LineInput
GOLDEN = Path(__file__).parent / "golden" / "fec_small.txt"
LEGAL_NAME = "912345675FEC20261231.txt"  # the `structure` fixture's SIREN, FY 2026 closing date


@pytest.fixture
def clock(monkeypatch):
    """A settable `timezone.now`, so posting timestamps (ValidDate) are deterministic."""
    state = {"now": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def set_to(text: str) -> None:
        state["now"] = dt.datetime.fromisoformat(text)

    return set_to


def small_books(books, clock) -> None:
    """Sales with a customer sub-ledger account, a bank payment lettered with the first one, a purchase with
    awkward labels, a reversal, the à-nouveaux posted last but dated 1 January, and one draft that must stay
    out of the FEC."""
    a, j, actor = books["a"], books["j"], books["actor"]
    clock("2026-03-15T10:00:00+00:00")
    sale(books)  # VT 1
    clock("2026-03-20T09:00:00+00:00")
    services.create_entry(
        actor=actor,
        journal=j["BQ"],
        date=dt.date(2026, 3, 20),
        label="Règlement client F-1",
        piece_ref="VIR-0320",
        piece_date=dt.date(2026, 3, 19),
        lines=[
            L(a["512"], debit=Decimal("120.00")),
            L(a["411"], credit=Decimal("120.00"), auxiliary=books["customer"]),
        ],
        post=True,
    )
    clock("2026-03-20T21:30:00+00:00")  # 20 March 22:30 in Paris: DateLet 20260320
    customer_lines = EntryLine.objects.filter(auxiliary=books["customer"]).order_by("id")
    lettering.letter_lines(actor=actor, lines=list(customer_lines))
    clock("2026-03-25T12:00:00+00:00")
    services.create_entry(
        actor=actor,
        journal=j["AC"],
        date=dt.date(2026, 3, 24),
        label="Achat fournitures – Papeterie l’Œillet « mars » 300 €",
        piece_ref="FA|778",
        piece_date=dt.date(2026, 3, 22),
        lines=[
            L(a["606"], debit=Decimal("250.00"), label="Fournitures | bureau\r\nmars"),
            L(a["44566"], debit=Decimal("50.00"), label="TVA\t20 %"),
            L(a["401"], credit=Decimal("300.00"), auxiliary=books["supplier"]),
        ],
        post=True,
    )
    clock("2026-04-02T08:00:00+00:00")
    second = sale(books, amount="50.00", vat="10.00", day=dt.date(2026, 4, 2), label="Facture F-2")  # VT 2
    clock("2026-04-05T08:00:00+00:00")
    services.reverse_entry(actor=actor, entry=second, date=dt.date(2026, 4, 5))  # VT 3
    clock("2026-04-30T22:30:00+00:00")  # 1 May 00:30 in Paris: ValidDate 20260501
    services.create_entry(
        actor=actor,
        journal=j["AN"],
        date=dt.date(2026, 1, 1),
        label="À-nouveaux au 01/01/2026",
        lines=[
            L(a["512"], debit=Decimal("12345.67")),
            L(a["411"], debit=Decimal("1200.00"), auxiliary=books["customer"]),
            L(a["401"], credit=Decimal("800.00"), auxiliary=books["supplier"]),
            L(a["101"], credit=Decimal("12745.67")),
        ],
        post=True,
    )
    sale(books, day=dt.date(2026, 4, 10), label="Facture F-9 brouillon", post=False)


def snapshot_books(year) -> dict:
    """What must survive a round trip: the trial balance and the per-auxiliary balances."""
    aux = {}
    for line in EntryLine.objects.filter(entry__fiscal_year=year, entry__status="posted", auxiliary__isnull=False):
        key = (line.account.code, line.auxiliary.code, line.auxiliary.label)
        aux[key] = aux.get(key, Decimal(0)) + line.debit - line.credit
    return {"trial_balance": trial_balance(year), "auxiliaries": aux}


def nothing_written(before: dict) -> bool:
    return counts() == before


def counts() -> dict:
    models = [Entry, EntryLine, Account, Journal, AuxiliaryAccount, FiscalYear, AuditEvent]
    return {model.__name__: model.objects.count() for model in models}


# --- Export ---------------------------------------------------------------------------------------


def test_file_name_is_siren_fec_closing_date():
    assert fec.fec_filename("912 345 675", dt.date(2026, 12, 31)) == LEGAL_NAME
    with pytest.raises(ValueError, match="SIREN invalide"):
        fec.fec_filename("12345", dt.date(2026, 12, 31))


def test_export_matches_the_golden_file_byte_for_byte(books, clock):
    small_books(books, clock)
    data = fec.fec_bytes(books["year"])
    assert data == GOLDEN.read_bytes()
    text = data.decode(fec.ENCODING)
    assert "brouillon" not in text  # drafts never reach the FEC
    assert all(record.count("|") == 17 for record in text.split("\r\n")[:-1])
    assert text.endswith("||\r\n") and "\n" not in text.replace("\r\n", "")
    assert "€".encode(fec.ENCODING) == b"\xa4" and b"\xa4" in data  # ISO-8859-15, not Latin-1


def test_texts_already_clean_are_written_as_stored_and_the_rest_cleaned(books, clock, monkeypatch):
    """A block whose texts are all their own `clean` is written without cleaning each one (`_all_clean`); one entry
    and one line per block here, so the golden file's clean entries take that path and its dirty label the other."""
    small_books(books, clock)
    monkeypatch.setattr(fec, "ENTRY_CHUNK", 1)
    monkeypatch.setattr(fec, "WRITE_BATCH", 1)
    seen, real = [], fec._all_clean
    monkeypatch.setattr(fec, "_all_clean", lambda texts: seen.append(real(texts)) or seen[-1])
    assert fec.fec_bytes(books["year"]) == GOLDEN.read_bytes()
    assert True in seen and False in seen


TEXTS = st.text(
    alphabet=st.sampled_from(list("aZ9 |-'€éŒ\t\r\n\x00\x7f\xa0\x85\xa4\u2019\u2026\u200b\u3000")), max_size=6
)


@given(st.lists(TEXTS, min_size=1, max_size=5))
def test_a_block_is_taken_as_stored_only_when_each_text_is_clean(texts):
    if fec._all_clean(texts):
        assert all(fec.clean(text) == text for text in texts)
    elif all(text.isascii() for text in texts):  # the check is exact on ASCII, cautious beyond it
        assert any(fec.clean(text) != text for text in texts)


def test_first_data_lines_are_the_a_nouveaux(books, clock):
    small_books(books, clock)  # the à-nouveaux entry is posted last
    lines = list(fec.iter_fec_lines(books["year"]))
    assert lines[0].split("|") == list(fec.FEC_FIELDS)
    assert [line.split("|")[0] for line in lines[1:5]] == ["AN"] * 4
    assert all(line.split("|")[0] != "AN" for line in lines[5:])
    assert lines[1].split("|")[2] == "AN2026-000001" and lines[1].split("|")[3] == "20260101"


def test_write_fec_counts_records(books, clock, tmp_path):
    small_books(books, clock)
    assert fec.write_fec(books["year"], tmp_path / LEGAL_NAME) == 18
    assert (tmp_path / LEGAL_NAME).read_bytes() == GOLDEN.read_bytes()


def test_an_empty_year_gives_the_header_alone(books):
    assert fec.fec_bytes(books["year"]) == ("|".join(fec.FEC_FIELDS) + "\r\n").encode()


# --- Import ---------------------------------------------------------------------------------------


def test_the_golden_file_is_a_valid_fec(personas, tmp_path):
    report = validate_fec(GOLDEN)
    assert report.problems == [] and report.is_valid
    assert (report.encoding, report.separator, report.amounts) == ("ISO-8859-15", "|", "Debit/Credit")
    assert (report.line_count, report.entry_count, report.grouped) == (18, 6, False)
    assert report.opening_journals == {"AN"}
    assert report.total_debit == report.total_credit == Decimal("14205.67")
    assert report.warnings == [
        "2 ligne(s) lettrée(s) : le lettrage du fichier (EcritureLet, DateLet) est repris tel quel.",
        "Journal(aux) d'à-nouveaux AN : repris comme soldes d'ouverture de l'exercice (pas comme des mouvements).",
        "Le nom du fichier « fec_small.txt » ne suit pas la forme légale SIRENFECAAAAMMJJ.txt : le SIREN et la "
        "date de clôture n'ont pas pu être contrôlés.",
    ]
    # The year to open starts on the à-nouveaux' date and ends on the closing date of a legal file name (else
    # at the end of the last entry's month); the user confirms them on the upload page.
    assert report.new_fiscal_year == (dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    (tmp_path / LEGAL_NAME).write_bytes(GOLDEN.read_bytes())
    assert validate_fec(tmp_path / LEGAL_NAME).new_fiscal_year == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert "exercice à créer du 01/01/2026 au 31/12/2026" in validate_fec(tmp_path / LEGAL_NAME).summary()


def test_round_trip_keeps_the_books(personas, request, clock, tmp_path):
    # Build, export and measure the books inside a savepoint, then roll it back: the import starts from
    # an empty ledger (posted entries cannot be deleted, but a rollback is not a deletion).
    savepoint = transaction.savepoint()
    books = request.getfixturevalue("books")
    small_books(books, clock)
    exported = fec.fec_bytes(books["year"])
    original = snapshot_books(books["year"])
    transaction.savepoint_rollback(savepoint)
    assert not Entry.objects.exists() and not Account.objects.exists() and not FiscalYear.objects.exists()

    path = tmp_path / LEGAL_NAME
    path.write_bytes(exported)
    clock("2026-05-02T08:00:00+00:00")
    result = import_fec(path, actor=personas["comptable"])
    assert (result.entries, result.lines, result.fiscal_year_created) == (6, 18, True)
    assert (result.accounts_created, result.journals_created, result.auxiliaries_created) == (8, 4, 2)
    year = result.fiscal_year
    assert (year.start_date, year.end_date) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert snapshot_books(year) == original
    assert all(problems == [] for problems in verify_all().values())
    assert Journal.objects.get(code="AN").kind == "opening" and Journal.objects.get(code="BQ").kind == "bank"

    # Exported again, only ValidDate (the new posting date) and the lettrage (not imported) differ.
    def comparable(data: bytes) -> list[list[str]]:
        return [
            [field for i, field in enumerate(record.split("|")) if i not in (13, 14, 15)]
            for record in data.decode(fec.ENCODING).split("\r\n")
        ]

    assert comparable(fec.fec_bytes(year)) == comparable(exported)


def test_import_accepts_tabs_utf8_with_bom_and_montant_sens(personas):
    text = GOLDEN.read_bytes().decode("iso-8859-15")
    records = [record.split("|") for record in text.split("\r\n")[:-1]]
    converted = []
    for i, fields in enumerate(records):
        if i == 0:
            fields[11:13] = ["Montant", "Sens"]
        else:
            debit, credit = fields[11], fields[12]
            fields[11:13] = [debit, "D"] if debit != "0,00" else [credit.replace(",", "."), "C"]
        converted.append("\t".join(fields))
    data = b"\xef\xbb\xbf" + "\n".join(converted).encode("utf-8")  # LF, no terminator after the last line
    report = validate_fec(data, fiscal_year=(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    assert report.problems == []
    assert (report.encoding, report.separator, report.amounts) == ("UTF-8 (avec BOM)", "\t", "Montant/Sens")
    result = import_fec(report, actor=personas["comptable"])
    assert result.entries == 6
    purchase = Entry.objects.get(journal__code="AC")
    assert purchase.label == "Fournitures bureau mars"  # a FEC has no entry label: the first line's is used
    assert [line.label for line in purchase.lines.all()] == [
        "",
        "TVA 20 %",
        "Achat fournitures - Papeterie l'Œillet « mars » 300 €",
    ]


def test_progress_is_reported_every_n_entries(personas, monkeypatch):
    monkeypatch.setattr(fec_import.importing, "PROGRESS_EVERY", 2)
    calls = []
    import_fec(GOLDEN, actor=personas["comptable"], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, 6), (4, 6), (6, 6)]


def _golden_records() -> list[list[str]]:
    return [record.split("|") for record in GOLDEN.read_bytes().decode("iso-8859-15").split("\r\n")[:-1]]


def _to_bytes(records: list[list[str]]) -> bytes:
    return ("\r\n".join("|".join(fields) for fields in records) + "\r\n").encode("iso-8859-15")


def _set(line: int, column: str, value: str):
    def change(records):
        records[line - 1][fec.FEC_FIELDS.index(column)] = value

    return change


def _truncate(records):
    del records[6][15:]


def _rename_header(records):
    records[0][2] = "EcritureNo"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_rename_header, "Ligne 1 : en-tête invalide, colonne 3 : « EcritureNo » au lieu de « EcritureNum »"),
        (_set(3, "Debit", "1200,01"), "Ligne 2 (écriture JournalCode AN, EcritureNum AN2026-000001) : écriture "
         "déséquilibrée, Debit 13545,68 ≠ Credit 13545,67 (écart 0,01)."),
        (_set(4, "EcritureDate", "20261332"), "Ligne 4 : date EcritureDate « 20261332 » invalide"),
        (_set(6, "ValidDate", "2026-03-15"), "Ligne 6 : date ValidDate « 2026-03-15 » invalide"),
        (_set(2, "Debit", "12 345,67"), "Ligne 2 : montant Debit « 12 345,67 » invalide"),
        (_set(7, "Credit", "-100,00"), "Ligne 7 : montant Credit « -100,00 » négatif"),
        (_set(7, "Debit", "5,00"), "Ligne 7 : Debit et Credit renseignés tous les deux"),
        (_set(9, "EcritureLib", ""), "Ligne 9 : champ EcritureLib obligatoire vide."),
        (_set(9, "CompteNum", ""), "Ligne 9 : champ CompteNum obligatoire vide."),
        (_set(9, "CompteNum", "9512"), "Ligne 9 : CompteNum « 9512 » invalide"),
        (_set(10, "CompAuxLib", ""), "Ligne 10 : CompAuxNum et CompAuxLib vont ensemble ; CompAuxLib est vide."),
        (_truncate, "Ligne 7 : 15 champ(s) au lieu de 18 (ligne tronquée"),
        (_set(6, "EcritureLet", ""), "Ligne 6 : DateLet renseignée sans EcritureLet."),
    ],
)  # fmt: skip
def test_malformed_files_are_refused_and_nothing_is_written(personas, change, message):
    records = _golden_records()
    change(records)
    data = _to_bytes(records)
    report = validate_fec(data)
    assert not report.is_valid
    assert any(message in problem for problem in report.problems), report.problems
    before = counts()
    with pytest.raises(FecImportError, match="Fichier FEC refusé") as refused:
        import_fec(data, actor=personas["comptable"])
    assert any(message in problem for problem in refused.value.problems)
    assert nothing_written(before)


def test_one_cause_on_every_line_is_counted_to_the_end_of_the_file(personas):
    """Issue 9 point 4: one cause repeated 200 times under a summary saying « 0 ligne(s) »."""
    records = _golden_records()
    records += [list(records[2]) for _ in range(300)]
    for fields in records[1:]:
        fields[3] = "20260230"
    report = validate_fec(_to_bytes(records))
    assert report.line_count == 318 and report.summary().startswith("318 ligne(s)")
    assert report.problem_count == 318 and len(report.problems) == fec_import.report.PER_CAUSE
    assert report.problems[0] == "Ligne 2 : date EcritureDate « 20260230 » invalide (format AAAAMMJJ attendu)."
    [(cause, count, lines)] = report.problem_causes
    assert (cause, count) == ("date EcritureDate « … » invalide (format AAAAMMJJ attendu).", 318)
    assert lines[:4] == [2, 3, 4, 5] and len(lines) == 10


def test_a_failure_while_posting_rolls_everything_back(personas, monkeypatch):
    monkeypatch.setattr(fec_import.importing, "PROGRESS_EVERY", 2)
    real, calls = batch.post_many, []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first batch is already posted
            raise DomainError("panne simulée")
        return real(**kwargs)

    monkeypatch.setattr(batch, "post_many", failing)
    before = counts()
    with pytest.raises(FecImportError, match="^Import annulé, rien n'a été enregistré : panne simulée$"):
        import_fec(GOLDEN, actor=personas["comptable"])
    assert nothing_written(before)


def test_books_changed_after_validation_are_checked_again_when_posting(books):
    report = validate_fec(GOLDEN)
    assert report.is_valid
    FiscalYear.objects.filter(pk=books["year"].pk).update(status="closed")
    before = counts()
    with pytest.raises(FecImportError, match=r"Ligne 2 \(écriture AN AN2026-000001\) : Exercice 2026 est clôturé"):
        import_fec(report, actor=books["actor"])
    assert nothing_written(before)


def test_the_target_year_must_be_empty(books, clock):
    sale(books)
    report = validate_fec(GOLDEN)
    assert any("contient déjà 1 écriture(s) validée(s)" in p for p in report.problems)


def test_dates_outside_the_given_year(personas):
    report = validate_fec(GOLDEN, fiscal_year=(dt.date(2026, 2, 1), dt.date(2027, 1, 31)))
    assert "Ligne 2 : date EcritureDate « 20260101 » hors de l'exercice du 01/02/2026 au 31/01/2027." in report.problems


def test_gaps_in_ecriture_num_are_a_warning_not_a_refusal(personas):
    records = _golden_records()
    for fields in records[1:]:
        if fields[2] == "VT2026-000003":
            fields[2] = "VT2026-000007"
    report = validate_fec(_to_bytes(records))
    assert report.is_valid
    assert any(
        "Journal VT : numérotation EcritureNum discontinue (4 numéro(s) manquant(s)" in w for w in report.warnings
    )


# --- Commands ------------------------------------------------------------------------------------


def test_export_command_writes_the_legal_file_name(books, clock, tmp_path, capsys):
    small_books(books, clock)
    call_command("fec_export", "--year", "2026", "--output", str(tmp_path))
    assert (tmp_path / LEGAL_NAME).read_bytes() == GOLDEN.read_bytes()
    out, err = capsys.readouterr()
    assert "18 ligne(s)" in out and "1 brouillard(s) non validé(s)" in err
    call_command("fec_export", "--year", "2026", "--output", str(tmp_path / "autre.txt"))
    assert (tmp_path / "autre.txt").read_bytes() == GOLDEN.read_bytes()


def test_export_command_errors(books, tmp_path):
    with pytest.raises(CommandError, match="Aucun exercice ne se clôt en 2030"):
        call_command("fec_export", "--year", "2030", "--output", str(tmp_path))
    Structure.objects.update(siren="")
    with pytest.raises(CommandError, match="SIREN de la structure n'est pas renseigné"):
        call_command("fec_export", "--year", "2026", "--output", str(tmp_path))


def test_import_command(personas, capsys, monkeypatch):
    monkeypatch.setattr(fec_import.importing, "PROGRESS_EVERY", 5)
    call_command("fec_import", str(GOLDEN), "--actor", "direction", "--start", "2026-01-01", "--end", "2026-12-31")
    out, err = capsys.readouterr()
    assert "18 ligne(s), 6 écriture(s), encodage ISO-8859-15" in out
    assert "6 écriture(s) et 18 ligne(s) importées et validées dans Exercice 2026" in out
    assert "Import : 5/6 écritures" in err and "Import : 6/6 écritures" in err
    assert Entry.objects.filter(status="posted").count() == 6
    assert set(Entry.objects.values_list("created_by__username", flat=True)) == {"direction"}


def test_import_command_refuses_an_invalid_file(personas, tmp_path, capsys):
    records = _golden_records()
    _set(4, "EcritureDate", "20261332")(records)
    path = tmp_path / "faux.txt"
    path.write_bytes(_to_bytes(records))
    before = counts()
    with pytest.raises(CommandError, match=r"Fichier refusé : \d+ anomalie\(s\) ; rien n'a été importé."):
        call_command("fec_import", str(path))
    assert "Ligne 4 : date EcritureDate « 20261332 » invalide" in capsys.readouterr().out
    assert nothing_written(before)
    # One cause on many lines: counted over the whole file, said once with its first lines.
    for fields in records[1:]:
        fields[3] = "20261332"
    path.write_bytes(_to_bytes(records))
    with pytest.raises(CommandError, match=r"Fichier refusé : 18 anomalie\(s\)"):
        call_command("fec_import", str(path))
    assert (
        "= 18 fois : date EcritureDate « … » invalide (format AAAAMMJJ attendu). (lignes 2, 3, 4, 5, 6, 7, 8, 9, "
        "10, 11…)" in capsys.readouterr().out
    )
    with pytest.raises(CommandError, match="Aucun utilisateur actif « personne »"):
        call_command("fec_import", str(GOLDEN), "--actor", "personne")


def test_import_into_an_existing_empty_year_reuses_the_references(books):
    result = import_fec(GOLDEN, actor=books["actor"])
    assert result.fiscal_year == books["year"] and not result.fiscal_year_created
    assert (result.accounts_created, result.journals_created, result.auxiliaries_created) == (0, 0, 0)
    assert Entry.objects.filter(journal__code="AN", number=1, status="posted").exists()


def test_blank_lines_and_split_entries(personas):
    records = _golden_records()
    records[6][3] = "20260316"  # second line of VT2026-000001 on another day
    data = _to_bytes(records[:3]) + b"\r\n" + _to_bytes(records[3:])[: -len(b"\r\n")] + b"\r\n\r\n\r\n"
    report = validate_fec(data)
    assert "Ligne 4 : ligne vide (le FEC n'en admet aucune)." in report.problems
    assert any(
        p.startswith("Ligne 8 : EcritureDate « 20260316 » différente de celle de la ligne 7") for p in report.problems
    )
    assert "2 ligne(s) vide(s) en fin de fichier ignorée(s)." in report.warnings


def test_split_entries_and_late_a_nouveaux_are_imported_in_order(personas):
    """The file is streamed: an entry whose lines are not consecutive is posted once its last line is
    read, the à-nouveaux are posted first wherever they are, and the others keep the file's order."""
    records = _golden_records()
    header, body = records[0], records[1:]
    opening = [r for r in body if r[0] == "AN"]
    others = [r for r in body if r[0] != "AN"]
    first_sale = [r for r in others if r[2] == "VT2026-000001"]
    rest = [r for r in others if r[2] != "VT2026-000001"]
    # VT2026-000001 split around the next entry, the à-nouveaux at the end of the file.
    shuffled = [first_sale[0], *rest[:2], *first_sale[1:], *rest[2:], *opening]
    result = import_fec(_to_bytes([header, *shuffled]), actor=personas["comptable"])
    assert result.entries == 6 and result.lines == 18
    posted = Entry.objects.filter(status="posted").order_by("chain_index")
    first_lines = {(r[0], r[2]): r[10] for r in reversed(shuffled)}
    order = list(dict.fromkeys((r[0], r[2]) for r in shuffled if r[0] != "AN"))
    assert [e.journal.code for e in posted][0] == "AN"
    assert [e.label for e in posted][1:] == [first_lines[key] for key in order]
    assert all(problems == [] for problems in verify_all().values())


def test_a_file_changed_after_validation_is_not_imported(personas, tmp_path):
    path = tmp_path / LEGAL_NAME
    path.write_bytes(GOLDEN.read_bytes())
    report = validate_fec(path)
    assert report.is_valid
    path.write_bytes(GOLDEN.read_bytes() + _to_bytes([_golden_records()[2]]))
    before = counts()
    with pytest.raises(FecImportError, match="Le fichier a changé depuis sa vérification"):
        import_fec(report, actor=personas["comptable"])
    assert nothing_written(before)
