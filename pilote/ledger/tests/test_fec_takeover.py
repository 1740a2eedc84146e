"""FEC take-over from another software (issue 9, points 3 and 4): the à-nouveaux as the year's opening, the
year's dates from the file, the SIREN of the file name, a re-export field by field, and valid files that
were refused.

The file below is built the way accounting packages write theirs, from their writers' code found with the
search tool (no real file of a company could be kept): tab-separated, ISO-8859-15, CR LF, amounts with a
decimal comma and 0,00 on the empty side; an opening journal `ANO` whose entries carry the prior-year
balances, dated on the year's first day, with the open customer and supplier items detailed (like
Microsoft Dynamics 365 Business Central's FEC writer, AL codeunit "Generate File FEC": its « BALANCE
OUVERTURE » entries, « BAL OUV » labels, one line per open third-party item, EcritureLet = the applied
documents with DateLet); a PieceRef per line that differs within an entry (a bank statement entry settling
two invoices); ValidDate earlier than the import; the legal name SIRENFECAAAAMMJJ.txt.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from pilote.ledger import fec, triggers
from pilote.ledger.fec_import import FecImportError, import_fec, validate_fec
from pilote.ledger.models import AccountBalance, Entry, EntryLine, Journal, JournalKind, Matching
from pilote.ledger.vat import compute_ca3
from pilote.ledger.verify import check_chain, verify_all

NAME = "912345675FEC20251231.txt"
HEADER = "\t".join(fec.FEC_FIELDS)
# JournalCode JournalLib EcritureNum EcritureDate CompteNum CompteLib CompAuxNum CompAuxLib PieceRef PieceDate
# EcritureLib Debit Credit EcritureLet DateLet ValidDate Montantdevise Idevise
ROWS = [
    "ANO|A-nouveaux|1|20250101|512000|Banque CIC|||AN2025|20250101|A nouveaux 2025|15000,00|0,00|||20250110||",
    "ANO|A-nouveaux|1|20250101|411000|Clients|CDUPONT|Dupont SA|FA2024-118|20250101|A nouveaux 2025|2400,00|0,00"
    "|AB|20250212|20250110||",
    "ANO|A-nouveaux|1|20250101|401000|Fournisseurs|FMARTIN|Martin SARL|FF-9921|20250101|A nouveaux 2025|0,00|"
    "960,00|||20250110||",
    "ANO|A-nouveaux|1|20250101|445660|TVA déductible sur ABS|||AN2025|20250101|A nouveaux 2025|160,00|0,00"
    "|||20250110||",
    "ANO|A-nouveaux|1|20250101|445710|TVA collectée|||AN2025|20250101|A nouveaux 2025|0,00|400,00|||20250110||",
    "ANO|A-nouveaux|1|20250101|101000|Capital|||AN2025|20250101|A nouveaux 2025|0,00|10000,00|||20250110||",
    "ANO|A-nouveaux|1|20250101|110000|Report à nouveau|||AN2025|20250101|A nouveaux 2025|0,00|6200,00|||20250110||",
    "VE|Ventes|1|20250203|411000|Clients|CDUPONT|Dupont SA|FA2025-001|20250203|Facture FA2025-001|1200,00|0,00"
    "|AB|20250212|20250228||",
    "VE|Ventes|1|20250203|706000|Prestations de services|||FA2025-001|20250203|Facture FA2025-001|0,00|1000,00"
    "|||20250228||",
    "VE|Ventes|1|20250203|445710|TVA collectée|||FA2025-001|20250203|Facture FA2025-001|0,00|200,00|||20250228||",
    "BQ|Banque CIC|1|20250212|512000|Banque CIC|||REL2025-02|20250212|Virement Dupont|3600,00|0,00|||20250228||",
    "BQ|Banque CIC|1|20250212|411000|Clients|CDUPONT|Dupont SA|FA2024-118|20250212|Virement Dupont|0,00|2400,00"
    "|AB|20250212|20250228||",
    "BQ|Banque CIC|1|20250212|411000|Clients|CDUPONT|Dupont SA|FA2025-001|20250212|Virement Dupont|0,00|1200,00"
    "|AB|20250212|20250228||",
    "BQ|Banque CIC|2|20250310|401000|Fournisseurs|FMARTIN|Martin SARL|FF-9921|20250310|Règlement Martin|500,00|0,00"
    "|a|20250310|20250331||",
    "BQ|Banque CIC|2|20250310|512000|Banque CIC|||REL2025-03|20250310|Règlement Martin|0,00|500,00|||20250331||",
    "OD|Opérations diverses|1|20251231|445710|TVA collectée|||OD-TVA|20251231|Liquidation TVA|600,00|0,00|||20251231||",
    "OD|Opérations diverses|1|20251231|445660|TVA déductible sur ABS|||OD-TVA|20251231|Liquidation TVA|0,00|160,00"
    "|||20251231||",
    "OD|Opérations diverses|1|20251231|445510|TVA à décaisser|||OD-TVA|20251231|Liquidation TVA|0,00|440,00"
    "|||20251231||",
]


def _file(rows=ROWS, separator="\t") -> bytes:
    records = [HEADER.replace("\t", separator)] + [row.replace("|", separator) for row in rows]
    return ("\r\n".join(records) + "\r\n").encode("iso-8859-15")


@pytest.fixture
def fec_file(tmp_path):
    def write(data: bytes = None, name: str = NAME):
        path = tmp_path / name
        path.write_bytes(_file() if data is None else data)
        return path

    return write


def test_the_opening_journal_ano_is_taken_over_as_the_years_opening(personas, fec_file):
    report = validate_fec(fec_file())
    assert report.is_valid, report.problems
    assert report.opening_journals == {"ANO"} and report.journals["ANO"][1] == JournalKind.OPENING
    result = import_fec(report, actor=personas["comptable"])
    ano = Journal.objects.get(code="ANO")
    assert ano.kind == JournalKind.OPENING
    # The opening balances are the year's opening in the aggregates, not January's movements.
    opening = AccountBalance.objects.filter(fiscal_year=result.fiscal_year, is_opening=True, aux_key=0)
    assert {b.account.code: b.debit - b.credit for b in opening} == {
        "512000": Decimal("15000.00"), "411000": Decimal("2400.00"), "401000": Decimal("-960.00"),
        "445660": Decimal("160.00"), "445710": Decimal("-400.00"), "101000": Decimal("-10000.00"),
        "110000": Decimal("-6200.00"),
    }  # fmt: skip
    assert not AccountBalance.objects.filter(account__code="110000", is_opening=False).exists()
    assert all(problems == [] for problems in verify_all().values())


def test_the_vat_return_of_the_first_month_leaves_out_the_opening_vat(personas, fec_file):
    import_fec(fec_file(), actor=personas["comptable"])
    january = compute_ca3(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert january.collected_by_account == {} and january.deductible["20"] == 0


def test_entries_labelled_a_nouveau_in_an_ordinary_journal_are_the_opening(personas, fec_file):
    rows = [row.replace("ANO|A-nouveaux|1|", "OD|Opérations diverses|0|") for row in ROWS]
    report = validate_fec(fec_file(_file(rows)))
    assert report.is_valid, report.problems
    assert report.opening_by_label == {"OD"} and report.opening_target == "AN"
    result = import_fec(report, actor=personas["comptable"])
    first = Entry.objects.filter(fiscal_year=result.fiscal_year).order_by("chain_index").first()
    assert first.journal.kind == JournalKind.OPENING and first.source_number == "0"
    assert AccountBalance.objects.filter(account__code="101000", is_opening=True).exists()


def test_the_fiscal_year_comes_from_the_file(personas, fec_file):
    """The closing date of the file name, the start from the à-nouveaux — not the first movement's date."""
    report = validate_fec(fec_file())
    assert report.new_fiscal_year == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (report.siren, report.closing_date) == ("912345675", dt.date(2025, 12, 31))
    # Without à-nouveaux, a file whose first entry is on 3 January still opens on 1 January.
    report = validate_fec(fec_file(_file(ROWS[7:])))
    assert report.new_fiscal_year == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    # The dates confirmed by the user win.
    report = validate_fec(fec_file(), fiscal_year=(dt.date(2025, 1, 1), dt.date(2026, 3, 31)))
    assert report.is_valid and report.new_fiscal_year == (dt.date(2025, 1, 1), dt.date(2026, 3, 31))


def test_another_companys_siren_is_refused(personas, fec_file):
    report = validate_fec(fec_file(name="552100554FEC20251231.txt"))
    assert (
        "Le nom du fichier porte le SIREN 552100554, celui de la structure est 912345675 : ce FEC est celui "
        "d'une autre entreprise (rien n'est importé)."
    ) in report.problems
    with pytest.raises(FecImportError):
        import_fec(fec_file(name="552100554FEC20251231.txt"), actor=personas["comptable"])
    assert not Entry.objects.exists()


@pytest.mark.parametrize("separator", ["\t", "|"])
def test_a_taken_over_year_re_exports_as_the_original_field_by_field(personas, fec_file, separator):
    report = validate_fec(fec_file(_file(separator=separator)))
    assert report.is_valid, report.problems
    assert report.encoding == "ISO-8859-15"  # accented labels, as French packages write them
    assert not [w for w in report.warnings if w.startswith(("Non repris", "Tronqu", "Intitulés"))], report.warnings
    result = import_fec(report, actor=personas["comptable"])
    assert result.matchings == 2
    exported = fec.fec_bytes(result.fiscal_year).decode("iso-8859-15").split("\r\n")[:-1]
    assert exported[0] == "|".join(fec.FEC_FIELDS)
    original = [row.split("|") for row in ROWS]
    again = [record.split("|") for record in exported[1:]]
    assert len(again) == len(original)
    for number, (want, got) in enumerate(zip(original, again, strict=True), start=2):
        for name, a, b in zip(fec.FEC_FIELDS, want, got, strict=True):
            assert a == b, f"ligne {number}, {name} : « {a} » dans le fichier, « {b} » réexporté"
    # The lettering is rebuilt with the file's codes: full (AB) and partial (a).
    assert dict(Matching.objects.values_list("code", "is_partial")) == {"AB": False, "a": True}
    # AB's first line is the à-nouveau of 01/01, lettered on its DateLet 12/02: 42 days, a 6-bit span.
    assert Matching.objects.filter(code="AB").values_list("opened_on", "span_class").get() == (dt.date(2025, 1, 1), 6)
    assert all(problems == [] for problems in verify_all().values())


def test_the_original_number_and_valid_date_are_in_the_hash_chain(personas, fec_file):
    result = import_fec(fec_file(), actor=personas["comptable"])
    entry = Entry.objects.filter(fiscal_year=result.fiscal_year, source_number="2").get()
    assert entry.source_valid_date == dt.date(2025, 3, 31) and entry.number == 2
    assert check_chain() == []
    triggers.uninstall(connection)
    Entry.objects.filter(pk=entry.pk).update(source_valid_date=dt.date(2025, 3, 30))
    triggers.install(connection)
    assert any("a été modifiée après validation" in p for p in check_chain())


# --- Point 4: valid files that were refused -------------------------------------------------------


def test_eur_with_an_empty_currency_amount_is_accepted(personas, fec_file):
    rows = [row + "EUR" for row in ROWS]  # Montantdevise empty, Idevise EUR (as several writers do)
    report = validate_fec(fec_file(_file(rows)))
    assert report.is_valid, report.problems


def test_customer_and_supplier_lines_without_a_sub_account_are_accepted(personas, fec_file):
    rows = [row.replace("CDUPONT|Dupont SA", "|").replace("FMARTIN|Martin SARL", "|") for row in ROWS]
    report = validate_fec(fec_file(_file(rows)))
    assert report.is_valid, report.problems
    assert any("sans compte auxiliaire" in w for w in report.warnings)
    result = import_fec(report, actor=personas["comptable"])
    assert EntryLine.objects.filter(account__code="411000", auxiliary=None).count() == 4
    exported = fec.fec_bytes(result.fiscal_year).decode("iso-8859-15").split("\r\n")[1:-1]
    assert [r.split("|")[6:8] for r in exported if r.split("|")[4] == "411000"] == [["", ""]] * 4


def test_a_trailing_separator_is_accepted(personas, fec_file):
    data = _file().replace(b"\r\n", b"\t\r\n")
    report = validate_fec(fec_file(data))
    assert report.is_valid, report.problems
    assert report.line_count == len(ROWS)


def test_extra_columns_are_named_in_the_message(personas, fec_file):
    data = _file().replace(b"Idevise\r\n", b"Idevise\tZ\t\r\n", 1)
    report = validate_fec(fec_file(data))
    assert "(colonnes en trop : « Z »)." in report.problems[0]


def test_what_a_re_export_cannot_give_back_is_reported_before_the_import(personas, fec_file):
    from pilote.ledger.models import Account

    Account.objects.create(code="706000", label="Prestations")  # Pilote's label is kept
    rows = list(ROWS)
    rows[8] = rows[8].replace("|0,00|1000,00|||20250228||", "|0,00|1000,00|||20250228|1150,00|USD")
    rows[9] = rows[9].replace("FA2025-001|20250203|", "FA2025-001|20250204|")
    rows.insert(
        10, "VE|Ventes|1|20250203|419100|Avances|||FA2025-001|20250203|Facture FA2025-001|0,00|0,00|||20250228||"
    )
    report = validate_fec(fec_file(_file(rows)))
    assert report.is_valid, report.problems
    assert (
        "Non repris : 1 ligne(s) en devise, Montantdevise et Idevise (Pilote tient ses comptes en euros ; les "
        "montants en euros sont repris)." in report.warnings
    )
    assert "Non reprises : 1 ligne(s) à zéro (ni débit ni crédit)." in report.warnings
    assert any(w.startswith("Non reprises : 1 date(s) PieceDate différentes") for w in report.warnings)
    assert any(
        w.startswith("Intitulés de Pilote gardés pour 1 compte(s) déjà présent(s) (706000)") for w in report.warnings
    )


def test_business_centrals_balance_ouverture_is_the_opening(personas, fec_file):
    """Business Central's writer: journal 00000 « BALANCE OUVERTURE », EcritureNum 0, labels « BAL OUV … »."""
    rows = [
        row.replace("ANO|A-nouveaux|1|", "00000|BALANCE OUVERTURE|0|").replace("A nouveaux 2025", "BAL OUV 2025")
        for row in ROWS
    ]
    report = validate_fec(fec_file(_file(rows)))
    assert report.is_valid, report.problems
    assert report.opening_journals == {"00000"} and report.new_fiscal_year[0] == dt.date(2025, 1, 1)
    import_fec(report, actor=personas["comptable"])
    assert AccountBalance.objects.filter(account__code="101000", is_opening=True).exists()
    assert not compute_ca3(dt.date(2025, 1, 1), dt.date(2025, 1, 31)).collected_by_account


def test_the_entry_page_shows_what_was_taken_over(client_as, personas, fec_file):
    result = import_fec(fec_file(), actor=personas["comptable"])
    entry = Entry.objects.get(fiscal_year=result.fiscal_year, journal__code="BQ", source_number="1")
    page = client_as("comptable").get(reverse("ledger:entry-detail", args=[entry.pk])).content.decode()
    assert "écriture n° 1, validée le 28/02/2025 dans le logiciel d'origine" in page
    assert "(pièce FA2024-118)" in page and "(pièce FA2025-001)" in page
