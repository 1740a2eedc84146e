"""OFX bank statements: 1.x (SGML, no closing tags needed) and 2.x (XML)."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import TYPE_CHECKING

from pilote.ledger.bank_statements.common import (
    EUR,
    Statement,
    StatementError,
    StatementLine,
    _at_line,
    _BadValue,
    _french_iban,
    _match_date,
    _parse_amount,
    _parse_xml,
    _period,
    _text,
    _UnsafeXml,
)

if TYPE_CHECKING:  # lxml is imported where an OFX file is read, not at start-up (tests/test_startup.py)
    from lxml import etree

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
    from lxml import etree

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
    return _match_date(re.match(r"(\d{4})(\d{2})(\d{2})", text))


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
