"""E-reporting pages: the periods, a period's data sets, its files, the « marquer comme transmis » step."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.vat_policy import current_policy
from pilote.ereporting import datasets, flux10, services
from pilote.ereporting.connectors import current_connector
from pilote.lib.dates import local_today


@require_perm("ereporting.view")
def period_list(request):
    structure = request.structure
    page = Paginator(services.period_rows(structure), 36).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "cadence": services.cadence_of(structure),
        "policy": current_policy(structure),
    }
    return render(request, "ereporting/period_list.html", context)


def _period(request, flow: str, start: str):
    try:
        return services.resolve_period(request.structure, flow, start)
    except DomainError as exc:
        raise Http404(exc.message) from None


@require_perm("ereporting.view")
def period_detail(request, flow: str, start: str):
    period = _period(request, flow, start)
    files = services.files(request.structure, period)
    data = datasets.build(period)
    context = {
        "period": period,
        "data": data,
        "transmission": files.transmission,
        # The CSV carries no timestamp: a different one means the operations changed since the transmission.
        "changed_since": files.transmission is not None and flux10.write_csv(data) != files.csv,
        "connector": current_connector(),
        "cadence": services.cadence_of(request.structure),
        "can_transmit": files.transmission is None and period.end < local_today(),
    }
    return render(request, "ereporting/period_detail.html", context)


@require_perm("ereporting.view")
def period_file(request, flow: str, start: str, fmt: str):
    if fmt not in ("xml", "csv"):
        raise Http404("Format inconnu.")
    period = _period(request, flow, start)
    files = services.files(request.structure, period)
    if fmt == "xml":
        response = HttpResponse(files.xml, content_type="application/xml; charset=utf-8")
        name = files.name
    else:
        response = HttpResponse(files.csv, content_type="text/csv; charset=utf-8")
        name = files.name.removesuffix(".xml") + ".csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@require_perm("ereporting.transmit")
def period_transmit(request, flow: str, start: str):
    period = _period(request, flow, start)
    try:
        transmission = services.mark_transmitted(actor=request.user, structure=request.structure, period=period)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Période transmise : fichier {transmission.file_name} (empreinte {transmission.sha256[:12]}…).",
        )
    return redirect("ereporting:period", flow=period.flow, start=period.key)
