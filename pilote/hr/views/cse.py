"""CSE elections: the headcount and what it triggers, preparing an election, its electoral lists, each college's
count and results, the proclamation and the minutes (PV) as PDF. rh and direction (`hr.view`, `hr.edit`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.pdf import pdf_response
from pilote.hr import cse
from pilote.hr.forms import CseElectionForm, CseProclaimForm, CseTallyForm, CseVoterFilterForm
from pilote.hr.models import CseCollege, CseElection, CseVoter
from pilote.hr.queries import cse as queries
from pilote.hr.services import cse as services
from pilote.lib.dates import local_today


@require_perm("hr.view")
def cse_home(request):
    today = local_today()
    count = services.current_headcount(today)
    months = [{"month": f"{m:02d}/{y}", "value": queries.number(v), "under": v < cse.CSE_THRESHOLD}
              for (y, m), v in count.months]  # fmt: skip
    context = {
        "count": count,
        "average": queries.number(count.average),
        "months": months,
        "delegation": count.delegation,
        "table": cse.delegation(count.average),
        "elections": CseElection.objects.all()[:20],
        "due": queries.due_elections(today),
    }
    return render(request, "hr/cse_home.html", context)


@require_perm("hr.edit")
def cse_create(request):
    today = local_today()
    form = CseElectionForm(request.POST or None, initial={"title": f"Élections du CSE {today.year}",
                                                          "informed_on": today})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            election = services.prepare_election(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "L'élection est préparée : les listes électorales sont établies.")
            return redirect("hr:cse-election", pk=election.pk)
    return render(request, "hr/cse_form.html", {"form": form})


@require_perm("hr.view")
def cse_election(request, pk: int):
    election = get_object_or_404(CseElection, pk=pk)
    context = {
        "election": election,
        "colleges": queries.colleges(election),
        "steps": queries.calendar(election, local_today()),
        "mandate_end": queries.mandate_end(election),
        "proclaim_form": CseProclaimForm(initial={"on": local_today()}),
    }
    return render(request, "hr/cse_election.html", context)


def _voters(request, election):
    form = CseVoterFilterForm(request.GET or None, colleges=election.colleges.order_by("number"))
    data = filter_data(form)
    rows = queries.voters(election, data.get("college", ""), data.get("eligible", ""))
    return form, sort_queryset(rows, request.GET.get("tri", ""), queries.VOTER_SORTS, "college")


@require_perm("hr.view")
def cse_voters(request, pk: int):
    election = get_object_or_404(CseElection, pk=pk)
    form, rows = _voters(request, election)
    return render(request, "hr/cse_voters.html", {"election": election, "form": form, "page": paginate(request, rows)})


@require_perm("hr.view")
def cse_voters_export(request, pk: int, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    election = get_object_or_404(CseElection, pk=pk)
    _, rows = _voters(request, election)
    return export_response(rows.iterator(chunk_size=500), queries.VOTER_COLUMNS, "listes-electorales", fmt,
                           title=f"Listes électorales — {election.title}")  # fmt: skip


@require_perm("hr.edit")
def cse_tally(request, pk: int):
    college = get_object_or_404(CseCollege.objects.select_related("election"), pk=pk)
    voters = list(CseVoter.objects.filter(college=college).select_related("employee"))
    form = CseTallyForm(request.POST or None, voters=voters, initial={"round": 1, "body": "titulaires"})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_tally(actor=request.user, college=college, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Le dépouillement est enregistré.")
            return redirect("hr:cse-election", pk=college.election_id)
    eligible = [v for v in voters if v.eligible]
    return render(request, "hr/cse_tally.html", {"college": college, "form": form, "eligible": eligible})


@require_POST
@require_perm("hr.edit")
def cse_proclaim(request, pk: int):
    election = get_object_or_404(CseElection, pk=pk)
    form = CseProclaimForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la date de la proclamation.")
    else:
        try:
            services.proclaim(actor=request.user, election=election, on=form.cleaned_data["on"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Les résultats sont proclamés : le procès-verbal est prêt.")
    return redirect("hr:cse-election", pk=pk)


@require_perm("hr.view")
def cse_minutes(request, pk: int):
    election = get_object_or_404(CseElection, pk=pk)
    context = {
        "election": election,
        "colleges": queries.colleges(election),
        "mandate_end": queries.mandate_end(election),
    }
    return pdf_response("hr/cse_minutes_pdf.html", context, f"PV-elections-CSE-{election.first_round_on:%Y-%m-%d}.pdf",
                        request=request)  # fmt: skip
