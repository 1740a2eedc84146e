"""ISO 20022 camt.053 (.001.02 to .08) bank statements."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from pilote.ledger.bank_statements.common import (
    EUR,
    Statement,
    StatementError,
    StatementLine,
    _at_line,
    _BadValue,
    _balance_problem,
    _match_date,
    _parse_amount,
    _parse_xml,
    _period,
    _text,
    _texts,
)

if TYPE_CHECKING:  # lxml is loaded by the parser (common._parse_xml), when a statement is read
    from lxml import etree

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
    return _match_date(_ISO_DATE.match(text))


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
