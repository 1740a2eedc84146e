"""Expense reports paid back by SEPA credit transfer (issue 12 point 6): the posted reports of employees whose file
has an IBAN, chosen by the accountant, in one pain.001.001.09 file written with sepaxml (lib.sepa: the batch's own
message id, the official XSD checked), and each reimbursement posted and lettered as one paid by hand
(`expenses.reimburse_report`: 421 on the employee's sub-account against the bank's 512, the two 421 lines
lettered). hr does not import purchases: the supplier payment runs are tied to supplier invoices.

FRENCH-RULES §12: pain.001.001.09, structured postal addresses (street, postcode, town, country), the SEPA Latin
character set (sepaxml transliterates), MsgId and EndToEndId of at most 35 characters."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from sepaxml import SepaTransfer

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.models import Structure
from pilote.core.permissions import role_can
from pilote.hr.models import Employee, ExpenseReport, ExpenseStatus
from pilote.lib import sepa
from pilote.lib.dates import local_today
from pilote.lib.identifiers import compact
from pilote.lib.money import ZERO, to_cents

MESSAGE = "pain.001.001.09"


class _Transfer(sepa.FixedMessageId, SepaTransfer):
    """sepaxml's transfer with the batch's own MsgId (the bank refuses the same file sent twice)."""


def payable():
    """Posted expense reports not yet paid back: what a transfer may pay."""
    return ExpenseReport.objects.filter(status=ExpenseStatus.POSTED).select_related("employee").order_by(
        "employee__last_name", "employee__first_names", "number")  # fmt: skip


def iban(employee: Employee) -> str:
    return compact(employee.iban).upper()


def _address(line1: str, postal_code: str, city: str) -> dict:
    address = {"street_name": line1[:70], "postcode": postal_code[:16], "town": city[:35], "country": "FR"}
    return {key: value for key, value in address.items() if value}


@transaction.atomic
def pay_by_transfer(*, actor, reports, bank_account, execution_date: dt.date, today: dt.date | None = None) -> bytes:
    """The pain.001 file paying `reports` back from `bank_account` on `execution_date`; each report reimbursed
    (posted and lettered) on that date. Refused in French, writing nothing, if a report is no longer to pay, an
    employee has no IBAN, or the file would not pass the official XSD."""
    from pilote.hr.services.expenses import reimburse_report

    if not role_can(actor.role, "hr.expenses.post"):
        raise DomainError("Seuls la comptabilité et la direction remboursent les notes de frais.")
    ids = {report.pk for report in reports}
    if not ids:
        raise DomainError("Choisissez au moins une note de frais à rembourser.")
    chosen = list(payable().select_for_update(of=("self",)).filter(pk__in=ids))
    if len(chosen) != len(ids):
        raise DomainError("Une note choisie n'est plus à rembourser (déjà remboursée ou pas encore comptabilisée).")
    missing = sorted({r.employee.full_name for r in chosen if not iban(r.employee)})
    if missing:
        raise DomainError(f"IBAN inconnu pour : {', '.join(missing)}. Renseignez-le sur le dossier du salarié.")
    if execution_date < (today or local_today()):
        raise DomainError("La date d'exécution ne peut pas être passée.")
    if not compact(bank_account.iban):
        raise DomainError(f"Le compte bancaire « {bank_account} » n'a pas d'IBAN : renseignez-le pour virer.")
    structure = Structure.objects.get()
    config = {
        "name": structure.legal_name,
        "IBAN": compact(bank_account.iban).upper(),
        "batch": True,
        "currency": "EUR",
        "address": _address(structure.address_line1, structure.postal_code, structure.city),
    }
    if structure.bic:
        config["BIC"] = compact(structure.bic).upper()
    message_id = f"PILOTE-NDF-{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(4)}"
    transfer = _Transfer(config, MESSAGE, message_id)
    for report in chosen:
        employee = report.employee
        transfer.add_payment({
            "name": employee.full_name, "IBAN": iban(employee), "amount": to_cents(report.total),
            "execution_date": execution_date, "description": f"Remboursement note de frais {report.number}",
            "endtoend_id": f"NDF-{report.number}"[:35],
            "address": _address(employee.address, employee.postal_code, employee.city),
            **({"BIC": compact(employee.bic).upper()} if employee.bic else {}),
        })  # fmt: skip
    xml = transfer.export(validate=False)
    if problems := sepa.xsd_errors(xml, MESSAGE):
        raise DomainError("Le fichier de virements ne respecte pas le schéma officiel : " + " ; ".join(problems[:3]))
    for report in chosen:
        reimburse_report(actor=actor, report=report, bank_account=bank_account, on=execution_date)
    total = sum((report.total for report in chosen), ZERO)
    audit.record(actor, "hr.expense.transfer", None,
                 after={"notes": len(chosen), "total": str(total), "message_id": message_id})  # fmt: skip
    return xml
