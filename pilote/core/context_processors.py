from pilote.core.registry import menu_for
from pilote.core.vocabulary import structure_type_of


def shell(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    structure = getattr(request, "structure", None)
    return {
        "structure": structure,
        "menu": menu_for(user, structure_type_of(structure)) if signed_in else [],
        "can_search": signed_in and user.can("core.search"),
    }
