"""The associations pages exist for associations and social establishments only: a company neither sees them
in its menu nor opens them (a French 404)."""

from __future__ import annotations

from functools import wraps

from django.http import Http404

from pilote.core.vocabulary import ASSOCIATION, SOCIAL, structure_type_of

TYPES = (ASSOCIATION, SOCIAL)
REFUSAL = "Cette page concerne les associations et les établissements sociaux."


def is_for(structure) -> bool:
    """Whether the associations' pages (and API) serve this structure."""
    return structure_type_of(structure) in TYPES


def for_associations(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_for(getattr(request, "structure", None)):
            raise Http404(REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped
