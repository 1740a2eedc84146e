"""The structure's settings and the users over the API, as direction's pages have them: the settings read by those who
read the settings page and changed by direction through the page's own form (SIREN/SIRET keys, IBAN, the fiscal year…)
and `core.services.update_structure`; the users listed, created, changed (role, deactivation) by direction through the
users pages' forms and `core.services.create_user` / `update_user`, which keep the last active direction account. A
password is written, never read back."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, Page, Paging, Words, fetch, guarded, page_of, through_form
from pilote.core import queries, services
from pilote.core.forms import StructureSettingsForm, UserCreateForm, UserForm
from pilote.core.listing import sort_queryset
from pilote.core.models import LegalForm, Structure, StructureType, User, VatRegime
from pilote.core.roles import Role

router = Router(tags=["Paramètres et utilisateurs"])


class StructureOut(Schema):
    type: str
    legal_name: str
    trade_name: str
    legal_form: str
    siren: str
    siret: str
    vat_number: str
    rcs_city: str
    rna_number: str
    finess: str
    share_capital: Decimal | None
    naf_code: str
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    country: str
    email: str
    phone: str
    website: str
    iban: str
    bic: str
    fiscal_year_start: dt.date
    fiscal_year_end: dt.date
    vat_regime: str
    has_logo: bool
    version: int

    @staticmethod
    def resolve_has_logo(obj: Structure) -> bool:
        return bool(obj.logo)


class StructurePatch(Schema):
    type: StructureType | None = None
    legal_name: str | None = None
    trade_name: str | None = None
    legal_form: LegalForm | None = None
    siren: str | None = Field(None, description="9 chiffres, clé de Luhn vérifiée")
    siret: str | None = Field(None, description="14 chiffres, clé de Luhn vérifiée")
    vat_number: str | None = Field(None, description="laissé vide : calculé à partir du SIREN")
    rcs_city: str | None = None
    rna_number: str | None = None
    finess: str | None = None
    share_capital: Decimal | None = Field(None, max_digits=15, decimal_places=2, ge=0)
    naf_code: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    iban: str | None = Field(None, description="clé de contrôle vérifiée")
    bic: str | None = Field(None, description="laissé vide : déduit de l'IBAN quand la banque est connue")
    fiscal_year_start: Day | None = None
    fiscal_year_end: Day | None = None
    vat_regime: VatRegime | None = None
    version: int | None = Field(None, description="Version lue ; si la fiche a changé depuis, réponse 409.")


def _structure() -> Structure:
    """The one structure (a fresh read each time: the service locks and changes its own copy)."""
    structure = Structure.objects.order_by("pk").first()
    if structure is None:
        raise Http404
    return structure


@guarded(router, "GET", "/parametres", "core.settings.view", response=StructureOut)
def get_settings(request):
    return _structure()


@guarded(router, "PATCH", "/parametres", "core.settings.edit", response=StructureOut)
def update_settings(request, payload: StructurePatch):
    """The settings page's form decides (identifiers' keys, fiscal year, VAT); the logo is changed on the page."""
    structure = _structure()
    fields = through_form(StructureSettingsForm, payload, instance=_structure())
    fields.pop("logo", None)
    services.update_structure(actor=request.auth, structure=structure, expected_version=payload.version, **fields)
    return _structure()


# --- users ----------------------------------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    job_title: str
    role: str
    is_active: bool
    last_login: dt.datetime | None


class UserPatch(Schema):
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    job_title: str | None = None
    role: Role | None = None
    is_active: bool | None = Field(None, description="false : désactiver le compte (le dernier compte de direction "
                                   "actif reste)")  # fmt: skip


class UserIn(Schema):
    username: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    job_title: str = ""
    role: Role
    password: str = Field(..., description="mot de passe initial (au moins 10 caractères) ; jamais relu")


class UserFilters(Paging):
    q: Words = Field("", max_length=200, description="identifiant, nom, prénom ou e-mail")
    role: Role | None = None
    actif: str = Field("", pattern="^[01]?$", description="1 : actifs ; 0 : désactivés")
    tri: str = Field(queries.USER_DEFAULT_SORT, description="nom, identifiant, role, connexion ; préfixe - décroissant")


@guarded(router, "GET", "/utilisateurs", "core.users.manage", response=Page[UserOut])
def list_users(request, filters: Query[UserFilters]):
    data = filters.dict()
    users = sort_queryset(queries.filter_users(data), data["tri"], queries.USER_SORTS, queries.USER_DEFAULT_SORT)
    return page_of(users, data)


@guarded(router, "GET", "/utilisateurs/{user_id}", "core.users.manage", response=UserOut)
def get_user(request, user_id: ObjectId):
    return fetch(User, user_id)


@guarded(router, "POST", "/utilisateurs", "core.users.manage", response={201: UserOut})
def create_user(request, payload: UserIn):
    fields = through_form(UserCreateForm, payload)
    return Status(201, services.create_user(actor=request.auth, **fields))


@guarded(router, "PATCH", "/utilisateurs/{user_id}", "core.users.manage", response=UserOut)
def update_user(request, user_id: ObjectId, payload: UserPatch):
    """A role changed or an account deactivated (`is_active`: false) as on the page: the service refuses to remove
    the last active direction account, or the caller's own direction access (409)."""
    user = fetch(User, user_id)
    fields = through_form(UserForm, payload, instance=fetch(User, user_id))
    return services.update_user(actor=request.auth, user=user, **fields)
