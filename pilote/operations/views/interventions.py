from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import to_int
from pilote.core.permissions import user_can
from pilote.lib.dates import local_today
from pilote.operations.forms import (
    InterventionForm,
    MoveVisitForm,
    ReportForm,
    SectorForm,
    TechnicianForm,
    VisitFilterForm,
)
from pilote.operations.models import Intervention, Sector, SectorTravel, Technician
from pilote.operations.queries import interventions as queries
from pilote.operations.services import interventions as services


def _fail(request, exc) -> None:
    messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label} : {errors[0]}" if label else errors[0])


def _day(raw) -> dt.date:
    try:
        day = dt.date.fromisoformat(str(raw or ""))
    except ValueError:
        return local_today()
    return min(max(day, dt.date(2000, 1, 3)), dt.date(2099, 12, 28))


@require_perm("operations.view")
def visit_list(request):
    form = VisitFilterForm(request.GET or None)
    data = filter_data(form)
    visits = sort_queryset(queries.filter_visits(data), request.GET.get("tri", ""), queries.SORTS, "debut")
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return export_response(visits.iterator(chunk_size=500), queries.COLUMNS, "interventions", export,
                               title="Interventions")  # fmt: skip
    return render(request, "operations/visit_list.html", {"form": form, "page": paginate(request, visits)})


@require_perm("operations.view")
def week(request):
    day = _day(request.GET.get("semaine"))
    board = queries.week_board(day)
    return render(request, "operations/week.html", {**board, "day": day})


@require_perm("operations.plan")
def visit_create(request):
    initial = {"day": _day(request.GET.get("jour")), "at": "08:00", "minutes": 60}
    form = InterventionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        address = data["address"] or services.default_address(data["customer"])
        try:
            visits, warnings = services.plan(
                actor=request.user, customer=data["customer"], kind=data["kind"], address=address,
                subject=data["subject"], technician=data["technician"], day=data["day"], at=data["at"],
                minutes=data["minutes"], required_skill=data["required_skill"], until=data["until"],
                weekdays=data["weekdays"],
            )  # fmt: skip
            messages.success(
                request, "1 intervention planifiée." if len(visits) == 1 else f"{len(visits)} interventions planifiées."
            )
            for text in warnings:
                messages.warning(request, text)
            return redirect(f"{_week_url()}?semaine={data['day'].isoformat()}")
        except (DomainError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or " ".join(exc.messages))
    return render(request, "operations/visit_form.html", {"form": form})


def _week_url() -> str:
    return reverse("interventions:week")


@require_perm("operations.view")
def visit_detail(request, pk: int):
    visit = get_object_or_404(Intervention.objects.select_related("customer", "technician", "invoice"), pk=pk)
    local = timezone.localtime(visit.start)
    move_form = MoveVisitForm(initial={"technician": visit.technician_id, "day": local.date(),
                                       "at": local.time(), "minutes": visit.duration_minutes})  # fmt: skip
    context = {"visit": visit, "move_form": move_form, "report_form": ReportForm(),
               "mine": visit.technician_id == request.user.pk}  # fmt: skip
    return render(request, "operations/visit_detail.html", context)


@require_perm("operations.plan")
@require_POST
def visit_move(request, pk: int):
    visit = get_object_or_404(Intervention, pk=pk)
    form = MoveVisitForm(request.POST)
    if form.is_valid():
        try:
            for text in services.reschedule(actor=request.user, visit=visit, **form.cleaned_data):
                messages.warning(request, text)
            messages.success(request, "Intervention déplacée.")
        except (DomainError, ValidationError) as exc:
            _fail(request, exc)
    else:
        _form_errors(request, form)
    return redirect("interventions:detail", visit.pk)


@require_perm("operations.plan")
@require_POST
def visit_cancel(request, pk: int):
    visit = get_object_or_404(Intervention, pk=pk)
    try:
        services.cancel(actor=request.user, visit=visit)
        messages.success(request, "Intervention annulée.")
    except DomainError as exc:
        _fail(request, exc)
    return redirect("interventions:detail", visit.pk)


@require_perm("operations.plan")
@require_POST
def visit_invoice(request, pk: int):
    visit = get_object_or_404(Intervention, pk=pk)
    try:
        draft = services.invoice(actor=request.user, visit=visit, date=local_today())
        messages.success(request, "Facture préparée en brouillon : vérifiez-la puis émettez-la.")
        if user_can(request.user, "sales.view"):
            return redirect("sales:invoice-detail", draft.pk)
    except (DomainError, ValidationError) as exc:
        _fail(request, exc)
    return redirect("interventions:detail", visit.pk)


@require_perm("operations.my_day")
def my_day(request):
    day = _day(request.GET.get("jour"))
    context = {"day": day, "visits": queries.my_day(request.user, day), "report_form": ReportForm(),
               "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1)}  # fmt: skip
    return render(request, "operations/my_day.html", context)


@require_perm("operations.my_day")
@require_POST
def visit_step(request, pk: int):
    """The technician's buttons: « Je suis arrivé », then the report signed by the person served."""
    visit = get_object_or_404(Intervention, pk=pk)
    try:
        if request.POST.get("step") == "arrive":
            services.arrive(actor=request.user, visit=visit)
            messages.success(request, "Arrivée notée.")
        else:
            form = ReportForm(request.POST)
            if not form.is_valid():
                _form_errors(request, form)
            else:
                services.finish(actor=request.user, visit=visit, report=form.cleaned_data["report"],
                                signed_by=form.cleaned_data["signed_by"])  # fmt: skip
                messages.success(request, "Intervention terminée : compte rendu signé.")
    except DomainError as exc:
        _fail(request, exc)
    if request.POST.get("back") == "detail":
        return redirect("interventions:detail", visit.pk)
    return redirect(f"{_my_day_url()}?jour={local_today().isoformat()}")


def _my_day_url() -> str:
    return reverse("interventions:my-day")


@require_perm("operations.view")
def technicians(request):
    people = Technician.objects.select_related("user")
    return render(request, "operations/technicians.html", {"technicians": people, "form": TechnicianForm()})


@require_perm("operations.plan")
@require_POST
def technician_save(request):
    form = TechnicianForm(request.POST)
    if form.is_valid():
        try:
            services.set_technician(actor=request.user, **form.cleaned_data)
            messages.success(request, "Intervenant enregistré.")
        except DomainError as exc:
            _fail(request, exc)
    else:
        _form_errors(request, form)
    return redirect("interventions:technicians")


# --- Sectors and travel times ------------------------------------------------------------------------------


@require_perm("operations.view")
def sectors(request):
    """The sectors (postcodes, travel inside) and the travel times between them, as a matrix."""
    rows = list(Sector.objects.all())
    known = {(t.origin_id, t.destination_id): t.minutes for t in SectorTravel.objects.all()}
    matrix = [(a, [(b, f"t_{min(a.pk, b.pk)}_{max(a.pk, b.pk)}", known.get((min(a.pk, b.pk), max(a.pk, b.pk))))
                   for b in rows]) for a in rows]  # fmt: skip
    return render(request, "operations/sectors.html", {"sectors": rows, "matrix": matrix, "form": SectorForm()})


@require_perm("operations.plan")
@require_POST
def sector_save(request):
    form = SectorForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_sector(actor=request.user, sector=Sector.objects.filter(code=data["code"].strip().upper())
                                 .first(), **data)  # fmt: skip
            messages.success(request, f"Secteur {data['code'].strip().upper()} enregistré.")
        except DomainError as exc:
            _fail(request, exc)
    else:
        _form_errors(request, form)
    return redirect("interventions:sectors")


@require_perm("operations.plan")
@require_POST
def travel_save(request):
    ids = list(Sector.objects.values_list("pk", flat=True))
    minutes, wrong = {}, []
    for a in ids:
        for b in ids:
            if a < b and f"t_{a}_{b}" in request.POST:
                raw = request.POST[f"t_{a}_{b}"].strip()
                value = to_int(raw, minimum=0, maximum=600) if raw else None
                if raw and value is None:
                    wrong.append(raw[:10])
                minutes[(a, b)] = value
    if wrong:
        messages.error(
            request, f"« {wrong[0]} » n'est pas un nombre de minutes entre 0 et 600 : rien n'est enregistré."
        )
        return redirect("interventions:sectors")
    try:
        count = services.save_travel_times(actor=request.user, minutes=minutes)
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"Temps de trajet enregistrés ({count} entre secteurs).")
    return redirect("interventions:sectors")
