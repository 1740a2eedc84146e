"""General ledger (grand livre), third-party accounts and lettrage pages."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.forms import DATE_WIDGET
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, paginate, sort_queryset
from pilote.core.params import to_ids, to_int
from pilote.ledger import lettering, queries
from pilote.ledger.models import Account, AuxiliaryAccount, EntryLine, FiscalYear, Journal, JournalKind, Matching
from pilote.lib.dates import add_months
from pilote.lib.french import plural
from pilote.lib.money import ZERO


def _year(request) -> FiscalYear | None:
    years = FiscalYear.objects.order_by("-start_date")
    chosen = request.GET.get("exercice") or request.POST.get("exercice")
    chosen = to_int(chosen, minimum=1)
    return (years.filter(pk=chosen).first() if chosen else None) or years.first()


def _until(request, year: FiscalYear | None) -> dt.date | None:
    """The « jusqu'au » day of a general ledger (a figure at a past date drills down to its lines up to that
    day); a day outside the year is refused with a message and the whole year is shown."""
    raw = request.GET.get("au", "").strip()
    if not raw or year is None:
        return None
    field = forms.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    try:
        day = field.clean(raw)
    except forms.ValidationError:
        messages.error(request, f"« {raw} » n'est pas une date : le grand livre montre tout l'exercice.")
        return None
    if not year.start_date <= day <= year.end_date:
        messages.error(request, f"Le {day:%d/%m/%Y} n'est pas dans l'exercice choisi (du {year.start_date:%d/%m/%Y} "
                                f"au {year.end_date:%d/%m/%Y}) : le grand livre montre tout l'exercice.")  # fmt: skip
        return None
    return day


@require_perm("ledger.view")
def general_ledger(request):
    year = _year(request)
    code = request.GET.get("compte", "").strip()
    account = Account.objects.filter(code=code).first() if code else None
    aux_code = request.GET.get("auxiliaire", "").strip()
    auxiliary = AuxiliaryAccount.objects.filter(code=aux_code).first() if aux_code else None
    page_number = to_int(request.GET.get("page"), minimum=1) or 1
    until = _until(request, year)
    ledger = queries.general_ledger(year, account, auxiliary, page_number, until) if (year and account) else None
    context = {
        "years": FiscalYear.objects.order_by("-start_date"),
        "year": year,
        "account": account,
        "auxiliary": auxiliary,
        "ledger": ledger,
        "code": code,
        "aux_code": aux_code,
        "until": until,
    }
    if code and account is None:
        messages.error(request, f"Compte {code} inconnu du plan comptable.")
    return render(request, "ledger/general_ledger.html", context)


@require_perm("ledger.view")
def third_parties(request):
    year = _year(request)
    kind, search = request.GET.get("type", ""), request.GET.get("q", "").strip()
    auxiliaries = queries.third_parties(year, kind, search)
    auxiliaries = sort_queryset(auxiliaries, request.GET.get("tri", ""), queries.THIRD_PARTY_SORTS, "compte")
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        rows = auxiliaries.iterator(chunk_size=2000)
        title = f"Clients et fournisseurs — {year}" if year else "Clients et fournisseurs"
        return export_response(rows, queries.THIRD_PARTY_COLUMNS, "tiers", fmt, title=title)
    page = paginate(request, auxiliaries, 100)
    for aux in page:
        aux.debit_balance, aux.credit_balance = queries.debit_balance(aux), queries.credit_balance(aux)
    from pilote.ledger.forms import AuxiliaryForm

    context = {
        "auxiliaries": page,
        "page": page,
        "year": year,
        "years": FiscalYear.objects.all(),
        "kind": kind,
        "search": search,
        "form": AuxiliaryForm(),
    }
    return render(request, "ledger/third_parties.html", context)


LETTERING_PER_PAGE = 200


@require_perm("ledger.view")
def lettering_page(request, pk: int):
    """A third party's open lines, oldest first, by keyset pages read from the partial index of open lines; its
    lettered lines on demand (`?lettrees=1`), newest first — never every line it ever had."""
    from pilote.core.keyset import keyset_page

    auxiliary = get_object_or_404(AuxiliaryAccount.objects.select_related("control_account", "contact"), pk=pk)
    account = auxiliary.control_account
    lettered = request.GET.get("lettrees") == "1"
    count = None
    if lettered:  # newest first, in the order of an index (`lettering.lettered_lines`), counted from aggregates
        lines, keys = lettering.lettered_lines(account, auxiliary.pk)
        count = lettering.lettered_count(account, auxiliary.pk)
    else:  # the partial matching's code rides on the lines' query (one join, not one query per line)
        lines, keys = lettering.open_lines(account, auxiliary.pk).select_related("match__matching"), [("date", None)]
        count = lettering.open_count(account, auxiliary.pk)
    page = keyset_page(
        lines, keys, descending=lettered, after=request.GET.get("apres", ""),
        before=request.GET.get("avant", ""), per_page=LETTERING_PER_PAGE, ids_first=lettered, count=count,
    )  # fmt: skip
    context = {
        "auxiliary": auxiliary,
        "page": page,
        "lettered": lettered,
        "matchings": Matching.objects.filter(account=account, aux_key=auxiliary.pk).order_by("-created_at", "-pk")[:50],
    }
    return render(request, "ledger/lettering.html", context)


@require_POST
@require_perm("ledger.edit")
def lettering_letter(request, pk: int):
    auxiliary = get_object_or_404(AuxiliaryAccount, pk=pk)
    ids = to_ids(request.POST.getlist("lignes"))
    lines = lettering.auxiliary_lines(auxiliary, ids)  # only lines this page shows
    try:
        matching = lettering.letter_lines(actor=request.user, lines=lines, partial="partiel" in request.POST)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Lignes lettrées (code {matching.code}).")
    return redirect("ledger:lettering", pk=pk)


@require_POST
@require_perm("ledger.edit")
def lettering_auto(request, pk: int):
    auxiliary = get_object_or_404(AuxiliaryAccount.objects.select_related("control_account"), pk=pk)
    # Scoped to the page's third party: the run letters this auxiliary account's lines and no other's.
    made = lettering.auto_letter(actor=request.user, account=auxiliary.control_account, auxiliary=auxiliary)
    messages.success(
        request, f"Lettrage automatique : {plural(made, 'lettrage effectué', 'lettrages effectués')} pour {auxiliary}."
    )
    return redirect("ledger:lettering", pk=pk)


@require_POST
@require_perm("ledger.edit")
def lettering_undo(request, pk: int):
    matching = get_object_or_404(Matching, pk=pk)
    auxiliary_pk = matching.aux_key
    try:
        lettering.unletter(actor=request.user, matching=matching)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Lettrage défait.")
    return redirect("ledger:lettering", pk=auxiliary_pk)


def _gl_rows(year, account, auxiliary, until=None):
    """Every line of the account for the export, with its running balance (streamed in date order), up to
    `until`; an account's à-nouveaux in one line, as on the page."""
    lines = EntryLine.objects.filter(account=account, fiscal_year=year, entry__status="posted")
    lines = lines.filter(auxiliary=auxiliary) if auxiliary else lines
    lines = lines.filter(date__lte=until) if until else lines
    running = ZERO
    carried = queries.carried_forward(year, account) if auxiliary is None else None
    if carried is not None:
        lines = lines.exclude(entry__journal__kind=JournalKind.OPENING)
        running = carried.balance
        yield SimpleNamespace(
            date=carried.date, label=carried.label, debit=carried.debit,
            credit=carried.credit, running_balance=running,
            entry=SimpleNamespace(journal=SimpleNamespace(code=""), number="", piece_ref="", label=""),
        )  # fmt: skip
    for line in lines.select_related("entry__journal").order_by("date", "id").iterator(chunk_size=2000):
        running += line.debit - line.credit
        line.running_balance = running
        yield line


GL_COLUMNS = [
    Column("Date", lambda line: line.date),
    Column("Journal", lambda line: line.entry.journal.code),
    Column("N°", lambda line: line.entry.number),
    Column("Pièce", lambda line: line.entry.piece_ref),
    Column("Libellé", lambda line: line.label or line.entry.label),
    Column("Débit", lambda line: line.debit),
    Column("Crédit", lambda line: line.credit),
    Column("Solde", lambda line: line.running_balance),
]


@require_perm("ledger.view")
def general_ledger_export(request):
    year = _year(request)
    account = get_object_or_404(Account, code=request.GET.get("compte", "").strip())
    aux_code = request.GET.get("auxiliaire", "").strip()
    auxiliary = AuxiliaryAccount.objects.filter(code=aux_code).first() if aux_code else None
    fmt = request.GET.get("export", "csv")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    until = _until(request, year)
    title = f"Grand livre {account}" + (f" — {auxiliary}" if auxiliary else "") + f" — {year}"
    title += f" au {until:%d/%m/%Y}" if until else ""
    return export_response(
        _gl_rows(year, account, auxiliary, until), GL_COLUMNS, f"grand-livre-{account.code}", fmt, title=title
    )


class PeriodJournalForm(forms.Form):
    journal = forms.ModelChoiceField(
        label="Journal", queryset=Journal.objects.all(), required=False, empty_label="Tous les journaux"
    )
    du = forms.DateField(label="Du", widget=DATE_WIDGET)
    au = forms.DateField(label="Au", widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", "La fin de la période précède son début.")
        return data


def _current_month() -> dict[str, str]:
    """The current month in Paris (a business date is a local date), as the date inputs send it."""
    today = timezone.localdate()
    first = today.replace(day=1)
    return {"du": first.isoformat(), "au": (add_months(first, 1) - dt.timedelta(days=1)).isoformat()}


@require_perm("ledger.view")
def journal_report(request):
    params = request.GET.copy()
    for key, value in _current_month().items():  # no period typed yet: the current month is shown
        if not params.get(key):
            params[key] = value
    form = PeriodJournalForm(params)
    lines, totals = None, None
    if form.is_valid():
        data = form.cleaned_data
        lines = queries.journal_lines(data["journal"], data["du"], data["au"])
        lines = sort_queryset(lines, request.GET.get("tri", ""), queries.JOURNAL_SORTS, "numero")
        fmt = request.GET.get("export")
        if fmt in EXPORT_FORMATS:
            name = data["journal"] or "tous journaux"
            title = f"Journal {name} du {data['du']:%d/%m/%Y} au {data['au']:%d/%m/%Y}"
            code = data["journal"].code if data["journal"] else "general"
            rows = lines.iterator(chunk_size=2000)
            return export_response(rows, queries.JOURNAL_COLUMNS, f"journal-{code}", fmt, title=title)
        totals = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
        lines = paginate(request, lines, 200)
    return render(request, "ledger/journal_report.html", {"form": form, "page": lines, "totals": totals})


AGED_PER_PAGE = 100  # third parties per page of the aged balance (thousands of customers: the page stays light)


class AgedForm(forms.Form):
    type = forms.ChoiceField(label="Tiers", choices=[("411", "Clients"), ("401", "Fournisseurs")])
    au = forms.DateField(label="Au", widget=DATE_WIDGET, required=False)


class _Counted:
    """What a Paginator needs of rows counted elsewhere: their number."""

    def __init__(self, count: int):
        self._count = count

    def count(self) -> int:
        return self._count


@require_perm("ledger.view")
def aged_balance(request):
    form = AgedForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    prefix, on = data.get("type") or "411", data.get("au") or timezone.localdate()
    order = request.GET.get("tri", "")
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        what = "clients" if prefix == "411" else "fournisseurs"
        rows = queries.aged_parties(prefix, on, order=order).rows
        return export_response(
            rows, queries.aged_columns(), f"balance-agee-{what}", fmt, title=f"Balance âgée {what} au {on:%d/%m/%Y}"
        )
    # Sorted, paged, counted and totalled in SQL: one row per third party of the page comes back.
    number = to_int(request.GET.get("page"), minimum=1) or 1
    found = queries.aged_parties(prefix, on, order=order, limit=AGED_PER_PAGE, offset=(number - 1) * AGED_PER_PAGE)
    if not found.rows and number > 1:  # past the last page: the last one, as Paginator.get_page does
        count = queries.aged_parties(prefix, on, order=order, limit=1).count
        number = max(1, -(-count // AGED_PER_PAGE))
        found = queries.aged_parties(prefix, on, order=order, limit=AGED_PER_PAGE, offset=(number - 1) * AGED_PER_PAGE)
    page = Page(found.rows, number, Paginator(_Counted(found.count), AGED_PER_PAGE))
    labels = [b[0] for b in queries.AGE_BUCKETS]
    lettering = reverse("ledger:lettering", args=[0]).replace("/0/", "/{}/")  # reversed once, not per row
    for row in page:  # each amount with its bucket's name, the label of its cell on a phone
        row.cells = list(zip(labels, row.buckets, strict=True))
        row.url = lettering.format(row.auxiliary_id)
    context = {
        "form": form,
        "rows": found.rows,
        "page": page,
        "buckets": [(b[0], f"age{i}") for i, b in enumerate(queries.AGE_BUCKETS)],
        "totals": found.totals,
        "total_cells": list(zip(labels, found.totals, strict=True)),
        "grand_total": sum(found.totals, ZERO),
        "on": on,
        "prefix": prefix,
    }
    return render(request, "ledger/aged_balance.html", context)
