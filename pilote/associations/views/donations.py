"""Donations: the list (filters, sorting, exports) and recording one (posted at once)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from pilote.associations.access import for_associations
from pilote.associations.forms import DonationFilterForm, DonationForm
from pilote.associations.queries import donations as queries
from pilote.associations.services import donations as services
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset


def _filtered(request):
    form = DonationFilterForm(request.GET or None)
    data = filter_data(form)
    donations = queries.filter_donations(data)
    return form, sort_queryset(donations, request.GET.get("tri", ""), queries.DONATION_SORTS,
                               queries.DONATION_DEFAULT_SORT)  # fmt: skip


@require_perm("associations.view")
@for_associations
def donation_list(request):
    form, donations = _filtered(request)
    context = {"form": form, "page": paginate(request, queries.with_list_relations(donations))}
    if request.headers.get("HX-Request") == "true":
        return render(request, "associations/_donation_results.html", context)
    return render(request, "associations/donation_list.html", context)


@require_perm("associations.view")
@for_associations
def donation_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, donations = _filtered(request)
    rows = queries.with_list_relations(donations).iterator(chunk_size=500)
    return export_response(rows, queries.DONATION_COLUMNS, "dons", fmt, title="Dons")


@require_perm("associations.edit")
@for_associations
def donation_create(request):
    form = DonationForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            donation = services.record_donation(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Le don de {donation.donor.display_name} est enregistré et comptabilisé.")
            return redirect("associations:donation-list")
    return render(request, "associations/donation_form.html", {"form": form})
