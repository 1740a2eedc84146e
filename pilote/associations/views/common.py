"""What the associations' small POST forms share (grants and CPOM alike): parse the form, run the service, say the
outcome in French, go back to the file's page."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

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


def act_then_return(request, form_class, action: Callable[[dict], object], success: str, url: str) -> HttpResponse:
    """The POST of a file's small form (a grant's, a CPOM's): run it through `apply_form`, then back to `url`."""
    apply_form(request, form_class, action, success)
    return redirect(url)


def confirm_then_return(request, action: Callable[[], object], success: str, url: str) -> HttpResponse:
    """A POST without fields (remove a budget line, an objective…): the service decides, its refusal is said."""
    return act_then_return(request, forms.Form, lambda _data: action(), success, url)
