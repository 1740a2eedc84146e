"""What the associations' small POST forms share: parse the form, run the service, say the outcome in French."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages

from pilote.core.exceptions import DomainError


def apply_form(request, form_class, action: Callable[[dict], object], success: str) -> bool:
    """Validate `form_class` on the POST and run `action(cleaned_data)`; the error or `success` becomes a message
    (the service refused: nothing written). True when done."""
    form = form_class(request.POST)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else ''} {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        messages.error(request, f"Vérifiez les champs saisis : {problems}")
        return False
    try:
        action(form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True
