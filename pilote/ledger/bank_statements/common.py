"""What every statement parser shares: the parsed data, the French errors, amounts, balances, dates, the
French IBAN of a RIB, and the hardened XML reading (CAMT and OFX 2). Pure: no model, no database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from pilote.lib.formats import format_eur
from pilote.lib.money import CENT

if TYPE_CHECKING:  # lxml is imported by the XML reading below, when a CAMT or OFX 2 file is read
    from lxml import etree

EUR = "EUR"
MAX_PROBLEMS_IN_MESSAGE = 10


# --------------------------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True, slots=True)  # slots: a large CSV gives hundreds of thousands of them
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
    notes: tuple[str, ...] = ()  # what the reading did that the user should know (a section left out…)


class StatementError(Exception):
    """A file that cannot be imported; `problems` lists every problem found, each a French sentence."""

    def __init__(self, problems: str | Iterable[str]):
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(_summary(self.problems))


def _summary(problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    shown = "\n".join(f"- {p}" for p in problems[:MAX_PROBLEMS_IN_MESSAGE])
    more = len(problems) - MAX_PROBLEMS_IN_MESSAGE
    tail = f"\n- … et {more} autre{'s' if more > 1 else ''}" if more > 0 else ""
    return f"{len(problems)} problèmes dans le fichier :\n{shown}{tail}"


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


def _match_date(match: re.Match[str] | None) -> date | None:
    """The date of a (year, month, day) match, or None if nothing matched or it is no calendar date."""
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _french_iban(bank: str, branch: str, account: str, key: str = "") -> str:
    """The French IBAN of a RIB (code banque, code guichet, numéro de compte, clé), or '' when incomplete/invalid."""
    bank, branch, account, key = (re.sub(r"[\s-]", "", part or "").upper() for part in (bank, branch, account, key))
    if len(account) == 13 and account[11:].isdigit() and not key:  # ACCTID with the RIB key appended
        account, key = account[:11], account[11:]
    if not (re.fullmatch(r"\d{5}", bank) and re.fullmatch(r"\d{5}", branch) and re.fullmatch(r"[0-9A-Z]{11}", account)):
        return ""
    if key and not re.fullmatch(r"\d{2}", key):
        return ""
    import schwifty  # its bank registry loads at the first statement read, not at start-up
    from schwifty.exceptions import SchwiftyException

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
    from lxml import etree

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
    from lxml import etree

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
