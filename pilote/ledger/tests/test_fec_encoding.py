"""FEC encodings (FRENCH-RULES §1: ISO-8859-15 by the text, UTF-8 in practice): found per file, a file that
mixes two encodings refused with the offending lines, and nothing posted that does not decode cleanly."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.core.models import Job, JobStatus
from pilote.ledger.fec_import.importing import import_fec
from pilote.ledger.fec_import.validation import validate_fec
from pilote.ledger.models import Entry, EntryLine

GOLDEN = Path(__file__).parent / "golden" / "fec_small.txt"  # ISO-8859-15, CR LF
NAME = "912345675FEC20261231.txt"


def _records() -> list[str]:
    return GOLDEN.read_bytes().decode("iso-8859-15").split("\r\n")


def _mixed() -> bytes:
    """What a cabinet sends when it pastes the first entries exported by one program (UTF-8, lines 1–12)
    above the later ones exported by another (ISO-8859-15, lines 13–19): « À-nouveaux », « TVA collectée »
    in UTF-8 above « Papeterie l'Œillet », « n° 2 » in ISO-8859-15."""
    records = _records()
    head = "\r\n".join(records[:12]) + "\r\n"
    tail = "\r\n".join(records[12:])
    return head.encode("utf-8") + tail.encode("iso-8859-15")


def test_a_file_mixing_two_encodings_is_refused_with_the_offending_lines(personas):
    data = _mixed()
    accented = [n for n, record in enumerate(_records(), start=1) if not record.isascii()]
    assert [n for n in accented if n > 12] == [13, 16, 17, 18, 19] and len(accented) == 14  # UTF-8: 9 of 14
    report = validate_fec(data)
    assert not report.is_valid and report.encoding.startswith("mélangé")
    causes = [cause for cause in report.problem_causes if "deux encodages" in cause[0]]
    assert len(causes) == 1 and causes[0][1] == 5 and causes[0][2] == [13, 16, 17, 18, 19]
    assert any(
        problem.startswith("Ligne 13 : accents encodés autrement que dans le reste du fichier (ISO-8859-15 ou "
                           "Windows-1252 ici, UTF-8 ailleurs)")
        for problem in report.problems
    )  # fmt: skip
    assert validate_fec(data).problem_count == report.problem_count


def test_a_utf8_file_with_a_bom_names_its_8_bit_lines(personas):
    records = _records()
    data = b"\xef\xbb\xbf" + "\r\n".join(records).encode("utf-8")
    data = data.replace(b"Facture F-1|120,00", "Facture F-1 réglée|120,00".encode("cp1252"), 1)
    report = validate_fec(data)
    assert not report.is_valid
    assert [cause[2] for cause in report.problem_causes if "deux encodages" in cause[0]] == [[6]]


def test_the_refusal_reaches_the_report_page_grouped_and_nothing_is_posted(client_as):
    client = client_as("comptable")
    client.post(reverse("ledger:fec-import"), {"fichier": SimpleUploadedFile(NAME, _mixed(), "text/plain")})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and not Entry.objects.exists()
    page = client.get(reverse("ledger:fec-import-job", args=[job.pk])).content.decode()
    assert "le fichier mélange deux encodages" in page and "Ligne 16 : accents" in page


def test_a_windows_1252_file_keeps_its_euro_sign_and_apostrophes(personas):
    """Bytes 0x80–0x9F are letters only in Windows-1252 (€ = 0x80, ’ = 0x92): such a file is read as
    Windows-1252, where ISO-8859-15 would have posted control characters."""
    records = _records()
    records[5] = records[5].replace("Facture F-1|", "Facture F-1 l’atelier 100 €|")
    data = "\r\n".join(records).encode("cp1252")
    assert b"\x92" in data and b"\x80" in data
    report = validate_fec(data)
    assert report.is_valid, report.problems
    assert report.encoding == "Windows-1252"
    import_fec(report, actor=personas["comptable"])
    labels = set(EntryLine.objects.values_list("label", flat=True)) | set(Entry.objects.values_list("label", flat=True))
    assert "Facture F-1 l’atelier 100 €" in labels, labels
    assert EntryLine.objects.filter(account__label="TVA collectée").exists()


def test_a_byte_no_encoding_reads_is_refused(personas):
    records = _records()
    records[6] = records[6].replace("Facture F-1", "Facture F-1 \x81")
    report = validate_fec("\r\n".join(records).encode("iso-8859-15"))
    assert not report.is_valid
    assert any(problem.startswith("Ligne 7 : caractère illisible") for problem in report.problems)


def test_single_encoding_files_are_still_read(personas):
    records = _records()
    for data, label in (
        ("\r\n".join(records).encode("iso-8859-15"), "ISO-8859-15"),
        ("\r\n".join(records).encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + "\r\n".join(records).encode("utf-8"), "UTF-8 (avec BOM)"),
    ):
        report = validate_fec(data)
        assert report.is_valid and report.encoding == label, (label, report.problems)


def test_a_lettering_minute_gets_its_day_in_paris():
    """SQLite gives the lettering time as UTC text to the minute (fec._line_blocks); its DateLet is the Paris day,
    across midnight and both changes of time."""
    from zoneinfo import ZoneInfo

    from pilote.ledger.fec import _ValidDays

    days = _ValidDays(ZoneInfo("Europe/Paris"))
    assert days["2026-04-30 22:30"] == "20260501"  # summer time: UTC+2
    assert days["2026-04-30 21:59"] == "20260430"
    assert days["2026-12-31 23:00"] == "20270101"  # winter time: UTC+1
    assert days["2026-12-31 22:59"] == "20261231"
    assert days["20260315"] == "20260315"  # PostgreSQL's, already the Paris day
