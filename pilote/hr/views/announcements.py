"""Internal announcements: read by everyone employed (and on the home page), published and withdrawn by rh and
direction."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.hr.forms import AnnouncementForm
from pilote.hr.models import Announcement
from pilote.hr.services import announcements as services
from pilote.lib.dates import local_today


def _page(request, form):
    items = services.visible(request.user, local_today())[: 100 if request.user.can("hr.edit") else 50]
    return render(request, "hr/announcements.html", {"items": items, "form": form})


@require_perm("hr.self")
def announcement_list(request):
    return _page(request, AnnouncementForm())


@require_POST
@require_perm("hr.edit")
def announcement_publish(request):
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        try:
            services.publish(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "L'annonce est publiée sur la page d'accueil de chacun.")
            return redirect("hr:announcements")
    return _page(request, form)


@require_POST
@require_perm("hr.edit")
def announcement_withdraw(request, pk: int):
    services.withdraw(actor=request.user, announcement=get_object_or_404(Announcement, pk=pk))
    messages.success(request, "L'annonce est retirée.")
    return redirect("hr:announcements")


def home_panel(request) -> str:
    items = list(services.current(local_today())[:3])
    return render_to_string("hr/_announcements_panel.html", {"items": items}, request=request) if items else ""
