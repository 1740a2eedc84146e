"""The registre unique du personnel (L1221-13, D1221-23): shown, printed (PDF) and exported (CSV, XLSX)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from pilote.core.access import require_perm
from pilote.core.listing import EXPORT_FORMATS, export_response, paginate
from pilote.hr.forms import RegisterFilterForm
from pilote.hr.queries import employees as queries


def _section(request) -> str:
    form = RegisterFilterForm(request.GET or None)
    return (form.cleaned_data.get("section") if form.is_valid() else "") or "personnel"


@require_perm("hr.view")
def register(request):
    section = _section(request)
    context = {
        "form": RegisterFilterForm(initial={"section": section}, data=request.GET or None),
        "section": section,
        "page": paginate(request, queries.register_lines(section), per_page=100),
        "legal_mention": queries.LEGAL_MENTION,
    }
    return render(request, "hr/register.html", context)


@require_perm("hr.view")
def register_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    section = _section(request)
    trainees = section == "stagiaires"
    return export_response(
        queries.register_lines(section).iterator(chunk_size=500),
        queries.TRAINEE_COLUMNS if trainees else queries.REGISTER_COLUMNS,
        "registre-stagiaires" if trainees else "registre-personnel",
        fmt,
        title="Registre unique du personnel" + (" — stagiaires" if trainees else ""),
        subtitle=queries.LEGAL_MENTION,
    )
