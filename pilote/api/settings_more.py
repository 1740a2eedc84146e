"""Direction's settings pages beyond the structure and the users' cards (apiqual): a user's password set by direction
(the page's form and `core.services.set_user_password`: the same validators, the user's API tokens revoked; the
password is never echoed), and the thresholds of the indicators (read and set, or removed, through the thresholds
page's form and `dashboards.services.set_threshold`)."""

from decimal import Decimal
from typing import Annotated

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.params import functions as params

from pilote.api.base import ObjectId, fetch, guarded, through_form
from pilote.core import services
from pilote.core.forms import SetPasswordForm
from pilote.core.models import User
from pilote.core.registry import kpi_providers_for

router = Router(tags=["Paramètres et utilisateurs"])


class PasswordIn(Schema):
    password: str = Field(..., max_length=4096, description="nouveau mot de passe (règles de la page) ; jamais relu")


@guarded(router, "PUT", "/utilisateurs/{user_id}/mot-de-passe", "core.users.manage", response={204: None})
def set_user_password(request, user_id: ObjectId, payload: PasswordIn):
    """The user's new password, checked by the same validators as the user page (a refused one: 422 on
    `password`); the user's API tokens are revoked, as whoever knew the old password loses what it gave."""
    user = fetch(User, user_id)
    password = through_form(SetPasswordForm, payload)["password"]
    services.set_user_password(actor=request.auth, user=user, password=password)
    return Status(204, None)


# --- indicators' thresholds ------------------------------------------------------------------------------------


class ThresholdOut(Schema):
    key: str
    label: str
    section: str
    unit: str
    alert_below: bool = Field(..., description="vrai : alerte sous le seuil ; faux : au-dessus")
    threshold: Decimal | None


class ThresholdIn(Schema):
    seuil: Decimal | None = Field(..., max_digits=14, decimal_places=2, description="null : le seuil est retiré")


KpiKey = Annotated[str, params.Path(..., max_length=40, description="clé de l'indicateur (ca_mois, tresorerie…)")]


def _rows(user, key: str | None = None) -> list[dict]:
    from pilote.dashboards import services as dashboards

    limits = dashboards.thresholds()
    return [{"key": p.key, "label": p.label, "section": p.section, "unit": p.unit, "alert_below": p.alert_below,
             "threshold": limits.get(p.key)}
            for p in kpi_providers_for(user) if key is None or p.key == key]  # fmt: skip


@guarded(router, "GET", "/indicateurs/seuils", "dashboards.thresholds", response=list[ThresholdOut])
def list_thresholds(request):
    """Each indicator the caller sees, with its threshold (null: none set), as the thresholds page lists them."""
    return _rows(request.auth)


@guarded(router, "PUT", "/indicateurs/seuils/{kpi_key}", "dashboards.thresholds", response=ThresholdOut)
def set_threshold(request, kpi_key: KpiKey, payload: ThresholdIn):
    """The indicator's threshold set, or removed (null); a crossing is mailed at once."""
    from pilote.dashboards import services as dashboards
    from pilote.dashboards.forms import ThresholdForm

    if not _rows(request.auth, kpi_key):
        raise Http404
    value = payload.seuil
    data = through_form(ThresholdForm, {"indicateur": kpi_key, "seuil": "" if value is None else str(value)})
    dashboards.set_threshold(actor=request.auth, key=data["indicateur"], value=data["seuil"])
    return _rows(request.auth, kpi_key)[0]
