"""Contracts and amendments: each a new dated version, checked against the legal limits (`hr.contracts`), with
an audit event that names what changed but never writes the salary; reading a salary is audited too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.hr import contracts as rules
from pilote.hr.models import Contract, ContractType, Employee

FIELDS = ("kind", "effective_from", "signed_on", "end_date", "cdd_reason", "renewals", "job", "part_time",
          "weekly_hours", "trial_end", "monthly_gross", "school", "reason")  # fmt: skip


def _author(actor) -> str:
    return (actor.get_full_name() or actor.username) if getattr(actor, "pk", None) else "Pilote"


def _check(employee: Employee, data: dict, first: Contract | None) -> None:
    if data["kind"] not in ContractType.values:
        raise DomainError("Cette nature de contrat n'existe pas.")
    if data["monthly_gross"] is None or Decimal(data["monthly_gross"]) < 0:
        raise DomainError("Indiquez le salaire brut mensuel.")
    if data["effective_from"] < employee.entry_date:
        raise DomainError("Le contrat ne peut pas commencer avant l'entrée du salarié.")
    if data["cdd_reason"] and data["cdd_reason"] not in dict(rules.CDD_REASONS):
        raise DomainError("Ce motif de CDD n'existe pas.")
    terms = rules.Terms(data["kind"], data["effective_from"], data["end_date"], data["cdd_reason"],
                        float(data["weekly_hours"]), data["part_time"], data["renewals"])  # fmt: skip
    first_start = first.effective_from if first and first.kind == data["kind"] == "cdd" else None
    if errors := rules.problems(terms, first_start):
        raise DomainError(" ".join(errors))


@transaction.atomic
def sign_contract(*, actor, employee: Employee, **data) -> Contract:
    """The contract itself (version 1). The trial period's end defaults to the legal maximum."""
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if employee.contracts.exists():
        raise DomainError("Ce salarié a déjà un contrat : enregistrez un avenant.")
    data = {"signed_on": None, "end_date": None, "cdd_reason": "", "renewals": 0, "part_time": False,
            "weekly_hours": Decimal(35), "trial_end": None, "school": "", "reason": ""} | data  # fmt: skip
    data.setdefault("job", employee.job)
    _check(employee, data, None)
    if data["trial_end"] is None:
        data["trial_end"] = rules.default_trial_end(data["kind"], employee.cse_category, data["effective_from"],
                                                    data["end_date"])  # fmt: skip
    contract = Contract.objects.create(employee=employee, version=1, author=_author(actor), **data)
    audit.record(actor, "hr.contract.signed", contract, after=_trace(contract))
    return contract


@transaction.atomic
def amend_contract(*, actor, employee: Employee, reason: str, **changes) -> Contract:
    """An amendment: the last version's terms with `changes`, from its date. A CDD renewed counts one renewal."""
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    last = employee.contracts.order_by("-version").first()
    if last is None:
        raise DomainError("Enregistrez d'abord le contrat.")
    if not reason.strip():
        raise DomainError("Un avenant indique son objet.")
    data = {name: getattr(last, name) for name in FIELDS} | {"reason": reason, "trial_end": last.trial_end} | changes
    if data["effective_from"] <= last.effective_from:
        raise DomainError("Un avenant prend effet après la version précédente du contrat.")
    if last.kind == data["kind"] == "cdd" and data["end_date"] != last.end_date:
        data["renewals"] = last.renewals + 1
    first = employee.contracts.order_by("version").first()
    _check(employee, data, first)
    version = (employee.contracts.aggregate(top=Max("version"))["top"] or 0) + 1
    contract = Contract.objects.create(employee=employee, version=version, author=_author(actor), **data)
    changed = sorted(name for name in FIELDS if getattr(contract, name) != getattr(last, name))
    audit.record(actor, "hr.contract.amended", contract, after=_trace(contract) | {"changed": changed})
    return contract


def current_terms(employee: Employee) -> tuple[Contract | None, dict]:
    """The last version of the employee's contract (None before the contract) and the terms its form starts from:
    the file's (nature, entry, job, hours) for the contract itself, the last version's for an amendment."""
    last = employee.contracts.order_by("-version").first()
    if last is None:
        return None, {"kind": employee.contract_type, "effective_from": employee.entry_date, "job": employee.job,
                      "part_time": employee.part_time, "weekly_hours": employee.weekly_hours}  # fmt: skip
    return last, {name: getattr(last, name) for name in FIELDS} | {"reason": ""}


def record_terms(*, actor, employee: Employee, **data) -> Contract:
    """What the contract page records: the contract itself when there is none yet, else an amendment."""
    if not employee.contracts.exists():
        return sign_contract(actor=actor, employee=employee, **{k: v for k, v in data.items() if k != "reason"})
    return amend_contract(actor=actor, employee=employee, **data)


def read_contracts(actor, employee: Employee) -> list[Contract]:
    """The versions of the employee's contract, newest first, as the file and the API show them: reading someone
    else's salary is written in the audit log."""
    contracts = list(employee.contracts.order_by("-version"))
    if contracts and employee.user_id != actor.pk:
        record_salary_read(actor, employee)
    return contracts


def _trace(contract: Contract) -> dict:
    """The audit trail's view: the salary is named, never written (the auditor reads the trail)."""
    data = audit.snapshot(contract)
    data["monthly_gross"] = "(confidentiel)"
    return data


def record_salary_read(actor, employee: Employee) -> None:
    """Reading someone's salary is written in the audit log (issue 12: confidentiality)."""
    audit.record(actor, "hr.salary.read", employee, after={"employee": employee.pk})


def ending_soon(today: dt.date, ahead: int = rules.NOTICE_DAYS):
    """Current versions whose trial period or fixed term ends within `ahead` days (one query)."""
    horizon = today + dt.timedelta(days=ahead)
    latest = {}
    rows = (
        Contract.objects.filter(employee__exit_date__isnull=True)
        .select_related("employee")
        .only("employee_id", "version", "kind", "trial_end", "end_date", "employee__first_names", "employee__last_name")
        .order_by("employee_id", "version")
    )
    for contract in rows:
        latest[contract.employee_id] = contract
    found = []
    for contract in latest.values():
        if contract.trial_end and today <= contract.trial_end <= horizon:
            found.append(("trial", contract.trial_end, contract))
        if contract.end_date and today - dt.timedelta(days=7) <= contract.end_date <= horizon:
            found.append(("end", contract.end_date, contract))
    return sorted(found, key=lambda item: item[1])
