"""The associations pages exist for associations and social establishments only: a company neither sees them
in its menu nor opens them (a French 404)."""

from __future__ import annotations

from functools import wraps

from django.http import Http404

from pilote.core.vocabulary import ASSOCIATION, SOCIAL, structure_type_of

TYPES = (ASSOCIATION, SOCIAL)


def for_associations(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if structure_type_of(getattr(request, "structure", None)) not in TYPES:
            raise Http404("Cette page concerne les associations et les établissements sociaux.")
        return view(request, *args, **kwargs)

    return wrapped
