"""Volunteering and contributions in kind: volunteers, activities, hours (list, filters, sorts, exports, entry),
the posting of a period (864 / 875, never twice), contributions in kind and the annex figures."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.associations import forms
from pilote.associations.access import for_associations
from pilote.associations.models import InKindContribution, VolunteerActivity, VolunteerHours, VolunteerPosting
from pilote.associations.queries import volunteering as queries
from pilote.associations.services import volunteering as services
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, filter_data, paginate, sort_queryset
from pilote.ledger.models import FiscalYear
from pilote.lib.dates import local_today


def _year(form) -> int:
    data = filter_data(form)
    return int(data.get("annee") or local_today().year)


VOLUNTEER_COLUMNS = [
    Column("Bénévole", lambda v: v.contact.display_name),
    Column("Depuis le", lambda v: v.since),
    Column("Heures de l'année", lambda v: v.year_hours),
    Column("Valorisation de l'année", lambda v: v.year_value),
]


def _volunteers(request):
    form = forms.VolunteerFilterForm(request.GET or None)
    year = _year(form)
    data = {"q": filter_data(form).get("q") or "", "tri": request.GET.get("tri", "")}
    return form, year, queries.filter_volunteers(data, year)


@require_perm("associations.view")
@for_associations
def volunteer_list(request):
    form, year, rows = _volunteers(request)
    return render(request, "associations/volunteer_list.html", {"form": form, "year": year, "volunteers": rows})


@require_perm("associations.view")
@for_associations
def volunteer_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, year, rows = _volunteers(request)
    return export_response(rows, VOLUNTEER_COLUMNS, "benevoles", fmt, title=f"Bénévoles — heures {year}")


@require_perm("associations.edit")
@for_associations
def volunteer_create(request):
    form = forms.VolunteerForm(request.POST or None, initial={"since": local_today()})
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.enrol_volunteer(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{volunteer.contact.display_name} est inscrit(e) comme bénévole.")
            return redirect("associations:volunteer-list")
    return render(request, "associations/volunteer_form.html", {"form": form, "title": "Nouveau bénévole"})


@require_perm("associations.view")
@for_associations
def activities(request):
    form = forms.ActivityForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("associations.edit"):
            raise PermissionDenied
        if form.is_valid():
            try:
                activity = services.create_activity(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"L'activité « {activity.name} » est créée.")
                return redirect("associations:volunteer-activities")
    context = {"form": form, "activities": VolunteerActivity.objects.all(), "default_rate": services.default_rate()}
    return render(request, "associations/volunteer_activities.html", context)


def _hours(request):
    form = forms.HoursFilterForm(request.GET or None)
    data = filter_data(form)
    hours = queries.filter_hours(data)
    return form, sort_queryset(hours, request.GET.get("tri", ""), queries.HOURS_SORTS, queries.HOURS_DEFAULT_SORT)


@require_perm("associations.view")
@for_associations
def hours_list(request):
    form, hours = _hours(request)
    context = {"form": form, "page": paginate(request, queries.with_list_relations(hours))}
    if request.headers.get("HX-Request") == "true":
        return render(request, "associations/_hours_results.html", context)
    return render(request, "associations/hours_list.html", context)


@require_perm("associations.view")
@for_associations
def hours_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, hours = _hours(request)
    rows = queries.with_list_relations(hours).iterator(chunk_size=500)
    return export_response(rows, queries.HOURS_COLUMNS, "heures-benevolat", fmt, title="Heures de bénévolat")


@require_perm("associations.edit")
@for_associations
def hours_create(request):
    form = forms.HoursForm(request.POST or None, initial={"date": local_today()})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.record_hours(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{row.hours} h de {row.volunteer.contact.display_name} enregistrées."
                             .replace(".", ",", 1))  # fmt: skip
            return redirect("associations:hours-list")
    return render(request, "associations/volunteer_form.html", {"form": form, "title": "Saisir des heures"})


@require_POST
@require_perm("associations.edit")
@for_associations
def hours_delete(request, pk: int):
    row = get_object_or_404(VolunteerHours, pk=pk)
    try:
        services.delete_hours(actor=request.user, hours=row)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "La saisie est supprimée.")
    return redirect("associations:hours-list")


def _last_month() -> tuple[dt.date, dt.date]:
    end = local_today().replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


@require_perm("associations.view")
@for_associations
def postings(request):
    start, end = _last_month()
    form = forms.PeriodForm(request.POST or None, initial={"period_start": start, "period_end": end})
    if request.method == "POST":
        if not request.user.can("associations.receipts"):
            raise PermissionDenied
        if form.is_valid():
            try:
                posting = services.post_volunteering(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Bénévolat comptabilisé : écriture n° {posting.entry.number} (864 / 875).")
                return redirect("associations:volunteer-postings")
    minutes, value = queries.pending_totals(start, end)
    context = {"form": form, "postings": VolunteerPosting.objects.select_related("entry")[:60], "start": start,
               "end": end, "pending_hours": queries.rules.hours_of(minutes), "pending_value": value}  # fmt: skip
    return render(request, "associations/volunteer_postings.html", context)


IN_KIND_COLUMNS = [
    Column("Date", lambda c: c.date),
    Column("Nature", lambda c: c.get_kind_display()),
    Column("Apporté par", lambda c: c.contributor.display_name if c.contributor_id else ""),
    Column("Description", lambda c: c.description),
    Column("Valorisation", lambda c: c.amount),
    Column("Écriture", lambda c: c.entry.number),
]


def _in_kind(request):
    form = forms.VolunteerFilterForm(request.GET or None)
    data = filter_data(form)
    return form, sort_queryset(queries.filter_in_kind(data), request.GET.get("tri", ""), queries.IN_KIND_SORTS,
                               queries.IN_KIND_DEFAULT_SORT)  # fmt: skip


@require_perm("associations.view")
@for_associations
def in_kind_list(request):
    form, rows = _in_kind(request)
    return render(request, "associations/in_kind_list.html", {"form": form, "page": paginate(request, rows)})


@require_perm("associations.view")
@for_associations
def in_kind_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, rows = _in_kind(request)
    return export_response(rows.iterator(chunk_size=500), IN_KIND_COLUMNS, "contributions-en-nature", fmt,
                           title="Contributions en nature")  # fmt: skip


@require_perm("associations.edit")
@for_associations
def in_kind_create(request):
    form = forms.InKindForm(request.POST or None, initial={"date": local_today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_in_kind(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "La contribution en nature est enregistrée et comptabilisée.")
            return redirect("associations:in-kind-list")
    return render(request, "associations/volunteer_form.html",
                  {"form": form, "title": "Enregistrer une contribution en nature"})  # fmt: skip


def _default_annex_year() -> FiscalYear | None:
    """The newest year holding a contribution (hours or in kind): in January the annex being prepared is the year
    just ended, not the new one opened a few days ago with nothing in it yet; else the newest year."""
    dates = [
        model.objects.order_by("-date").values_list("date", flat=True).first()
        for model in (VolunteerHours, InKindContribution)
    ]
    latest = max(filter(None, dates), default=None)
    years = FiscalYear.objects.order_by("-start_date")
    return (latest and years.filter(start_date__lte=latest, end_date__gte=latest).first()) or years.first()


def _annex(request):
    year = _default_annex_year()
    form = forms.AnnexForm(request.GET or None, initial={"exercice": year})
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["exercice"]
    return form, year, (queries.annex(year.start_date, year.end_date) if year else None)


ANNEX_COLUMNS = [
    Column("Rubrique", lambda r: r[0]),
    Column("Heures", lambda r: r[1]),
    Column("Montant", lambda r: r[2]),
]


def annex_rows(annex) -> list[tuple]:
    rows = [(f"Bénévolat — {a.name} ({a.volunteers} bénévole(s))", a.hours, a.value) for a in annex.activities]
    rows.append(("Bénévolat — total", annex.hours, annex.value))
    rows += [(f"Contribution en nature — {label}", None, amount) for label, amount in annex.in_kind]
    rows += [(f"Comptabilisé en {code} {queries.BOOK_LABELS.get(code, '')}", None, amount)
             for code, amount in sorted(annex.books.items())]  # fmt: skip
    return rows


@require_perm("associations.view")
@for_associations
def annex(request):
    form, year, figures = _annex(request)
    return render(request, "associations/volunteer_annex.html", {"form": form, "year": year, "annex": figures})


@require_perm("associations.view")
@for_associations
def annex_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, year, figures = _annex(request)
    rows = annex_rows(figures) if figures else []
    return export_response(rows, ANNEX_COLUMNS, "annexe-contributions-nature", fmt,
                           title=f"Contributions volontaires en nature — {year}")  # fmt: skip
