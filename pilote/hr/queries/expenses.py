"""Reads on expense reports: the employee's own, those waiting for a user's decision, the list for rh, direction
and the accountant with its filters, sorts and export — a fixed number of queries each."""

from __future__ import annotations

from django.db.models import Q

from pilote.core.listing import Column
from pilote.core.permissions import role_can
from pilote.hr.models import ExpenseReport, ExpenseStatus

SORTS = {
    "numero": ["number"],
    "salarie": ["employee__last_name", "employee__first_names"],
    "date": ["created_at"],
    "total": ["total"],
    "etat": ["status"],
}
DEFAULT_SORT = "-date"


def mine(user):
    return ExpenseReport.objects.filter(employee__user=user).select_related("employee").order_by("-created_at", "-pk")


def decidable(user):
    """Reports waiting for `user`'s decision: all for rh and direction, else those of the people reporting to them;
    never their own."""
    waiting = ExpenseReport.objects.filter(status=ExpenseStatus.SUBMITTED).select_related("employee")
    waiting = waiting.exclude(employee__user=user).order_by("submitted_at", "pk")
    if role_can(user.role, "hr.edit"):
        return waiting
    return waiting.filter(employee__manager__user=user)


def filter_reports(data: dict):
    reports = ExpenseReport.objects.select_related("employee", "entry__journal", "payment_entry__journal")
    if text := (data.get("q") or "").strip():
        reports = reports.filter(
            Q(number__icontains=text) | Q(title__icontains=text) | Q(employee__last_name__icontains=text)
            | Q(employee__first_names__icontains=text)
        )  # fmt: skip
    if status := data.get("statut"):
        reports = reports.filter(status=status)
    if start := data.get("du"):
        reports = reports.filter(created_at__date__gte=start)
    if end := data.get("au"):
        reports = reports.filter(created_at__date__lte=end)
    return reports


EXPORT_COLUMNS = [
    Column("Numéro", lambda r: r.number),
    Column("Salarié", lambda r: r.employee.full_name),
    Column("Objet", lambda r: r.title),
    Column("Créée le", lambda r: r.created_at.date()),
    Column("État", lambda r: r.get_status_display()),
    Column("Total TTC", lambda r: r.total),
    Column("TVA déductible", lambda r: r.deductible_vat),
    Column("Décidée par", lambda r: r.decided_by),
    Column("Pièce comptable", lambda r: f"{r.entry.journal.code} n° {r.entry.number}" if r.entry else ""),
    Column("Remboursée le", lambda r: r.paid_on),
]
