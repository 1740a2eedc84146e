"""FEC import streamed with nothing kept per entry: files whose entries are not consecutive are regrouped,
their problems still name the file's lines, and validation memory does not grow with the entries."""

import datetime as dt
import os
import tracemalloc

import pytest

from pilote.ledger import fec_import
from pilote.ledger.fec_import import FecImportError, import_fec, validate_fec
from pilote.ledger.models import Entry, EntryLine
from pilote.ledger.tests.test_fec import _golden_records, _to_bytes, counts, nothing_written
from pilote.ledger.verify import verify_all

# Golden file lines (header = 1): AN 2-5, VT1 6-8, BQ1 9-10, AC1 11-13, VT2 14-16, VT3 17-19.
INTERLEAVED = [6, 9, 2, 11, 7, 10, 3, 4, 12, 13, 8, 5, 14, 17, 15, 18, 16, 19]


def _interleaved(change=None) -> bytes:
    records = _golden_records()
    if change:
        change(records)
    return _to_bytes([records[0], *(records[line - 1] for line in INTERLEAVED)])


def test_a_valid_file_whose_entries_are_interleaved_is_regrouped_and_imported(personas):
    data = _interleaved()
    report = validate_fec(data)
    assert report.problems == [] and report.grouped
    assert (report.line_count, report.entry_count) == (18, 6)
    assert any("ne se suivent pas dans le fichier" in warning for warning in report.warnings)
    assert not any("discontinue" in warning for warning in report.warnings)
    result = import_fec(report, actor=personas["comptable"])
    assert (result.entries, result.lines) == (6, 18)
    posted = list(Entry.objects.filter(status="posted").order_by("chain_index").select_related("journal"))
    # The à-nouveaux first, then the entries in the order of their first line (VT1 6, BQ1 9, AC1 11…).
    assert [(e.journal.code, e.number) for e in posted] == [
        ("AN", 1), ("VT", 1), ("BQ", 1), ("AC", 1), ("VT", 2), ("VT", 3)
    ]  # fmt: skip
    assert [EntryLine.objects.filter(entry=e).count() for e in posted] == [4, 3, 2, 3, 3, 3]
    assert all(problems == [] for problems in verify_all().values())


def test_an_unbalanced_entry_split_across_the_file_names_its_first_line_and_whole_totals(personas):
    def unbalance(records):
        records[7][12] = "21,00"  # line 8 (VT1's 44571 credit), the 11th record of the interleaved file

    data = _interleaved(unbalance)
    report = validate_fec(data)
    assert report.problems == [
        "Ligne 2 (écriture JournalCode VT, EcritureNum VT2026-000001) : écriture déséquilibrée, "
        "Debit 120,00 ≠ Credit 121,00 (écart -1,00)."
    ]
    before = counts()
    with pytest.raises(FecImportError, match="Fichier FEC refusé"):
        import_fec(data, actor=personas["comptable"])
    assert nothing_written(before)


def test_a_consecutive_unbalanced_entry_is_reported_as_soon_as_it_ends(personas):
    records = _golden_records()
    records[9][12] = "119,99"  # line 10: BQ1 credit
    report = validate_fec(_to_bytes(records))
    assert not report.grouped
    assert report.problems == [
        "Ligne 9 (écriture JournalCode BQ, EcritureNum BQ2026-000001) : écriture déséquilibrée, "
        "Debit 120,00 ≠ Credit 119,99 (écart 0,01)."
    ]


def test_problems_of_a_regrouped_file_keep_the_file_line_numbers(personas):
    def wrong_date(records):
        records[9][3] = "20260321"  # line 10, BQ1's second line, on another day

    report = validate_fec(_interleaved(wrong_date))
    line_of = {line: position for position, line in enumerate(INTERLEAVED, start=2)}
    assert report.problems == [
        f"Ligne {line_of[10]} : EcritureDate « 20260321 » différente de celle de la ligne {line_of[9]} "
        "pour la même écriture (BQ BQ2026-000001)."
    ]


def test_dates_outside_the_year_name_the_first_line_of_each_entry_in_a_regrouped_file(personas):
    report = validate_fec(_interleaved(), fiscal_year=(dt.date(2026, 2, 1), dt.date(2027, 1, 31)))
    assert report.grouped
    assert report.problems == [  # the à-nouveaux start on the 4th line of the interleaved file
        "Ligne 4 : date EcritureDate « 20260101 » hors de l'exercice du 01/02/2026 au 31/01/2027."
    ]


def test_a_blank_line_inside_a_regrouped_file_is_still_refused(personas):
    data = _interleaved()
    lines = data.split(b"\r\n")
    data = b"\r\n".join([*lines[:5], b"", *lines[5:]])  # a blank line 6
    report = validate_fec(data)
    assert report.grouped
    assert report.problems == ["Ligne 6 : ligne vide (le FEC n'en admet aucune)."]


def test_numbers_are_kept_as_intervals():
    numbers = fec_import.numbering.Numbers()
    assert all(numbers.add(f"VT2026-{n:06d}") for n in range(1, 100_001))
    assert numbers.span() == [(1, 100_000)]
    assert len(numbers.intervals[("VT2026-", 6)][0]) == 1
    assert not numbers.add("VT2026-000500")
    assert numbers.add("VT2026-500")  # another text: another entry
    for n in (100_005, 100_003, 100_004, 100_002, 100_001):  # holes filled in any order merge back
        assert numbers.add(f"VT2026-{n:06d}")
    assert numbers.span() == [(1, 100_005)] and len(numbers.intervals[("VT2026-", 6)][0]) == 1
    assert not numbers.add("VT2026-100003")
    assert numbers.add("A") and not numbers.add("A")
    assert numbers.add("X" + "9" * 30)  # beyond 64 bits: kept as text


def _generated_fec(entries: int) -> bytes:
    header = _golden_records()[0]
    rows = [header]
    for n in range(1, entries + 1):
        day = f"2026{n % 12 + 1:02d}{n % 28 + 1:02d}"
        common = ["VT", "Ventes", f"VT2026-{n:06d}", day]
        piece, end = [f"F{n}", day, f"Facture {n}"], ["", "", day, "", ""]
        rows.append([*common, "411", "Clients", "C000001", "Client", *piece, "12,00", "0,00", *end])
        rows.append([*common, "707", "Ventes", "", "", *piece, "0,00", "12,00", *end])
    return _to_bytes(rows)


def _validation_peak(data: bytes) -> int:
    tracemalloc.start()
    try:
        report = validate_fec(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.problems == []
    return peak


def test_validation_memory_does_not_grow_with_the_number_of_entries(personas, monkeypatch):
    monkeypatch.setattr(fec_import.reading, "READ_BLOCK", 1 << 16)  # both files are read by blocks of the same size
    small, large = _generated_fec(1_000), _generated_fec(20_000)
    _validation_peak(small)  # caches and imports warmed up
    growth = _validation_peak(large) - _validation_peak(small)
    # One record per entry (the former design) cost ~300 bytes: 19,000 entries would add ~5.7 MB.
    assert growth < 500_000, growth


def test_a_file_changed_under_the_same_size_and_date_is_recognised_by_its_totals(personas, tmp_path):
    path = tmp_path / "912345675FEC20261231.txt"
    path.write_bytes(_to_bytes(_golden_records()))
    report = validate_fec(path)
    assert report.is_valid
    stat = path.stat()
    records = _golden_records()
    records[8][11] = records[9][12] = "130,00"  # BQ1 still balanced, same size, other totals
    path.write_bytes(_to_bytes(records))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    before = counts()
    with pytest.raises(FecImportError, match="Le fichier a changé depuis sa vérification"):
        import_fec(report, actor=personas["comptable"])
    assert nothing_written(before)
