"""Bank statement parsers: ISO 20022 camt.053, OFX 1.x (SGML) and 2.x (XML), CSV with a user mapping.

Pure functions over bytes: no model, no database. Each parser returns `Statement` objects whose lines carry
signed Decimal amounts (credit to the account > 0, debit < 0, exact to the cent) and raises `StatementError`
with French messages a user can act on (which line, entry or element, what is wrong), never a traceback.

Choices worth knowing:
- XML is parsed with a hardened lxml parser (no entity resolution, no network, no huge trees) and any
  DOCTYPE is refused outright: bank files never need one, and it is the door to XXE and billion laughs.
- CAMT: only booked entries (Sts BOOK, or Sts/Cd BOOK from .08 on) become lines. A batch entry is split into
  one line per TxDtls when every detail has an amount and the details add up to the entry; otherwise the
  entry stays one line (the booked amount is what moved the balance).
- OFX: the reference is the cheque number when there is one (the business reference, as the EndToEndId is
  for CAMT), else the FITID; the value date is DTAVAIL (OFX has no other value date); the French IBAN is
  rebuilt from BANKID/BRANCHID/ACCTID (ACCTID may carry the 2-digit RIB key, or ACCTKEY may give it: a
  key that does not match gives '').
- CSV: rows whose date cell is empty and that carry no amount are skipped, as are "Solde…"/"Total…" rows
  (bank trailers); any other row with a bad date or amount is an error naming its line in the file.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import schwifty
from lxml import etree
from schwifty.exceptions import SchwiftyException

from pilote.lib.formats import format_eur
from pilote.lib.money import CENT

__all__ = [
    "CsvMapping",
    "CsvMappingRequired",
    "Statement",
    "StatementError",
    "StatementLine",
    "detect_format",
    "parse_any",
    "parse_camt053",
    "parse_csv",
    "parse_ofx",
    "sniff_csv_columns",
]

EUR = "EUR"
MAX_PROBLEMS_IN_MESSAGE = 10
SNIFF_ROWS = 5


# --------------------------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class StatementLine:
    booking_date: date
    value_date: date | None
    amount: Decimal  # signed: credit to the account > 0, debit < 0, exact to the cent
    label: str  # what the bank wrote (remittance information / name), whitespace normalised
    reference: str  # end-to-end id / bank reference / cheque number / FITID, '' if none
    counterparty: str  # name of the other party if given, else ''
    counterparty_iban: str  # if given, else ''


@dataclass(frozen=True)
class Statement:
    account_iban: str  # '' if unknown (CSV)
    currency: str  # always 'EUR': other currencies are refused
    opening_balance: Decimal | None
    closing_balance: Decimal | None
    start_date: date | None
    end_date: date | None
    lines: tuple[StatementLine, ...]


class StatementError(Exception):
    """A file that cannot be imported; `problems` lists every problem found, each a French sentence."""

    def __init__(self, problems: str | Iterable[str]):
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(_summary(self.problems))


class CsvMappingRequired(StatementError):
    """parse_any() met a CSV file without a column mapping: the caller shows the mapping screen."""


def _summary(problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    shown = "\n".join(f"- {p}" for p in problems[:MAX_PROBLEMS_IN_MESSAGE])
    more = len(problems) - MAX_PROBLEMS_IN_MESSAGE
    tail = f"\n- … et {more} autre{'s' if more > 1 else ''}" if more > 0 else ""
    return f"{len(problems)} problèmes dans le fichier :\n{shown}{tail}"


@dataclass(frozen=True)
class CsvMapping:
    """The column mapping a user chooses once for a bank's CSV export; Pilote remembers it per bank account."""

    date_column: str
    label_column: str
    amount_column: str | None = None  # one signed column, or:
    debit_column: str | None = None
    credit_column: str | None = None
    value_date_column: str | None = None
    reference_column: str | None = None
    date_format: str = "%d/%m/%Y"
    decimal_comma: bool = True
    delimiter: str | None = None  # None: auto-detect among ; tab ,
    encoding: str | None = None  # None: utf-8-sig, then cp1252
    skip_rows: int = 0  # bank preamble lines before the header


# --------------------------------------------------------------------------------------------------------------
# Shared helpers


class _UnsafeXml(StatementError):
    """XML refused before or after parsing because it declares a DTD or entities."""


class _BadValue(ValueError):
    """A value that cannot be read; its message is the French reason, completed by the caller's location."""


def _clean(text: str | None) -> str:
    """Whitespace normalised: runs of spaces, tabs and newlines become one space, ends stripped."""
    return " ".join((text or "").split())


_SPACES = str.maketrans("", "", " \t\u00a0\u202f\u2009")
_AMOUNT_PATTERNS = {
    "xml": re.compile(r"\d+(?:\.\d+)?"),  # ISO 20022: unsigned, dot, no grouping
    "ofx": re.compile(r"\d+(?:[.,]\d*)?|[.,]\d+"),  # dot or comma, no grouping
    "fr": re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d*)?|\d+(?:,\d*)?|,\d+"),  # 1.234,56 / 1234,56 (spaces removed)
    "en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+"),  # 1,234.56 / 1234.56
}


def _parse_amount(raw: str, style: str) -> Decimal:
    """Decimal from the text, exact to the cent; `style` is xml, ofx, fr (decimal comma) or en (decimal point)."""
    text = (raw or "").strip()
    if not text:
        raise _BadValue("montant manquant")
    body = text.translate(_SPACES).replace("\u2212", "-")
    negative = False
    if style in ("fr", "en"):
        body = re.sub(r"(?i)^(?:€|eur)|(?:€|eur)$", "", body)
        if body.startswith("(") and body.endswith(")"):
            negative, body = True, body[1:-1]
        if body.endswith("-"):  # 123,45- (some bank exports)
            negative, body = not negative, body[:-1]
    if style != "xml" and body[:1] in ("+", "-"):
        negative, body = negative ^ (body[0] == "-"), body[1:]
    if not _AMOUNT_PATTERNS[style].fullmatch(body):
        hint = ""
        if style == "fr" and "." in body and "," not in body:
            hint = " (séparateur décimal attendu : la virgule)"
        elif style == "en" and "," in body and "." not in body:
            hint = " (séparateur décimal attendu : le point)"
        elif style == "xml" and body[:1] in ("+", "-"):
            hint = " (le signe est donné par CdtDbtInd, pas par le montant)"
        raise _BadValue(f"montant « {text} » illisible{hint}")
    if style == "fr":
        body = body.replace(".", "").replace(",", ".")
    elif style == "en":
        body = body.replace(",", "")
    else:
        body = body.replace(",", ".")
    if len(body) > 20:
        raise _BadValue(f"montant « {text} » trop grand")
    try:
        value = Decimal(body.rstrip(".") or "0")
        cents = value.quantize(CENT)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already guards the syntax
        raise _BadValue(f"montant « {text} » illisible") from exc
    if cents != value:
        raise _BadValue(f"montant « {text} » non exact au centime (plus de deux décimales)")
    if cents == 0:
        return abs(cents)
    return -cents if negative else cents


def _balance_problem(opening: Decimal | None, lines: Iterable[StatementLine], closing: Decimal | None, where: str):
    """The French message when opening + movements ≠ closing, or None (also when a balance is unknown)."""
    if opening is None or closing is None:
        return None
    movements = sum((line.amount for line in lines), Decimal("0.00"))
    if opening + movements == closing:
        return None
    return (
        f"Relevé incohérent : solde d'ouverture {format_eur(opening)} + mouvements {format_eur(movements)}"
        f" = {format_eur(opening + movements)} ≠ solde de clôture {format_eur(closing)}"
        f" (écart {format_eur(closing - opening - movements)}) — {where}."
    )


def _period(lines: list[StatementLine], start: date | None, end: date | None) -> tuple[date | None, date | None]:
    """The period given by the file, else the first and last booking dates."""
    if lines:
        start = start or min(line.booking_date for line in lines)
        end = end or max(line.booking_date for line in lines)
    return start, end


def _french_iban(bank: str, branch: str, account: str, key: str = "") -> str:
    """The French IBAN of a RIB (code banque, code guichet, numéro de compte, clé), or '' when incomplete/invalid."""
    bank, branch, account, key = (re.sub(r"[\s-]", "", part or "").upper() for part in (bank, branch, account, key))
    if len(account) == 13 and account[11:].isdigit() and not key:  # ACCTID with the RIB key appended
        account, key = account[:11], account[11:]
    if not (re.fullmatch(r"\d{5}", bank) and re.fullmatch(r"\d{5}", branch) and re.fullmatch(r"[0-9A-Z]{11}", account)):
        return ""
    if key and not re.fullmatch(r"\d{2}", key):
        return ""
    try:
        iban = schwifty.IBAN.generate("FR", bank_code=bank, branch_code=branch, account_code=account)
    except (SchwiftyException, ValueError):
        return ""
    if key and iban.compact[-2:] != key:
        return ""
    return iban.compact


# --------------------------------------------------------------------------------------------------------------
# XML (CAMT and OFX 2)


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        collect_ids=False,
    )


def _parse_xml(data: bytes, what: str) -> etree._Element:
    """The root element of `data`, namespaces stripped; StatementError for malformed XML or any DOCTYPE."""
    if re.search(rb"<!DOCTYPE|<!ENTITY", data[:65536], re.IGNORECASE):
        raise _UnsafeXml(
            f"Fichier {what} refusé : il contient une déclaration DOCTYPE ou ENTITY, que les relevés bancaires "
            "n'utilisent pas (protection contre les entités externes)."
        )
    try:
        root = etree.fromstring(data, _xml_parser())  # hardened parser: no entities, no network
    except etree.XMLSyntaxError as exc:
        line, column = exc.position or (exc.lineno, 0)
        premature = re.match(r"Premature end of data in tag (\S+) line (\d+)", exc.msg or "")
        if premature:
            raise StatementError(
                f"Fichier {what} tronqué : il s'arrête à la ligne {line} alors que l'élément <{premature[1]}>"
                f" ouvert à la ligne {premature[2]} n'est pas fermé."
            ) from exc
        raise StatementError(
            f"Fichier {what} illisible : XML tronqué ou mal formé à la ligne {line}, colonne {column}"
            f" (détail technique : {exc.msg})."
        ) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # belt and braces: the search above catches it
        raise _UnsafeXml(f"Fichier {what} refusé : il contient une déclaration DOCTYPE.")
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    return root


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    return _clean(element.findtext(path))


def _texts(element: etree._Element | None, path: str) -> list[str]:
    if element is None:
        return []
    return [text for text in (_clean(found.text) for found in element.findall(path)) if text]


def _at_line(element: etree._Element) -> str:
    return f" (ligne {element.sourceline})" if element.sourceline else ""


# --------------------------------------------------------------------------------------------------------------
# CAMT.053


def parse_camt053(data: bytes) -> list[Statement]:
    """ISO 20022 camt.053.001.02 to .08 (any namespace, or none): one Statement per <Stmt>."""
    if not data.strip():
        raise StatementError("Le fichier est vide.")
    root = _parse_xml(data, "CAMT.053")
    container = root if root.tag == "BkToCstmrStmt" else root.find("BkToCstmrStmt")
    if container is None:
        raise StatementError(
            f"Ce fichier XML n'est pas un relevé de compte camt.053 : élément BkToCstmrStmt introuvable"
            f" (élément racine « {root.tag} »)."
        )
    elements = container.findall("Stmt")
    if not elements:
        raise StatementError("Le relevé camt.053 ne contient aucun relevé (élément Stmt absent).")
    problems: list[str] = []
    statements = []
    for number, element in enumerate(elements, 1):
        statement = _camt_statement(element, number, problems)
        if statement is not None:
            statements.append(statement)
    if problems:
        raise StatementError(problems)
    return statements


def _camt_statement(element: etree._Element, number: int, problems: list[str]) -> Statement | None:
    stmt_id = _text(element, "Id")
    where = f"Relevé n° {number}" + (f" ({stmt_id})" if stmt_id else "")
    found = len(problems)

    account = element.find("Acct")
    if account is None:
        problems.append(f"{where}{_at_line(element)} : élément Acct (compte) manquant.")
    account_currency = _text(account, "Ccy")
    if account_currency and account_currency != EUR:
        problems.append(
            f"{where} : compte tenu en {account_currency} ; seuls les comptes en euros (EUR) sont acceptés."
        )
    iban = _text(account, "Id/IBAN").replace(" ", "").upper()

    opening = closing = None
    opening_code = ""
    for balance in element.findall("Bal"):
        code = _text(balance, "Tp/CdOrPrtry/Cd").upper()
        if code not in ("OPBD", "PRCD", "CLBD"):
            continue
        amount = _camt_amount(balance, f"{where}, solde {code}{_at_line(balance)}", problems)
        indicator = _camt_indicator(balance, "", f"{where}, solde {code}{_at_line(balance)}", problems)
        if amount is None or indicator is None:
            continue
        signed = amount if indicator == "CRDT" else -amount
        if code == "CLBD":
            closing = signed if closing is None else closing
        elif opening is None or (code == "OPBD" and opening_code == "PRCD"):
            opening, opening_code = signed, code

    lines: list[StatementLine] = []
    for index, entry in enumerate(element.findall("Ntry"), 1):
        where_entry = f"{where}, écriture n° {index}{_at_line(entry)}"
        status = _text(entry, "Sts/Cd") or _text(entry, "Sts/Prtry") or _text(entry, "Sts")  # .08: Sts/Cd
        if not status:
            problems.append(f"{where_entry} : statut (élément Sts) manquant.")
            continue
        if status.upper() != "BOOK":  # PDNG, INFO, FUTR: not on the account yet
            continue
        lines.extend(_camt_entry_lines(entry, where_entry, problems))

    if len(problems) > found:
        return None
    start = _camt_date_text(_text(element, "FrToDt/FrDtTm"))
    end = _camt_date_text(_text(element, "FrToDt/ToDtTm"))
    start, end = _period(lines, start, end)
    problem = _balance_problem(opening, lines, closing, where[0].lower() + where[1:])
    if problem:
        problems.append(problem)
        return None
    return Statement(
        account_iban=iban,
        currency=EUR,
        opening_balance=opening,
        closing_balance=closing,
        start_date=start,
        end_date=end,
        lines=tuple(lines),
    )


def _camt_amount(holder: etree._Element, where: str, problems: list[str]) -> Decimal | None:
    """The unsigned amount of holder/Amt, in euros, or None after recording the problem."""
    amount = holder.find("Amt")
    if amount is None:
        problems.append(f"{where} : élément Amt (montant) manquant.")
        return None
    currency = (amount.get("Ccy") or "").strip().upper()
    if currency != EUR:
        shown = f"en {currency}" if currency else "sans devise (attribut Ccy absent)"
        problems.append(f"{where} : montant {shown} ; seul l'euro (EUR) est accepté.")
        return None
    try:
        return _parse_amount(amount.text or "", "xml")
    except _BadValue as exc:
        problems.append(f"{where} : {exc}.")
        return None


def _camt_indicator(holder: etree._Element, default: str, where: str, problems: list[str]) -> str | None:
    indicator = _text(holder, "CdtDbtInd").upper() or default
    if indicator in ("CRDT", "DBIT"):
        return indicator
    reason = f"« {indicator} » inconnu (CRDT ou DBIT attendu)" if indicator else "manquant"
    problems.append(f"{where} : indicateur crédit/débit (CdtDbtInd) {reason}.")
    return None


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _camt_date_text(text: str) -> date | None:
    match = _ISO_DATE.match(text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _camt_date(entry: etree._Element, name: str, where: str, problems: list[str], required: bool) -> date | None:
    """entry/<name>/Dt or DtTm (the date part, as written by the bank)."""
    element = entry.find(name)
    if element is None:
        if required:
            problems.append(f"{where} : élément {name} (date) manquant.")
        return None
    text = _text(element, "Dt") or _text(element, "DtTm")
    value = _camt_date_text(text)
    if value is None:
        shown = f"« {text} » invalide" if text else "manquante (Dt ou DtTm attendu)"
        problems.append(f"{where} : date {name} {shown}.")
    return value


def _camt_entry_lines(entry: etree._Element, where: str, problems: list[str]) -> list[StatementLine]:
    found = len(problems)
    amount = _camt_amount(entry, where, problems)
    indicator = _camt_indicator(entry, "", where, problems)
    booking = _camt_date(entry, "BookgDt", where, problems, required=True)
    value_date = _camt_date(entry, "ValDt", where, problems, required=False)
    if len(problems) > found or amount is None or indicator is None or booking is None:
        return []
    signed = amount if indicator == "CRDT" else -amount
    details = entry.findall("NtryDtls/TxDtls")

    if len(details) > 1:
        parts = []
        for number, detail in enumerate(details, 1):
            holder = detail if detail.find("Amt") is not None else detail.find("AmtDtls/TxAmt")
            if holder is None:  # a detail without amount: the entry stays one line
                break
            where_detail = f"{where}, détail n° {number}{_at_line(detail)}"
            part = _camt_amount(holder, where_detail, problems)
            part_indicator = _camt_indicator(detail, indicator, where_detail, problems)
            if part is None or part_indicator is None:
                return []
            parts.append((detail, part if part_indicator == "CRDT" else -part, part_indicator))
        else:
            if sum(part for _, part, _ in parts) == signed:
                return [
                    _camt_line(entry, detail, part, part_indicator, booking, value_date, split=True)
                    for detail, part, part_indicator in parts
                ]
        return [_camt_line(entry, None, signed, indicator, booking, value_date, split=False)]

    detail = details[0] if details else None
    return [_camt_line(entry, detail, signed, indicator, booking, value_date, split=False)]


def _camt_line(
    entry: etree._Element,
    detail: etree._Element | None,
    amount: Decimal,
    indicator: str,
    booking: date,
    value_date: date | None,
    *,
    split: bool,
) -> StatementLine:
    reference = ""
    label = ""
    counterparty = counterparty_iban = ""
    if detail is not None:
        end_to_end = _text(detail, "Refs/EndToEndId")
        reference = end_to_end if end_to_end.upper() != "NOTPROVIDED" else ""
        reference = reference or _text(detail, "Refs/AcctSvcrRef")
        label = " ".join(_texts(detail, "RmtInf/Ustrd")) or " ".join(_texts(detail, "RmtInf/Strd/CdtrRefInf/Ref"))
        role = "Dbtr" if indicator == "CRDT" else "Cdtr"  # the other party: who paid us, or whom we paid
        counterparty = (
            _text(detail, f"RltdPties/{role}/Nm")
            or _text(detail, f"RltdPties/{role}/Pty/Nm")
            or _text(detail, f"RltdPties/Ultmt{role}/Nm")
            or _text(detail, f"RltdPties/Ultmt{role}/Pty/Nm")
        )
        counterparty_iban = _text(detail, f"RltdPties/{role}Acct/Id/IBAN").replace(" ", "").upper()
    reference = reference or _text(entry, "AcctSvcrRef")
    if split:
        label = label or _text(detail, "AddtlTxInf") or _text(entry, "AddtlNtryInf")
    else:
        label = label or _text(entry, "AddtlNtryInf") or _text(detail, "AddtlTxInf")
    return StatementLine(
        booking_date=booking,
        value_date=value_date,
        amount=amount,
        label=label,
        reference=reference,
        counterparty=counterparty,
        counterparty_iban=counterparty_iban,
    )


# --------------------------------------------------------------------------------------------------------------
# OFX


def parse_ofx(data: bytes) -> list[Statement]:
    """OFX 1.x SGML (unclosed leaf tags, cp1252/latin-1 headers) and OFX 2.x XML: one Statement per STMTRS."""
    if not data.strip():
        raise StatementError("Le fichier est vide.")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:64]
    if head.startswith(b"<?xml"):
        try:
            root = _parse_xml(data, "OFX")
        except _UnsafeXml:
            raise
        except StatementError:
            root = _ofx_sgml_tree(data)  # some banks write OFX 2 that is not well-formed XML (a bare &)
    else:
        root = _ofx_sgml_tree(data)
    ofx = root if root.tag == "OFX" else root.find(".//OFX")
    if ofx is None:
        raise StatementError("Ce fichier n'est pas un relevé OFX : élément <OFX> introuvable.")

    responses = list(ofx.iter("STMTRS", "CCSTMTRS"))
    if not responses:
        message = _text(ofx, ".//STMTTRNRS/STATUS/MESSAGE") or _text(ofx, ".//CCSTMTTRNRS/STATUS/MESSAGE")
        raise StatementError(
            "Le fichier OFX ne contient aucun relevé de compte (élément STMTRS absent)"
            + (f" ; message de la banque : « {message} »." if message else ".")
        )
    problems: list[str] = []
    statements = []
    for number, response in enumerate(responses, 1):
        statement = _ofx_statement(response, number, problems)
        if statement is not None:
            statements.append(statement)
    if problems:
        raise StatementError(problems)
    return statements


def _ofx_decode(data: bytes) -> str:
    """Valid UTF-8 is taken as UTF-8 whatever the header says (some banks declare 1252 and send UTF-8);
    otherwise the header's CHARSET: ISO-8859-1 as latin-1, anything else as cp1252 (French banks' default)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    header = data[: data.find(b"<")] if b"<" in data else data[:1024]
    charset = re.search(rb"CHARSET\s*:\s*([^\s<]+)", header, re.IGNORECASE)
    name = charset[1].decode("ascii", "replace").upper() if charset else ""
    codec = "latin-1" if name.replace("ISO", "").replace("-", "").replace("_", "") in ("88591", "LATIN1") else "cp1252"
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return data.decode("latin-1")


_SGML_TAG = r"<(/?)([A-Za-z][\w.]*)\s*(/?)>"
_SGML_TOKEN = re.compile(rf"{_SGML_TAG}|(?:[^<]|<(?!/?[A-Za-z][\w.]*\s*/?>))+")


def _ofx_sgml_tree(data: bytes) -> etree._Element:
    """An element tree from OFX SGML: leaf tags may stay unclosed; an open tag is an aggregate when its closing
    tag appears somewhere in the file, a leaf when a value follows it, an empty leaf otherwise."""
    text = _ofx_decode(data).replace("\r\n", "\n").replace("\r", "\n")
    start = text.find("<")
    if start < 0:
        raise StatementError("Ce fichier n'est pas un relevé OFX : aucune balise trouvée.")
    line = text.count("\n", 0, start) + 1
    tokens = []
    for match in _SGML_TOKEN.finditer(text, start):
        tokens.append((match[2].upper() if match[2] else None, match[1] == "/", match[3] == "/", match[0], line))
        line += match[0].count("\n")
    closed = {name for name, closing, _, _, _ in tokens if closing}

    root = etree.Element("SGML")
    stack = [root]
    index = 0
    while index < len(tokens):
        name, closing, self_closing, _raw, line = tokens[index]
        index += 1
        if name is None:  # text outside a leaf (whitespace, header, stray characters): ignored
            continue
        if closing:
            if name in [element.tag for element in stack[1:]]:
                while stack.pop().tag != name:
                    pass
            continue
        element = etree.SubElement(stack[-1], name)
        element.sourceline = line
        if self_closing:
            continue
        following = tokens[index] if index < len(tokens) else None
        if following and following[0] is None and following[3].strip():
            element.text = html.unescape(following[3].strip())
            index += 1
            after = tokens[index] if index < len(tokens) else None
            if after and after[1] and after[0] == name:
                index += 1
        elif name in closed:
            stack.append(element)
    if len(stack) > 1:
        element = stack[-1]
        raise StatementError(
            f"Fichier OFX tronqué ou mal formé : la balise <{element.tag}> ouverte à la ligne {element.sourceline}"
            " n'est jamais fermée."
        )
    return root


def _ofx_date(text: str) -> date | None:
    """YYYYMMDD[HHMMSS[.XXX]][[±h:TZ]] → the date part."""
    match = re.match(r"(\d{4})(\d{2})(\d{2})", text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _ofx_optional_date(element: etree._Element, name: str, where: str, problems: list[str]) -> date | None:
    text = _text(element, name)
    if not text:
        return None
    value = _ofx_date(text)
    if value is None:
        problems.append(f"{where} : date {name} « {text} » invalide (AAAAMMJJ attendu).")
    return value


def _ofx_statement(response: etree._Element, number: int, problems: list[str]) -> Statement | None:
    where = f"Relevé n° {number}"
    found = len(problems)
    currency = _text(response, "CURDEF").upper() or EUR  # mandatory in OFX; French banks always send it
    if currency != EUR:
        problems.append(f"{where} : compte tenu en {currency} ; seuls les comptes en euros (EUR) sont acceptés.")

    account = response.find("BANKACCTFROM")
    iban = _ofx_account_iban(account)
    transactions = response.find("BANKTRANLIST")
    start = _ofx_optional_date(transactions, "DTSTART", where, problems) if transactions is not None else None
    end = _ofx_optional_date(transactions, "DTEND", where, problems) if transactions is not None else None

    lines = []
    for index, transaction in enumerate(transactions.findall("STMTTRN") if transactions is not None else [], 1):
        line = _ofx_line(transaction, f"{where}, opération n° {index}", problems)
        if line is not None:
            lines.append(line)

    closing = None
    ledger = response.find("LEDGERBAL")
    if ledger is not None:
        try:
            closing = _parse_amount(_text(ledger, "BALAMT"), "ofx")
        except _BadValue as exc:
            problems.append(f"{where}, solde LEDGERBAL{_at_line(ledger)} : {exc}.")

    if len(problems) > found:
        return None
    start, end = _period(lines, start, end)
    return Statement(
        account_iban=iban,
        currency=EUR,
        opening_balance=None,  # OFX gives the ledger balance at DTASOF only
        closing_balance=closing,
        start_date=start,
        end_date=end,
        lines=tuple(lines),
    )


def _ofx_account_iban(account: etree._Element | None) -> str:
    if account is None:
        return ""
    return _french_iban(
        _text(account, "BANKID"), _text(account, "BRANCHID"), _text(account, "ACCTID"), _text(account, "ACCTKEY")
    )


def _ofx_line(transaction: etree._Element, where: str, problems: list[str]) -> StatementLine | None:
    fitid = _text(transaction, "FITID")
    details = ([f"FITID {fitid}"] if fitid else []) + [f"ligne {transaction.sourceline}"]
    where = f"{where} ({', '.join(details)})"
    found = len(problems)

    posted_text = _text(transaction, "DTPOSTED")
    posted = _ofx_date(posted_text)
    if posted is None:
        reason = f"« {posted_text} » invalide (AAAAMMJJ attendu)" if posted_text else "manquante (élément DTPOSTED)"
        problems.append(f"{where} : date de comptabilisation {reason}.")
    value_date = _ofx_optional_date(transaction, "DTAVAIL", where, problems)

    amount = None
    if transaction.find("TRNAMT") is None:
        problems.append(f"{where} : élément TRNAMT (montant) manquant.")
    else:
        try:
            amount = _parse_amount(_text(transaction, "TRNAMT"), "ofx")
        except _BadValue as exc:
            problems.append(f"{where} : {exc}.")
    currency = _text(transaction, "CURRENCY/CURSYM").upper()
    if currency and currency != EUR:
        problems.append(f"{where} : montant en {currency} ; seul l'euro (EUR) est accepté.")
    if len(problems) > found or posted is None or amount is None:
        return None

    name, memo = _text(transaction, "NAME"), _text(transaction, "MEMO")
    if name and memo and memo not in name:
        label = memo if memo.startswith(name) else f"{name} {memo}"
    else:
        label = name or memo
    counterparty = _text(transaction, "PAYEE/NAME")
    destination = transaction.find("BANKACCTTO")
    return StatementLine(
        booking_date=posted,
        value_date=value_date,
        amount=amount,
        label=label or counterparty,
        reference=_text(transaction, "CHECKNUM") or fitid,
        counterparty=counterparty,
        counterparty_iban=_ofx_account_iban(destination),
    )


# --------------------------------------------------------------------------------------------------------------
# CSV


def _decode_csv(data: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding).lstrip("\ufeff")
        except (UnicodeDecodeError, LookupError) as exc:
            raise StatementError(f"Impossible de lire le fichier avec l'encodage « {encoding} ».") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _csv_body(data: bytes, skip_rows: int, encoding: str | None) -> str:
    """The text after the preamble (`skip_rows` physical lines)."""
    if skip_rows < 0:
        raise StatementError("Le nombre de lignes à ignorer ne peut pas être négatif.")
    if not data.strip():
        raise StatementError("Le fichier est vide.")
    stream = io.StringIO(_decode_csv(data, encoding), newline="")
    for _ in range(skip_rows):
        stream.readline()
    return stream.read()


def _detect_delimiter(body: str) -> str:
    header = next((line for line in body.splitlines() if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda delimiter: counts[delimiter])  # ties: the first of ; tab ,
    return best if counts[best] else ";"


def _csv_rows(body: str, delimiter: str, skip_rows: int):
    """(first physical line number of the record, cells) for each record; csv errors become StatementError."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    previous = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise StatementError(f"Ligne {skip_rows + reader.line_num} : ligne CSV illisible ({exc}).") from exc
        yield skip_rows + previous + 1, row
        previous = reader.line_num


def _column_key(name: str) -> str:
    return _clean(name.lstrip("\ufeff")).casefold()


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


_SUMMARY_ROW = re.compile(r"(ancien |nouveau |sous[- ]?)?(solde|total)\b")


def _human_date_format(fmt: str) -> str:
    for code, shown in (("%d", "JJ"), ("%m", "MM"), ("%Y", "AAAA"), ("%y", "AA"), ("%H", "hh"), ("%M", "mm")):
        fmt = fmt.replace(code, shown)
    return fmt


def sniff_csv_columns(data: bytes, skip_rows: int = 0) -> tuple[list[str], list[list[str]]]:
    """The header and the first rows of a CSV, for the column-mapping screen (encoding and delimiter guessed)."""
    body = _csv_body(data, skip_rows, None)
    rows = _csv_rows(body, _detect_delimiter(body), skip_rows)
    header: list[str] | None = None
    sample: list[list[str]] = []
    for _, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        cells = [_clean(cell.lstrip("\ufeff")) for cell in row]
        if header is None:
            header = cells
            continue
        sample.append(cells)
        if len(sample) == SNIFF_ROWS:
            break
    if header is None:
        raise StatementError(f"Le fichier ne contient pas de ligne d'en-tête après les {skip_rows} lignes ignorées.")
    return header, sample


def parse_csv(data: bytes, mapping: CsvMapping) -> Statement:
    """A CSV bank export read with the user's column mapping; one Statement without IBAN nor balances."""
    if mapping.amount_column and (mapping.debit_column or mapping.credit_column):
        raise StatementError("Choisissez soit une colonne de montant signé, soit des colonnes Débit et Crédit.")
    if not (mapping.amount_column or mapping.debit_column or mapping.credit_column):
        raise StatementError("Indiquez la colonne du montant, ou les colonnes Débit et Crédit.")
    body = _csv_body(data, mapping.skip_rows, mapping.encoding)
    delimiter = mapping.delimiter or _detect_delimiter(body)
    rows = _csv_rows(body, delimiter, mapping.skip_rows)

    header_line, header = next(((n, row) for n, row in rows if any(cell.strip() for cell in row)), (0, None))
    if header is None:
        raise StatementError(
            f"Le fichier ne contient pas de ligne d'en-tête après les {mapping.skip_rows} lignes ignorées."
        )
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        positions.setdefault(_column_key(name), position)
    wanted = {
        "date": mapping.date_column,
        "label": mapping.label_column,
        "amount": mapping.amount_column,
        "debit": mapping.debit_column,
        "credit": mapping.credit_column,
        "value_date": mapping.value_date_column,
        "reference": mapping.reference_column,
    }
    columns: dict[str, int | None] = {}
    missing = []
    for role, name in wanted.items():
        if not name:
            columns[role] = None
        elif _column_key(name) in positions:
            columns[role] = positions[_column_key(name)]
        else:
            missing.append(name)
    if missing:
        names = ", ".join(f"« {name} »" for name in missing)
        found = ", ".join(f"« {_clean(name)} »" if _clean(name) else "(sans nom)" for name in header)
        raise StatementError(
            f"Colonne{'s' if len(missing) > 1 else ''} {names} introuvable{'s' if len(missing) > 1 else ''} dans "
            f"l'en-tête (ligne {header_line}) ; colonnes présentes : {found}. "
            "Vérifiez le séparateur et le nombre de lignes à ignorer avant l'en-tête."
        )

    style = "fr" if mapping.decimal_comma else "en"
    expected_format = _human_date_format(mapping.date_format)
    problems: list[str] = []
    lines: list[StatementLine] = []
    for line_number, row in rows:
        if not any(value.strip() for value in row):
            continue
        cells = {
            role: row[position].strip() if position is not None and position < len(row) else ""
            for role, position in columns.items()
        }
        raw_date = cells["date"]
        if not raw_date and not (cells["amount"] or cells["debit"] or cells["credit"]):
            continue  # a continuation or blank-ish row
        first = _fold(_clean(next((value for value in row if value.strip()), "")))
        try:
            booking = datetime.strptime(raw_date, mapping.date_format).date()
        except ValueError:
            if _SUMMARY_ROW.match(first):
                continue  # "Solde au …", "Total des opérations": bank trailer, not an operation
            reason = f"date « {raw_date} » invalide" if raw_date else "date manquante"
            problems.append(f"Ligne {line_number} : {reason} (format attendu : {expected_format}).")
            booking = None
        value_date = None
        if cells["value_date"]:
            try:
                value_date = datetime.strptime(cells["value_date"], mapping.date_format).date()
            except ValueError:
                problems.append(
                    f"Ligne {line_number} : date de valeur « {cells['value_date']} » invalide"
                    f" (format attendu : {expected_format})."
                )
        amount = _csv_amount(cells, bool(mapping.amount_column), style, line_number, problems)
        if booking is None or amount is None:
            continue
        lines.append(
            StatementLine(
                booking_date=booking,
                value_date=value_date,
                amount=amount,
                label=_clean(cells["label"]),
                reference=_clean(cells["reference"]),
                counterparty="",
                counterparty_iban="",
            )
        )
    if problems:
        raise StatementError(problems)
    if not lines:
        raise StatementError(
            "Aucune opération trouvée dans le fichier : vérifiez le nombre de lignes à ignorer"
            " et les colonnes choisies."
        )
    start, end = _period(lines, None, None)
    return Statement(
        account_iban="",
        currency=EUR,
        opening_balance=None,
        closing_balance=None,
        start_date=start,
        end_date=end,
        lines=tuple(lines),
    )


def _csv_amount(cells: dict[str, str], signed: bool, style: str, line_number: int, problems: list[str]):
    """The signed amount of a row: one signed column, or credit − debit (debits may be written with or without
    their minus sign); None after recording the problem."""
    where = f"Ligne {line_number}"
    if signed:
        try:
            return _parse_amount(cells["amount"], style)
        except _BadValue as exc:
            problems.append(f"{where} : {exc}.")
            return None
    debit_text, credit_text = cells["debit"], cells["credit"]
    if not debit_text and not credit_text:
        problems.append(f"{where} : ni débit ni crédit renseigné.")
        return None
    values = {}
    for role, text in (("débit", debit_text), ("crédit", credit_text)):
        if text:
            try:
                values[role] = abs(_parse_amount(text, style))
            except _BadValue as exc:
                problems.append(f"{where} : {role} : {exc}.")
                return None
    debit, credit = values.get("débit", Decimal("0.00")), values.get("crédit", Decimal("0.00"))
    if debit and credit:
        problems.append(f"{where} : débit et crédit renseignés tous les deux.")
        return None
    return credit - debit


# --------------------------------------------------------------------------------------------------------------
# Detection


def detect_format(data: bytes, filename: str = "") -> str:
    """'camt053', 'ofx' or 'csv', from the content first, then the file extension.

    Formats that cannot be imported (PDF, spreadsheets, QIF) raise StatementError with what to do instead."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise StatementError("Le fichier est vide.")
    upper = head.upper()
    if head.startswith(b"%PDF"):
        raise StatementError(
            "Les relevés PDF ne peuvent pas être importés : téléchargez depuis votre banque un relevé au format "
            "CAMT.053 (XML), OFX ou CSV."
        )
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise StatementError(
            "Les classeurs Excel ne peuvent pas être importés tels quels : enregistrez la feuille au format CSV."
        )
    if upper.startswith(b"!TYPE"):
        raise StatementError("Le format QIF n'est pas pris en charge : exportez un relevé OFX, CAMT.053 ou CSV.")
    if b"OFXHEADER" in upper[:2048] or b"<?OFX" in upper or b"<OFX>" in upper:
        return "ofx"
    if head.startswith(b"<"):
        return "camt053"  # any other XML: the CAMT parser says what it found instead
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("ofx", "qfx"):
        return "ofx"
    if extension == "xml":
        return "camt053"
    return "csv"


def parse_any(data: bytes, filename: str = "", csv_mapping: CsvMapping | None = None) -> list[Statement]:
    kind = detect_format(data, filename)
    if kind == "camt053":
        return parse_camt053(data)
    if kind == "ofx":
        return parse_ofx(data)
    if csv_mapping is None:
        raise CsvMappingRequired("Fichier CSV : choisissez d'abord la correspondance des colonnes.")
    return [parse_csv(data, csv_mapping)]
