"""Access checks for views: every view is wrapped by `require_perm`, which records the permission."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from pilote.core.permissions import MATRIX, user_can


def require_perm(perm: str):
    if perm not in MATRIX:
        raise KeyError(f"Unknown permission {perm!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_can(request.user, perm):
                raise PermissionDenied("Votre rôle ne donne pas accès à cette page.")
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm
        return wrapped

    return decorator


def public(view):
    """Mark a view reachable without signing in (login, first-run set-up, health check)."""
    view.required_perm = None
    return view
