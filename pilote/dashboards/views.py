"""The indicators: tiles on the home page and on their own page, the thresholds direction sets."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, Column, export_response
from pilote.core.registry import kpi_providers_for
from pilote.dashboards import queries, services
from pilote.dashboards.forms import ThresholdForm
from pilote.dashboards.kpis import display
from pilote.lib.dates import local_today
from pilote.lib.formats import format_number


def home_panel(request) -> str:
    """The direction's (and each role's) tiles at the top of the home page (core.registry.HomePanel)."""
    tiles = queries.board(request.user, local_today())
    if not tiles:
        return ""
    return render_to_string("dashboards/_panel.html", {"tiles": tiles, "user": request.user}, request=request)


EXPORT_COLUMNS = [
    Column("Indicateur", lambda t: t.label),
    Column("Rubrique", lambda t: t.section),
    Column("Valeur", lambda t: t.tile.value),
    Column("Détail", lambda t: t.tile.note),
    Column("Comparaison", lambda t: " ; ".join(f"{c[0]} : {c[1]} {c[2]}".strip() for c in t.tile.comparisons)),
    Column("Seuil", lambda t: t.threshold),
    Column("Alerte", lambda t: "oui" if t.alert else "non"),
]


@require_perm("dashboards.view")
def dashboard(request):
    today = local_today()
    tiles = queries.board(request.user, today)
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return export_response(tiles, EXPORT_COLUMNS, "indicateurs", fmt, title=f"Indicateurs au {today:%d/%m/%Y}")
    return render(request, "dashboards/dashboard.html", {"tiles": tiles, "today": today})


@require_perm("dashboards.thresholds")
def thresholds(request):
    if request.method == "POST":
        form = ThresholdForm(request.POST)
        if form.is_valid():
            try:
                services.set_threshold(
                    actor=request.user, key=form.cleaned_data["indicateur"], value=form.cleaned_data["seuil"]
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Le seuil est enregistré.")
            return redirect("dashboards:thresholds")
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("dashboards:thresholds")
    limits = services.thresholds()
    rows = [
        {
            "provider": provider,
            "value": limits.get(provider.key),
            "text": display(limits[provider.key], provider.unit) if provider.key in limits else "",
            "side": "Alerte sous le seuil" if provider.alert_below else "Alerte au-dessus du seuil",
            "input": format_number(limits[provider.key]) if provider.key in limits else "",
        }
        for provider in kpi_providers_for(request.user)
    ]
    return render(request, "dashboards/thresholds.html", {"rows": rows})
