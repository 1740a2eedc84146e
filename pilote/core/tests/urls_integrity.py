"""A test-only URLconf: pages whose write the database refuses, to test the safety net end to end."""

import datetime as dt

from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path

from pilote.core.access import require_perm
from pilote.core.models import Structure


@require_perm("core.home")
def refused_write(request):
    with transaction.atomic():
        Structure.objects.filter(pk=1).update(fiscal_year_end=dt.date(2000, 1, 1))
    return HttpResponse("écrit")


urlpatterns = [path("test-refus/", refused_write, name="refused-write"), path("", include("pilote.urls"))]
