"""What quality adds to a complaint's page (through complaints.hooks): the non-conformities opened from it and,
for those who open them, the button to open one."""

from __future__ import annotations

from django.template.loader import render_to_string

from pilote.quality.queries.nonconformities import for_complaint


def complaint_nonconformities(request, complaint) -> str:
    context = {"complaint": complaint, "ncs": for_complaint(complaint), "can_open": request.user.can("quality.nc.edit")}
    return render_to_string("quality/_complaint_panel.html", context, request=request)
