from pilote.core.registry import menu_for


def shell(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "structure": getattr(request, "structure", None),
        "menu": menu_for(user) if signed_in else [],
        "can_search": signed_in and user.can("core.search"),
    }
