"""The associations' home: where donations, receipts (and members, grants) start; the receipts' settings."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from pilote.associations.access import for_associations
from pilote.associations.forms import SettingsForm
from pilote.associations.queries import donations as donation_queries
from pilote.associations.services import receipts as receipt_services
from pilote.associations.services import settings as settings_services
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError


@require_perm("associations.view")
@for_associations
def home(request):
    context = {"totals": donation_queries.yearly_totals()[:3], "settings": receipt_services.settings_row()}
    return render(request, "associations/home.html", context)


@require_perm("associations.settings")
@for_associations
def settings_edit(request):
    current = receipt_services.settings_row()
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            settings_services.update_settings(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Les paramètres de l'association sont enregistrés.")
            return redirect("associations:home")
    return render(request, "associations/settings.html", {"form": form})
