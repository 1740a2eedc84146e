from django.shortcuts import redirect

from pilote.core.models import Structure

SETUP_EXEMPT_PREFIXES = ("/installation/", "/static/", "/sante/")


class SetupRequiredMiddleware:
    """Loads the structure once per request; until one exists, every page leads to the set-up wizard."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.structure = Structure.objects.filter(pk=1).first()
        if request.structure is None and not request.path.startswith(SETUP_EXEMPT_PREFIXES):
            return redirect("core:setup")
        return self.get_response(request)
