"""Bank statement parsers: camt.053 (.02 and .08), OFX 1 SGML and OFX 2 XML, CSV with a mapping; no database."""

import time
from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from pilote.ledger import bank_statements
from pilote.ledger.bank_statements import (
    CsvMapping,
    CsvMappingRequired,
    Statement,
    StatementError,
    StatementLine,
    detect_format,
    parse_any,
    parse_camt053,
    parse_csv,
    parse_ofx,
    sniff_csv_columns,
)

FILES = Path(__file__).parent / "bank_files"
NNBSP = "\u202f"

DEBIT_CREDIT_MAPPING = CsvMapping(
    date_column="Date",
    label_column="Libellé",
    debit_column="Débit",
    credit_column="Crédit",
    value_date_column="Date de valeur",
    skip_rows=3,
)
SIGNED_MAPPING = CsvMapping(
    date_column="Date opération",
    label_column="Libellé",
    amount_column="Montant",
    value_date_column="Date valeur",
    reference_column="Référence",
    date_format="%Y-%m-%d",
    decimal_comma=False,
)


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


def line_of(data: bytes, needle: bytes, occurrence: int = 1) -> int:
    """1-based line number of the n-th occurrence of `needle` in `data`."""
    position = -1
    for _ in range(occurrence):
        position = data.index(needle, position + 1)
    return data[:position].count(b"\n") + 1


def line(booking, amount, label, reference="", counterparty="", iban="", value=None):
    return StatementLine(
        booking_date=booking,
        value_date=value,
        amount=Decimal(amount),
        label=label,
        reference=reference,
        counterparty=counterparty,
        counterparty_iban=iban,
    )


def assert_cents(statements):
    for statement in statements:
        for item in statement.lines:
            assert isinstance(item.amount, Decimal)
            assert item.amount.as_tuple().exponent == -2, item


def error_of(function, *args) -> StatementError:
    with pytest.raises(StatementError) as caught:
        function(*args)
    assert "Traceback" not in str(caught.value)
    return caught.value


# ------------------------------------------------------------------------------------------------------------
# CAMT.053


def test_camt053_v02_two_statements_every_field():
    statements = parse_camt053(read("camt053_v02.xml"))

    assert len(statements) == 2
    first, second = statements
    assert first.account_iban == "FR7630004008220001028495505"
    assert first.currency == "EUR"
    assert first.opening_balance == Decimal("12500.00")
    assert first.closing_balance == Decimal("13654.25")
    assert (first.start_date, first.end_date) == (date(2026, 3, 1), date(2026, 3, 31))
    assert first.lines == (
        # credit transfer received: EndToEndId, Ustrd joined, debtor and its IBAN, names' whitespace normalised
        line(
            date(2026, 3, 3),
            "1440.00",
            "Facture F-2026-0042 client 411DUP",
            reference="FAC-2026-0042",
            counterparty="ATELIER DUPONT SARL",
            iban="FR1420041010050500013M02606",
            value=date(2026, 3, 3),
        ),
        # direct debit: EndToEndId NOTPROVIDED → the bank's AcctSvcrRef; the creditor is the counterparty
        line(
            date(2026, 3, 5),
            "-186.45",
            "ECHEANCE MARS 2026 CONTRAT 12345",
            reference="BQ20260305-0007",
            counterparty="EDF",
            iban="FR7630003036200005012345668",
            value=date(2026, 3, 5),
        ),
        # card batch split per TxDtls (TxAmt in EUR, not the USD instructed amount); AddtlTxInf when no Ustrd
        line(
            date(2026, 3, 10),
            "-54.10",
            "CB STATION TOTAL 08/03",
            reference="CB-0308-1",
            counterparty="STATION TOTAL LYON",
            value=date(2026, 3, 10),
        ),
        line(
            date(2026, 3, 10),
            "-33.20",
            "CB AWS EMEA 09/03 USD 36,00",
            reference="CB-0309-2",
            counterparty="AMAZON WEB SERVICES",
            value=date(2026, 3, 10),
        ),
        # the pending entry (Sts PDNG) is left out; a fee without details: AddtlNtryInf, BookgDt/DtTm, "12" → 12.00
        line(
            date(2026, 3, 31),
            "-12.00",
            "FRAIS TENUE DE COMPTE MARS",
            reference="BQ20260331-0099",
            value=date(2026, 3, 31),
        ),
    )
    # second statement: IBAN written with spaces, PRCD debit opening balance, no FrToDt → dates of the lines
    assert second == Statement(
        account_iban="FR7610278060310002055450180",
        currency="EUR",
        opening_balance=Decimal("-250.00"),
        closing_balance=Decimal("150.00"),
        start_date=date(2026, 4, 2),
        end_date=date(2026, 4, 2),
        lines=(
            line(
                date(2026, 4, 2),
                "400.00",
                "VIREMENT INTERNE APPROVISIONNEMENT",
                reference="VIR-INTERNE-0402",
                counterparty="PILOTE DEMO SAS",
                iban="FR7630004008220001028495505",
                value=date(2026, 4, 2),
            ),
        ),
    )
    assert_cents(statements)


def test_camt053_v08_status_code_party_choice_and_detail_amounts():
    (statement,) = parse_camt053(read("camt053_v08.xml"))

    assert statement.account_iban == "FR7630003036200005012345668"
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("1000.00"), Decimal("3211.59"))
    assert (statement.start_date, statement.end_date) == (date(2026, 4, 1), date(2026, 4, 30))
    assert statement.lines == (
        # batch of two transfers split on TxDtls/Amt; Dbtr/Pty/Nm; BookgDt/DtTm
        line(
            date(2026, 4, 7),
            "1800.00",
            "FACTURE F-2026-0117",
            reference="E2E-CLIENT-A-17",
            counterparty="Boulangerie Martin",
            iban="FR7610278060310002055450180",
            value=date(2026, 4, 7),
        ),
        # NOTPROVIDED → the detail's AcctSvcrRef; structured creditor reference as label; &amp; unescaped
        line(
            date(2026, 4, 7),
            "600.00",
            "RF18539007547034",
            reference="0407-BATCH-55-2",
            counterparty="Cabinet Leroy & Associés",
            value=date(2026, 4, 7),
        ),
        # ValDt/DtTm; the pending entry (Sts/Cd PDNG) is left out
        line(
            date(2026, 4, 15),
            "-188.41",
            "COTISATIONS AVRIL",
            reference="URSSAF-2026-04",
            counterparty="URSSAF ILE DE FRANCE",
            iban="FR3330002005500000157841Z25",
            value=date(2026, 4, 14),
        ),
    )
    assert_cents([statement])


def test_camt053_is_namespace_agnostic():
    data = read("camt053_v02.xml")
    without = data.replace(b' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"', b"")
    other_version = data.replace(b"camt.053.001.02", b"camt.053.001.05")
    prefixed = (
        (data.replace(b'xmlns="urn:', b'xmlns:c="urn:').replace(b"<", b"<c:").replace(b"<c:/", b"</c:"))
        .replace(b"<c:?xml", b"<?xml")
        .replace(b"<c:!--", b"<!--")
    )

    expected = parse_camt053(data)
    assert parse_camt053(without) == expected
    assert parse_camt053(other_version) == expected
    assert parse_camt053(prefixed) == expected


def test_camt053_batch_that_does_not_add_up_stays_one_line():
    data = read("camt053_v02.xml").replace(b'<Amt Ccy="EUR">33.20</Amt>', b'<Amt Ccy="EUR">30.20</Amt>')

    lines = parse_camt053(data)[0].lines

    assert lines[2] == line(
        date(2026, 3, 10),
        "-87.30",
        "FACTURE CARTE DU 09/03/26 - 2 OPERATIONS",
        reference="BQ20260310-0012",
        value=date(2026, 3, 10),
    )
    assert len(lines) == 4


def test_camt053_batch_with_a_detail_without_amount_stays_one_line():
    data = read("camt053_v02.xml").replace(b'<TxAmt><Amt Ccy="EUR">33.20</Amt></TxAmt>', b"")

    lines = parse_camt053(data)[0].lines

    assert [(item.amount, item.label) for item in lines[2:4]] == [
        (Decimal("-87.30"), "FACTURE CARTE DU 09/03/26 - 2 OPERATIONS"),
        (Decimal("-12.00"), "FRAIS TENUE DE COMPTE MARS"),
    ]


def test_camt053_truncated():
    data = read("camt053_v02.xml")
    cut = data[: data.index(b"<Cdtr><Nm>PILOTE DEMO SAS</Nm></Cdtr>") + 12]
    last = line_of(data, b"<Cdtr><Nm>PILOTE DEMO SAS</Nm></Cdtr>")

    error = error_of(parse_camt053, cut)

    assert str(error) == (
        f"Fichier CAMT.053 tronqué : il s'arrête à la ligne {last} alors que l'élément <Nm>"
        f" ouvert à la ligne {last} n'est pas fermé."
    )
    assert error.problems == [str(error)]
    cut = data[: data.index(b"</Document>") + 4]
    assert str(error_of(parse_camt053, cut)).startswith(
        f"Fichier CAMT.053 illisible : XML tronqué ou mal formé à la ligne {line_of(data, b'</Document>')}, colonne 5"
        " (détail technique : "
    )


def test_camt053_non_euro_amounts_are_refused_with_the_entry():
    data = read("camt053_v02.xml")
    data = data.replace(
        b'<Amt Ccy="EUR">1440.00</Amt>\n        <CdtDbtInd>', b'<Amt Ccy="USD">1440.00</Amt>\n<CdtDbtInd>'
    )
    data = data.replace(b'<Amt Ccy="EUR">12</Amt>', b"<Amt>12</Amt>")

    error = error_of(parse_camt053, data)

    first, fifth = line_of(data, b"<Ntry>", 1), line_of(data, b"<Ntry>", 5)
    assert error.problems == [
        f"Relevé n° 1 (REL-2026-03-001), écriture n° 1 (ligne {first}) : montant en USD ;"
        " seul l'euro (EUR) est accepté.",
        f"Relevé n° 1 (REL-2026-03-001), écriture n° 5 (ligne {fifth}) : montant sans devise (attribut Ccy absent) ;"
        " seul l'euro (EUR) est accepté.",
    ]
    assert str(error).startswith("2 problèmes dans le fichier :\n- Relevé n° 1 (REL-2026-03-001), écriture n° 1")


def test_camt053_non_euro_account_and_balance():
    data = read("camt053_v08.xml").replace(b"<Ccy>EUR</Ccy>", b"<Ccy>CHF</Ccy>")
    data = data.replace(b'<Amt Ccy="EUR">1000.00</Amt>', b'<Amt Ccy="CHF">1000.00</Amt>')

    error = error_of(parse_camt053, data)

    assert error.problems == [
        "Relevé n° 1 (0803-2026-04) : compte tenu en CHF ; seuls les comptes en euros (EUR) sont acceptés.",
        f"Relevé n° 1 (0803-2026-04), solde OPBD (ligne {line_of(data, b'<Bal>')}) : montant en CHF ;"
        " seul l'euro (EUR) est accepté.",
    ]


def test_camt053_inconsistent_balances():
    data = read("camt053_v02.xml").replace(b"13654.25", b"13645.25")

    error = error_of(parse_camt053, data)

    assert str(error) == (
        f"Relevé incohérent : solde d'ouverture 12{NNBSP}500,00{NNBSP}€ + mouvements 1{NNBSP}154,25{NNBSP}€"
        f" = 13{NNBSP}654,25{NNBSP}€ ≠ solde de clôture 13{NNBSP}645,25{NNBSP}€ (écart -9,00{NNBSP}€)"
        " — relevé n° 1 (REL-2026-03-001)."
    )


def test_camt053_pending_entries_do_not_count_in_the_balance_check():
    """The pending 500.00 debit is not in CLBD: counting it would make the file look inconsistent."""
    statements = parse_camt053(read("camt053_v02.xml"))
    assert statements[0].opening_balance + sum(item.amount for item in statements[0].lines) == Decimal("13654.25")


def test_camt053_missing_required_elements():
    data = read("camt053_v02.xml")
    data = data.replace(b"<BookgDt><Dt>2026-03-05</Dt></BookgDt>", b"")
    batch = b"<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-03-10"
    data = data.replace(batch, batch.replace(b"DBIT", b"DEBIT"))
    data = data.replace(b"<Sts>BOOK</Sts>\n        <BookgDt><DtTm>", b"<BookgDt><DtTm>")
    data = data.replace(b'<Amt Ccy="EUR">400.00</Amt>', b'<Amt Ccy="EUR">4OO.00</Amt>')

    error = error_of(parse_camt053, data)

    lines = [line_of(data, b"<Ntry>", n) for n in (2, 3, 5)]
    second_statement_entry = line_of(data, b"<Ntry>", 6)
    assert error.problems == [
        f"Relevé n° 1 (REL-2026-03-001), écriture n° 2 (ligne {lines[0]}) : élément BookgDt (date) manquant.",
        f"Relevé n° 1 (REL-2026-03-001), écriture n° 3 (ligne {lines[1]}) : indicateur crédit/débit (CdtDbtInd)"
        " « DEBIT » inconnu (CRDT ou DBIT attendu).",
        f"Relevé n° 1 (REL-2026-03-001), écriture n° 5 (ligne {lines[2]}) : statut (élément Sts) manquant.",
        f"Relevé n° 2 (REL-2026-03-002), écriture n° 1 (ligne {second_statement_entry}) :"
        " montant « 4OO.00 » illisible.",
    ]


def test_camt053_amount_not_exact_to_the_cent_or_signed():
    data = read("camt053_v08.xml").replace(b">188.41<", b">188.415<", 1).replace(b">2400.00<", b">-2400.00<")

    error = error_of(parse_camt053, data)

    assert [problem.split(" : ", 1)[1] for problem in error.problems] == [
        "montant « -2400.00 » illisible (le signe est donné par CdtDbtInd, pas par le montant).",
        "montant « 188.415 » non exact au centime (plus de deux décimales).",
    ]


def test_camt053_other_documents_are_refused():
    camt054 = b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn/></Document>'  # noqa: E501
    assert str(error_of(parse_camt053, camt054)) == (
        "Ce fichier XML n'est pas un relevé de compte camt.053 : élément BkToCstmrStmt introuvable"
        " (élément racine « Document »)."
    )
    assert str(error_of(parse_camt053, b"<Document><BkToCstmrStmt/></Document>")) == (
        "Le relevé camt.053 ne contient aucun relevé (élément Stmt absent)."
    )
    assert str(error_of(parse_camt053, b"  \n")) == "Le fichier est vide."


# ------------------------------------------------------------------------------------------------------------
# XML safety


def test_xxe_does_not_read_a_local_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    camt = (
        b'<?xml version="1.0"?>\n'
        b'<!DOCTYPE Document [<!ENTITY xxe SYSTEM "' + secret.as_uri().encode() + b'">]>\n'
        b"<Document><BkToCstmrStmt><Stmt><Id>X</Id><Acct><Id><IBAN>FR7630004008220001028495505</IBAN></Id></Acct>"
        b'<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        b"<BookgDt><Dt>2026-03-01</Dt></BookgDt><AddtlNtryInf>&xxe;</AddtlNtryInf></Ntry>"
        b"</Stmt></BkToCstmrStmt></Document>"
    )

    for parse, what in ((parse_camt053, "CAMT.053"), (parse_ofx, "OFX")):
        error = error_of(parse, camt)
        assert "TOP-SECRET-42" not in str(error)
        assert str(error).startswith(f"Fichier {what} refusé : il contient une déclaration DOCTYPE ou ENTITY")

    # a DOCTYPE hidden after 64 KiB of comments is still refused, after a parse that resolved nothing
    padded = camt.replace(b"\n<!DOCTYPE", b"\n<!--" + b"x" * 70_000 + b"-->\n<!DOCTYPE")
    assert "TOP-SECRET-42" not in str(error_of(parse_camt053, padded))
    assert str(error_of(parse_camt053, padded)) == "Fichier CAMT.053 refusé : il contient une déclaration DOCTYPE."

    # and the parser itself never expands the entity, whatever comes after it
    root = etree.fromstring(camt, bank_statements._xml_parser())
    assert b"TOP-SECRET-42" not in etree.tostring(root)


def test_billion_laughs_is_refused_quickly():
    entities = b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1)) * 10 if n else b"lol") for n in range(10))
    bomb = b'<?xml version="1.0"?><!DOCTYPE Document [' + entities + b"]><Document>&lol9;</Document>"

    started = time.monotonic()
    error = error_of(parse_camt053, bomb)
    assert time.monotonic() - started < 1
    assert "DOCTYPE" in str(error)
    try:  # libxml2 either refuses the amplification itself or leaves the entity unexpanded
        root = etree.fromstring(bomb, bank_statements._xml_parser())
    except etree.XMLSyntaxError:
        return
    assert len(etree.tostring(root)) < 1000


# ------------------------------------------------------------------------------------------------------------
# OFX


def test_ofx1_sgml_cp1252_every_field():
    (statement,) = parse_ofx(read("ofx102_cp1252.ofx"))

    assert statement == Statement(
        account_iban="FR7630004008220001028495505",  # from BANKID / BRANCHID / ACCTID
        currency="EUR",
        opening_balance=None,
        closing_balance=Decimal("13473.52"),
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
        lines=(
            # "+1440,00": decimal comma; NAME and MEMO joined; accents read as cp1252
            line(
                date(2026, 3, 3),
                "1440.00",
                "VIR SEPA ATELIER DUPONT Facture F-2026-0042 réglée",
                reference="2026030300001",
            ),
            # cheque: its number is the reference; a leaf closed explicitly (</NAME>)
            line(date(2026, 3, 7), "-350.00", "CHÈQUE N° 1234567", reference="1234567"),
            # DTPOSTED with time and zone, DTAVAIL as value date, an empty <MEMO>
            line(
                date(2026, 3, 10),
                "-45.90",
                "CB CAFÉ DE LA GARE 10/03",
                reference="2026031000003",
                value=date(2026, 3, 11),
            ),
            # &amp; unescaped; MEMO repeating NAME is not doubled
            line(
                date(2026, 3, 15),
                "-62.18",
                "PRLV SEPA M&M ASSURANCES ECH. 15/03 CONTRAT 889",
                reference="2026031500004",
            ),
            line(date(2026, 3, 31), "-8.50", "COTISATION CARTE", reference="2026033100005"),
        ),
    )
    assert_cents([statement])


def test_ofx2_xml_every_field():
    (statement,) = parse_ofx(read("ofx220.ofx"))

    assert statement == Statement(
        account_iban="FR7610278060310002055450180",  # ACCTKEY matches the RIB key
        currency="EUR",
        opening_balance=None,
        closing_balance=Decimal("5134.66"),
        start_date=date(2026, 4, 1),
        end_date=date(2026, 4, 30),
        lines=(
            line(
                date(2026, 4, 2),
                "1234.56",
                "Règlement facture F-2026-0120",
                reference="OFX2-0001",
                counterparty="Société Générale d'Études",
                value=date(2026, 4, 3),
            ),
            line(date(2026, 4, 20), "-99.90", "ABONNEMENT LOGICIEL", reference="OFX2-0002"),
        ),
    )


@pytest.mark.parametrize(
    ("bank", "branch", "account", "key", "iban"),
    [
        ("30004", "00822", "00010284955", "", "FR7630004008220001028495505"),
        ("30004", "00822", "0001028495505", "", "FR7630004008220001028495505"),  # ACCTID with the RIB key
        ("30004", "00822", "0001028495599", "", ""),  # wrong key appended
        ("10278", "06031", "00020554501", "81", ""),  # ACCTKEY that does not match
        ("30002", "00550", "0000157841Z", "", "FR3330002005500000157841Z25"),  # letters in the account number
        ("3000", "00822", "00010284955", "", ""),  # 4-digit bank code: not padded silently
        ("30004", "", "00010284955", "", ""),  # no branch
        ("30004", "00822", "123", "", ""),
    ],
)
def test_ofx_french_iban_from_bank_account(bank, branch, account, key, iban):
    data = read("ofx220.ofx")
    data = data.replace(b"<BANKID>10278</BANKID>", f"<BANKID>{bank}</BANKID>".encode())
    data = data.replace(b"<BRANCHID>06031</BRANCHID>", f"<BRANCHID>{branch}</BRANCHID>".encode())
    data = data.replace(b"<ACCTID>00020554501</ACCTID>", f"<ACCTID>{account}</ACCTID>".encode())
    data = data.replace(b"<ACCTKEY>80</ACCTKEY>", f"<ACCTKEY>{key}</ACCTKEY>".encode())

    assert parse_ofx(data)[0].account_iban == iban


def test_ofx_header_encodings():
    cp1252 = read("ofx102_cp1252.ofx")
    expected = parse_ofx(cp1252)
    text = cp1252.decode("cp1252")
    # declared 1252 but sent as UTF-8 (seen in the wild): valid UTF-8 wins
    assert parse_ofx(text.encode("utf-8")) == expected
    # ISO-8859-1 declared and used
    latin = text.replace("CHARSET:1252", "CHARSET:ISO-8859-1").encode("latin-1")
    assert parse_ofx(latin) == expected


def test_ofx1_without_header_and_credit_card_statement():
    data = (
        b"<OFX><CREDITCARDMSGSRSV1><CCSTMTTRNRS><CCSTMTRS><CURDEF>EUR<CCACCTFROM><ACCTID>4970XXXXXXXX1234"
        b"</CCACCTFROM><BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260305<TRNAMT>-19,99<FITID>CC1"
        b"<NAME>NETFLIX.COM</STMTTRN></BANKTRANLIST></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>"
    )

    (statement,) = parse_ofx(data)

    assert statement.account_iban == ""
    assert statement.closing_balance is None
    assert (statement.start_date, statement.end_date) == (date(2026, 3, 5), date(2026, 3, 5))
    assert statement.lines == (line(date(2026, 3, 5), "-19.99", "NETFLIX.COM", reference="CC1"),)


def test_ofx2_with_a_bare_ampersand_is_read_leniently():
    data = read("ofx220.ofx").replace(b"ABONNEMENT LOGICIEL", b"ABONNEMENT M&M")
    assert parse_ofx(data)[0].lines[1].label == "ABONNEMENT M&M"


def test_ofx_truncated():
    data = read("ofx102_cp1252.ofx")
    cut = data[: data.index(b"<TRNAMT>-62,18") + 10]

    error = error_of(parse_ofx, cut)

    assert str(error) == (
        "Fichier OFX tronqué ou mal formé : la balise <STMTTRN> ouverte à la ligne"
        f" {line_of(data, b'<STMTTRN>', 4)} n'est jamais fermée."
    )
    xml = read("ofx220.ofx")
    assert str(error_of(parse_ofx, xml[: xml.index(b"<FITID>OFX2-0002")])) == (
        "Fichier OFX tronqué ou mal formé : la balise <STMTTRN> ouverte à la ligne"
        f" {line_of(xml, b'<STMTTRN>', 2)} n'est jamais fermée."
    )


def test_ofx_missing_or_bad_values_name_the_transaction():
    data = read("ofx102_cp1252.ofx")
    data = data.replace(b"<TRNAMT>-350,00\r\n", b"")
    data = data.replace(b"<DTPOSTED>20260315", b"<DTPOSTED>20261315")
    data = data.replace(b"<TRNAMT>-8,50", b"<TRNAMT>-8,5O")

    error = error_of(parse_ofx, data)

    assert error.problems == [
        f"Relevé n° 1, opération n° 2 (FITID 2026030700002, ligne {line_of(data, b'<STMTTRN>', 2)}) :"
        " élément TRNAMT (montant) manquant.",
        f"Relevé n° 1, opération n° 4 (FITID 2026031500004, ligne {line_of(data, b'<STMTTRN>', 4)}) :"
        " date de comptabilisation « 20261315 » invalide (AAAAMMJJ attendu).",
        f"Relevé n° 1, opération n° 5 (FITID 2026033100005, ligne {line_of(data, b'<STMTTRN>', 5)}) :"
        " montant « -8,5O » illisible.",
    ]


def test_ofx_non_euro():
    data = read("ofx220.ofx").replace(b"<CURDEF>EUR</CURDEF>", b"<CURDEF>USD</CURDEF>")
    assert str(error_of(parse_ofx, data)) == (
        "Relevé n° 1 : compte tenu en USD ; seuls les comptes en euros (EUR) sont acceptés."
    )
    data = read("ofx220.ofx").replace(
        b"<TRNAMT>-99.90</TRNAMT>",
        b"<TRNAMT>-99.90</TRNAMT><CURRENCY><CURRATE>1.1</CURRATE><CURSYM>GBP</CURSYM></CURRENCY>",
    )
    assert str(error_of(parse_ofx, data)).endswith(" : montant en GBP ; seul l'euro (EUR) est accepté.")


def test_ofx_without_statement():
    data = (
        b"OFXHEADER:100\r\nDATA:OFXSGML\r\n\r\n<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>2000"
        b"<SEVERITY>ERROR<MESSAGE>Compte inconnu</STATUS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )
    assert str(error_of(parse_ofx, data)) == (
        "Le fichier OFX ne contient aucun relevé de compte (élément STMTRS absent) ;"
        " message de la banque : « Compte inconnu »."
    )
    assert (
        str(error_of(parse_ofx, b"Date;Montant\r\n")) == "Ce fichier n'est pas un relevé OFX : aucune balise trouvée."
    )


# ------------------------------------------------------------------------------------------------------------
# CSV


def test_csv_french_bank_preamble_debit_credit_every_field():
    statement = parse_csv(read("banque_debit_credit.csv"), DEBIT_CREDIT_MAPPING)

    assert statement == Statement(
        account_iban="",
        currency="EUR",
        opening_balance=None,
        closing_balance=None,
        start_date=date(2026, 3, 3),
        end_date=date(2026, 3, 31),
        lines=(
            # "1 440,00" with a no-break space (cp1252)
            line(
                date(2026, 3, 3),
                "1440.00",
                "VIR SEPA RECU /DE ATELIER DUPONT /MOTIF Facture F-2026-0042",
                value=date(2026, 3, 3),
            ),
            # a debit written with its minus sign, double spaces normalised
            line(date(2026, 3, 5), "-186.45", "PRLV SEPA EDF ECHEANCE MARS", value=date(2026, 3, 5)),
            # a quoted label over two lines; a debit written without sign
            line(date(2026, 3, 10), "-54.10", "CB STATION TOTAL LYON 08/03", value=date(2026, 3, 10)),
            line(date(2026, 3, 10), "-33.20", "CB AWS EMEA 09/03 USD 36,00", value=date(2026, 3, 11)),
            # "0,00" in the other column is fine; the blank line and the "Total des opérations" trailer are skipped
            line(date(2026, 3, 31), "-12.00", "FRAIS TENUE DE COMPTE MARS", value=date(2026, 3, 31)),
        ),
    )
    assert_cents([statement])


def test_csv_signed_amount_column_every_field():
    statement = parse_csv(read("banque_montant_signe.csv"), SIGNED_MAPPING)

    assert statement == Statement(
        account_iban="",
        currency="EUR",
        opening_balance=None,
        closing_balance=None,
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 9),
        lines=(
            line(
                date(2026, 3, 2),
                "1250.00",
                "Virement de ACME, facture 12",
                reference="TRX-0001",
                value=date(2026, 3, 2),
            ),
            line(date(2026, 3, 4), "-49.99", "Abonnement logiciel", reference="TRX-0002", value=date(2026, 3, 5)),
            line(date(2026, 3, 9), "-1020.40", "Remboursement note de frais Élodie"),  # 1,020.40; no value date
        ),
    )


def test_csv_tab_delimiter_explicit_encoding_and_french_signed_amounts():
    data = (
        "Date\tLibellé\tMontant\n"
        "01/02/2026\tRemise chèques\t+2.500,00\n"
        "02/02/2026\tAgios\t(3,10)\n"
        "03/02/2026\tCB\t4,20-\n"
    )
    mapping = CsvMapping(date_column="date", label_column=" LIBELLÉ ", amount_column="Montant", encoding="utf-16")

    statement = parse_csv(data.encode("utf-16"), mapping)

    assert [(item.booking_date, item.amount, item.label) for item in statement.lines] == [
        (date(2026, 2, 1), Decimal("2500.00"), "Remise chèques"),
        (date(2026, 2, 2), Decimal("-3.10"), "Agios"),
        (date(2026, 2, 3), Decimal("-4.20"), "CB"),
    ]


def test_csv_bad_date_names_the_line():
    data = read("banque_debit_credit.csv").replace(b"05/03/2026;05/03/2026;PRLV", b"35/03/2026;05/03/2026;PRLV")
    # after the two-line quoted label (lines 7-8), numbering still follows the file
    data = data.replace(b"10/03/2026;11/03/2026;CB AWS", b"10/13/2026;11/03/2026;CB AWS")

    error = error_of(parse_csv, data, DEBIT_CREDIT_MAPPING)

    assert error.problems == [
        "Ligne 6 : date « 35/03/2026 » invalide (format attendu : JJ/MM/AAAA).",
        "Ligne 9 : date « 10/13/2026 » invalide (format attendu : JJ/MM/AAAA).",
    ]


def test_csv_bad_amounts_name_the_line():
    data = read("banque_debit_credit.csv")
    data = data.replace(b";;1\xa0440,00\r\n", b";;1440.00\r\n", 1)  # decimal point where a comma is expected
    data = data.replace(b";54,10;", b";54,105;")
    data = data.replace(b";12,00;0,00", b";12,00;3,00")
    data = data.replace(b"05/03/2026;PRLV SEPA EDF   ECHEANCE MARS;-186,45;", b"05/03/2026;PRLV SEPA EDF;;")
    data = data.replace(b"11/03/2026;CB AWS EMEA 09/03 USD 36,00;33,20;", b"11/03/2026;CB AWS;;")
    data = data.replace(b"03/03/2026;03/03/2026;VIR", b"03/03/2026;31/02/2026;VIR")

    error = error_of(parse_csv, data, DEBIT_CREDIT_MAPPING)

    assert error.problems == [
        "Ligne 5 : date de valeur « 31/02/2026 » invalide (format attendu : JJ/MM/AAAA).",
        "Ligne 5 : crédit : montant « 1440.00 » illisible (séparateur décimal attendu : la virgule).",
        "Ligne 6 : ni débit ni crédit renseigné.",
        "Ligne 7 : débit : montant « 54,105 » non exact au centime (plus de deux décimales).",
        "Ligne 9 : ni débit ni crédit renseigné.",
        "Ligne 10 : débit et crédit renseignés tous les deux.",
    ]

    signed = read("banque_montant_signe.csv").replace(b",-49.99,", b",-49;99,").replace(b',"-1,020.40",', b",,")
    error = error_of(parse_csv, signed, SIGNED_MAPPING)
    assert error.problems == ["Ligne 3 : montant « -49;99 » illisible.", "Ligne 4 : montant manquant."]


def test_csv_mapping_and_structure_errors():
    data = read("banque_debit_credit.csv")
    assert str(error_of(parse_csv, data, CsvMapping(date_column="Date", label_column="Libellé", skip_rows=3))) == (
        "Indiquez la colonne du montant, ou les colonnes Débit et Crédit."
    )
    both = CsvMapping(date_column="Date", label_column="Libellé", amount_column="Débit", credit_column="Crédit")
    assert str(error_of(parse_csv, data, both)) == (
        "Choisissez soit une colonne de montant signé, soit des colonnes Débit et Crédit."
    )
    # preamble not skipped: the first line is taken as the header
    no_skip = CsvMapping(date_column="Date", label_column="Libellé", debit_column="Débit", credit_column="Crédit")
    mismatch = error_of(parse_csv, data, no_skip)
    assert isinstance(mismatch, bank_statements.CsvMappingMismatch)  # the caller offers the column screen
    assert str(mismatch) == (
        "Les colonnes de ce fichier ne correspondent pas à la disposition enregistrée : colonnes « Date »,"
        " « Libellé », « Débit », « Crédit » introuvables dans l'en-tête (ligne 1) ;"
        " colonnes présentes : « Compte courant n° 00010284955 - PILOTE DEMO SAS », (sans nom), (sans nom), (sans nom),"
        " (sans nom). Choisissez les colonnes de ce fichier sur l'écran « Colonnes du relevé CSV » (vérifiez aussi"
        " le nombre de lignes à ignorer avant l'en-tête)."
    )
    header_only = b"Date;Libell\xe9;D\xe9bit;Cr\xe9dit\r\n\r\n"
    mapping = CsvMapping(date_column="Date", label_column="Libellé", debit_column="Débit", credit_column="Crédit")
    assert str(error_of(parse_csv, header_only, mapping)) == (
        "Aucune opération trouvée dans le fichier : vérifiez le nombre de lignes à ignorer et les colonnes choisies."
    )
    assert str(error_of(parse_csv, b"\r\n\r\n", mapping)) == "Le fichier est vide."
    assert str(error_of(parse_csv, b"x\r\n", CsvMapping("Date", "Libellé", amount_column="M", skip_rows=5))) == (
        "Le fichier ne contient pas de ligne d'en-tête après les 5 lignes ignorées."
    )
    assert str(error_of(parse_csv, data, CsvMapping("Date", "Libellé", amount_column="M", encoding="ascii"))) == (
        "Impossible de lire le fichier avec l'encodage « ascii »."
    )


def test_sniff_csv_columns():
    data = read("banque_debit_credit.csv")

    header, rows = sniff_csv_columns(data, skip_rows=3)

    assert header == ["Date", "Date de valeur", "Libellé", "Débit", "Crédit"]
    assert rows == [
        ["03/03/2026", "03/03/2026", "VIR SEPA RECU /DE ATELIER DUPONT /MOTIF Facture F-2026-0042", "", "1 440,00"],
        ["05/03/2026", "05/03/2026", "PRLV SEPA EDF ECHEANCE MARS", "-186,45", ""],
        ["10/03/2026", "10/03/2026", "CB STATION TOTAL LYON 08/03", "54,10", ""],
        ["10/03/2026", "11/03/2026", "CB AWS EMEA 09/03 USD 36,00", "33,20", ""],
        ["31/03/2026", "31/03/2026", "FRAIS TENUE DE COMPTE MARS", "12,00", "0,00"],
    ]
    header, rows = sniff_csv_columns(read("banque_montant_signe.csv"))
    assert header == ["Date opération", "Date valeur", "Libellé", "Montant", "Référence"]  # BOM removed
    assert rows[2] == ["2026-03-09", "", "Remboursement note de frais Élodie", "-1,020.40", ""]


# ------------------------------------------------------------------------------------------------------------
# Detection and dispatch


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("camt053_v02.xml", "camt053"),
        ("camt053_v08.xml", "camt053"),
        ("ofx102_cp1252.ofx", "ofx"),
        ("ofx220.ofx", "ofx"),
        ("banque_debit_credit.csv", "csv"),
        ("banque_montant_signe.csv", "csv"),
    ],
)
def test_detect_format_from_content(name, kind):
    data = read(name)
    assert detect_format(data, name) == kind
    assert detect_format(data, "releve.bin") == kind  # the content decides, not the extension
    assert detect_format(data) == kind


def test_detect_format_fallbacks_and_refusals():
    assert detect_format(b"<OFX><BANKMSGSRSV1>") == "ofx"
    assert detect_format(b"\xef\xbb\xbf  <?xml version='1.0'?><Document/>") == "camt053"
    assert detect_format(b"garbage", "export.OFX") == "ofx"
    assert detect_format(b"garbage", "export.xml") == "camt053"
    assert detect_format(b"garbage", "export.txt") == "csv"
    assert str(error_of(detect_format, b"%PDF-1.7 ...", "releve.pdf")).startswith(
        "Les relevés PDF ne peuvent pas être importés"
    )
    assert str(error_of(detect_format, b"PK\x03\x04....", "releve.xlsx")).startswith(
        "Les classeurs Excel ne peuvent pas être importés tels quels"
    )
    assert str(error_of(detect_format, b"!Type:Bank\nD03/03/2026\n")).startswith("Le format QIF n'est pas pris")
    assert str(error_of(detect_format, b"")) == "Le fichier est vide."


def test_parse_any():
    assert parse_any(read("camt053_v02.xml"), "releve.xml") == parse_camt053(read("camt053_v02.xml"))
    assert parse_any(read("ofx220.ofx"), "releve.ofx") == parse_ofx(read("ofx220.ofx"))
    assert parse_any(read("banque_montant_signe.csv"), "releve.csv", SIGNED_MAPPING) == [
        parse_csv(read("banque_montant_signe.csv"), SIGNED_MAPPING)
    ]
    with pytest.raises(CsvMappingRequired) as caught:
        parse_any(read("banque_montant_signe.csv"), "releve.csv")
    assert isinstance(caught.value, StatementError)
    assert caught.value.problems == ["Fichier CSV : choisissez d'abord la correspondance des colonnes."]


def test_statements_are_immutable():
    statement = parse_camt053(read("camt053_v08.xml"))[0]
    with pytest.raises(FrozenInstanceError):
        statement.lines[0].amount = Decimal("0.00")
    with pytest.raises(FrozenInstanceError):
        statement.closing_balance = None


def test_many_problems_are_summarised():
    rows = "".join("99/99/2026;x;1,00\r\n" for _ in range(12))
    data = ("Date;Libellé;Montant\r\n" + rows).encode()

    error = error_of(parse_csv, data, CsvMapping("Date", "Libellé", amount_column="Montant"))

    assert len(error.problems) == 12
    message = str(error)
    assert message.startswith("12 problèmes dans le fichier :\n- Ligne 2 : date « 99/99/2026 » invalide")
    assert message.endswith(
        "\n- Ligne 11 : date « 99/99/2026 » invalide (format attendu : JJ/MM/AAAA).\n- … et 2 autres"
    )


# --- Layout suggested on the column screen -----------------------------------------------------------------


def test_guess_mapping_from_french_and_english_headers():
    from pilote.ledger.bank_statements import guess_mapping

    assert guess_mapping(["Date", "Libellé", "Débit", "Crédit"], [["02/04/2026", "VIR", "", "1 234,56"]]) == {
        "date_column": "Date", "label_column": "Libellé", "debit_column": "Débit", "credit_column": "Crédit",
        "date_format": "%d/%m/%Y", "decimal_comma": True,
    }  # fmt: skip
    guess = guess_mapping(
        ["Date opération", "Date valeur", "Libellé", "Montant", "Référence"],
        [["2026-04-02", "2026-04-03", "PRLV", "-12,50", "R1"]],
    )
    assert guess == {
        "date_column": "Date opération", "value_date_column": "Date valeur", "label_column": "Libellé",
        "amount_column": "Montant", "reference_column": "Référence", "date_format": "%Y-%m-%d",
        "decimal_comma": True,
    }  # fmt: skip
    english = guess_mapping(["Date", "Description", "Amount"], [["02/04/26", "FEE", "-1,234.50"]])
    assert english["amount_column"] == "Amount" and english["date_format"] == "%d/%m/%y"
    assert english["decimal_comma"] is False


def test_debit_credit_file_in_windows_1252_with_french_numbers():
    data = (
        "Date;Libellé;Débit;Crédit\r\n"
        "02/04/2026;VIR REÇU;;1 234,56\r\n"
        "05/04/2026;PRLV ÉCHÉANCE;-12,50;\r\n"
        "06/04/2026;CB;\u00a0230,00;\r\n"
        "Solde au 30/04/2026;;;992,06\r\n"
    ).encode("cp1252")
    header, sample = sniff_csv_columns(data)
    mapping = CsvMapping(**bank_statements.guess_mapping(header, sample))
    statement = parse_csv(data, mapping)
    assert [(line.label, line.amount) for line in statement.lines] == [
        ("VIR REÇU", Decimal("1234.56")), ("PRLV ÉCHÉANCE", Decimal("-12.50")), ("CB", Decimal("-230.00")),
    ]  # fmt: skip


def test_guess_skip_rows_finds_the_header_after_the_bank_preamble():
    from pilote.ledger.bank_statements import guess_skip_rows

    assert guess_skip_rows((FILES / "banque_debit_credit.csv").read_bytes()) == 3
    assert guess_skip_rows(b"Date;Libell\xe9;D\xe9bit;Cr\xe9dit\r\n02/04/2026;X;;1,00\r\n") == 0
    assert guess_skip_rows(b"a;b\r\n1;2\r\n") is None
