"""Quality over the API, what its pages change beyond creating records (apiqual): the risk scale settings, a risk's
review and status and its treatment actions' state, a DUERP hazard re-assessed and a prevention action's state, a
non-conformity's effectiveness check (which closes it, as on its page), its CAPA's state and a non-conformity opened
from a complaint, a procedure's or an audit's card, a question added to a survey in preparation, a watch source
suspended or resumed — each through the page's form and the service its page calls, with the page's permission."""

from ninja import Field, Router, Schema, Status

from pilote.api import quality_more
from pilote.api.base import Day, ObjectId, OptionalId, RequiredId, fetch, guarded, through_form
from pilote.api.quality import CapaOut, NonConformityDetailOut, RiskActionOut, RiskDetailOut
from pilote.api.quality_more import (
    AuditDetailOut,
    HazardOut,
    PreventionOut,
    ProcedureDetailOut,
    SurveyQuestionIn,
    SurveyQuestionOut,
    WatchSourceOut,
    survey_question_fields,
)
from pilote.quality.forms import (
    ActionStatusForm,
    AuditForm,
    EffectivenessForm,
    HazardForm,
    NonConformityForm,
    ProcedureForm,
    ReviewForm,
    RiskStatusForm,
    SettingsForm,
)
from pilote.quality.models import (
    ActionStatus,
    Audit,
    AuditKind,
    CapaAction,
    Hazard,
    NonConformity,
    PreventionAction,
    Procedure,
    ProcedureKind,
    Risk,
    RiskAction,
    RiskStatus,
    Survey,
    WatchSource,
)
from pilote.quality.services import audits as audit_services
from pilote.quality.services import duerp as duerp_services
from pilote.quality.services import nonconformities as nc_services
from pilote.quality.services import procedures as procedure_services
from pilote.quality.services import risks as risk_services
from pilote.quality.services import surveys as survey_services
from pilote.quality.services import watch as watch_services

router = Router(tags=["Qualité"])
# A path already served by quality_more (a procedure's, an audit's) takes its other methods on that router: Django
# resolves a path to the first router serving it.

# --- settings -------------------------------------------------------------------------------------------------


class QualitySettingsOut(Schema):
    risk_scale: int = Field(..., description="échelle de cotation des risques : 4 ou 5")
    headcount: int = Field(..., description="effectif (rythme de mise à jour du DUERP)")
    version: int


class QualitySettingsIn(Schema):
    risk_scale: int | None = Field(None, ge=1, le=10, description="4 ou 5 ; réduite, les risques cotés au-delà : 409")
    headcount: int | None = Field(None, ge=0, le=1_000_000)
    version: int | None = Field(None, description="Version lue ; si les paramètres ont changé depuis, réponse 409.")


@guarded(router, "GET", "/qualite/parametres", "quality.settings", response=QualitySettingsOut)
def get_quality_settings(request):
    return risk_services.current_settings()


@guarded(router, "PATCH", "/qualite/parametres", "quality.settings", response=QualitySettingsOut)
def update_quality_settings(request, payload: QualitySettingsIn):
    """The settings page's form, then `update_settings` (a scale reduced below a risk's rating: 409)."""
    fields = through_form(SettingsForm, payload, instance=risk_services.current_settings())
    return risk_services.update_settings(actor=request.auth, expected_version=payload.version, **fields)


# --- risks ----------------------------------------------------------------------------------------------------


class ReviewIn(Schema):
    next_review_on: Day = Field(..., description="prochaine revue, après aujourd'hui (la revue du jour est notée)")


class RiskStatusIn(Schema):
    status: RiskStatus = Field(..., description="closed : clos (ses actions terminées) ; active : rouvert")


class ActionStateIn(Schema):
    status: ActionStatus
    done_on: Day | None = Field(None, description="faite le (aujourd'hui par défaut, jamais dans le futur)")


@guarded(router, "POST", "/risques/{risk_id}/revue", "quality.risks.edit", response=RiskDetailOut)
def review_risk(request, risk_id: ObjectId, payload: ReviewIn):
    """The risk reviewed today and its next review set, as the risk page's review form."""
    data = through_form(ReviewForm, payload)
    return risk_services.review_risk(actor=request.auth, risk=fetch(Risk, risk_id), **data)


@guarded(router, "POST", "/risques/{risk_id}/statut", "quality.risks.edit", response=RiskDetailOut)
def set_risk_status(request, risk_id: ObjectId, payload: RiskStatusIn):
    """Closed (no treatment action still open) or reopened."""
    data = through_form(RiskStatusForm, payload)
    return risk_services.set_risk_status(actor=request.auth, risk=fetch(Risk, risk_id), **data)


@guarded(router, "POST", "/risques/actions/{risk_action_id}/etat", "quality.risks.actions", response=RiskActionOut)
def set_risk_action_status(request, risk_action_id: ObjectId, payload: ActionStateIn):
    """A treatment action moved by its owner or direction (others: 409)."""
    data = through_form(ActionStatusForm, payload)
    return risk_services.set_action_status(actor=request.auth, action=fetch(RiskAction, risk_action_id), **data)


# --- DUERP ----------------------------------------------------------------------------------------------------


class HazardPatch(Schema):
    family: str | None = Field(None, description="famille de risque")
    description: str | None = None
    frequency: int | None = Field(None, ge=1, le=10, description="fréquence d'exposition (1 à 4)")
    severity: int | None = Field(None, ge=1, le=10, description="gravité (1 à 4)")
    prevention: str | None = None


@guarded(router, "GET", "/duerp/risques/{hazard_id}", "quality.duerp.view", response=HazardOut)
def get_hazard(request, hazard_id: ObjectId):
    return fetch(Hazard, hazard_id)


@guarded(router, "PATCH", "/duerp/risques/{hazard_id}", "quality.duerp.edit", response=HazardOut)
def update_hazard(request, hazard_id: ObjectId, payload: HazardPatch):
    """The hazard re-assessed on the page's scales (its priority follows)."""
    hazard = fetch(Hazard, hazard_id)
    fields = through_form(HazardForm, payload, instance=fetch(Hazard, hazard_id))
    duerp_services.update_hazard(actor=request.auth, hazard=hazard, **fields)
    return fetch(Hazard, hazard_id)


@guarded(router, "POST", "/duerp/actions/{prevention_action_id}/etat", "quality.duerp.edit", response=PreventionOut)
def set_prevention_status(request, prevention_action_id: ObjectId, payload: ActionStateIn):
    data = through_form(ActionStatusForm, payload)
    action = fetch(PreventionAction, prevention_action_id)
    return duerp_services.set_prevention_status(actor=request.auth, action=action, **data)


# --- non-conformities ------------------------------------------------------------------------------------------


class EffectivenessIn(Schema):
    effective: bool = Field(..., description="vrai : efficace, la non-conformité est close ; faux : retour aux actions")
    comment: str = Field(..., description="vérification faite (mesure, constat, période observée)")


class FromComplaintIn(Schema):
    owner: RequiredId = Field(..., description="id de l'utilisateur pilote")
    title: str | None = Field(None, description="vide : l'objet de la réclamation")
    description: str | None = Field(None, description="vide : la description de la réclamation")
    immediate_action: str = ""


@guarded(router, "POST", "/non-conformites/{nc_id}/verification", "quality.nc.close", response=NonConformityDetailOut)
def check_effectiveness(request, nc_id: ObjectId, payload: EffectivenessIn):
    """The effectiveness check of a non-conformity in verification: effective, it is closed today; not, it goes back
    to the actions — the only way a non-conformity is closed, as on its page."""
    data = through_form(EffectivenessForm, {"effective": "oui" if payload.effective else "non",
                                            "comment": payload.comment})  # fmt: skip
    return nc_services.check_effectiveness(actor=request.auth, nc=fetch(NonConformity, nc_id), **data)


@guarded(router, "POST", "/non-conformites/actions/{capa_id}/etat", "quality.nc.edit", response=CapaOut)
def set_capa_status(request, capa_id: ObjectId, payload: ActionStateIn):
    data = through_form(ActionStatusForm, payload)
    return nc_services.set_capa_status(actor=request.auth, action=fetch(CapaAction, capa_id), **data)


@guarded(router, "POST", "/non-conformites/reclamation/{complaint_id}", "quality.nc.edit",
         response={201: NonConformityDetailOut})  # fmt: skip
def open_from_complaint(request, complaint_id: ObjectId, payload: FromComplaintIn):
    """The non-conformity a complaint reveals: its origin, date and severity are the complaint's."""
    from pilote.complaints.models import Complaint

    complaint = fetch(Complaint, complaint_id)
    data = payload.dict(exclude_none=True)
    fields = through_form(NonConformityForm, data, complaint=complaint)
    return Status(201, nc_services.from_complaint(actor=request.auth, complaint=complaint, **fields))


# --- procedures and audits -------------------------------------------------------------------------------------


class ProcedurePatch(Schema):
    title: str | None = None
    kind: ProcedureKind | None = None
    owner: OptionalId = Field(None, description="id de l'utilisateur rédacteur")
    approver_role: str | None = Field(None, description="rôle qui approuve (direction, rh…)")
    reader_roles: list[str] | None = Field(None, max_length=20, description="rôles qui doivent la lire")
    readers: list[RequiredId] | None = Field(None, max_length=500, description="ids d'autres lecteurs")
    version: int | None = Field(None, description="Version lue ; si la procédure a changé depuis, réponse 409.")


class AuditPatch(Schema):
    title: str | None = None
    kind: AuditKind | None = None
    scope: str | None = None
    planned_on: Day | None = None
    lead: OptionalId = Field(None, description="id de l'utilisateur responsable de l'audit")
    auditees: str | None = None
    version: int | None = Field(None, description="Version lue ; si l'audit a changé depuis, réponse 409.")


@guarded(quality_more.router, "PATCH", "/procedures/{procedure_id}", "quality.procedures.edit",
         response=ProcedureDetailOut)  # fmt: skip
def update_procedure(request, procedure_id: ObjectId, payload: ProcedurePatch):
    """Who writes, approves and reads it; its text changes through a new version (the draft)."""
    procedure = fetch(Procedure, procedure_id)
    readers = list(procedure.readers.values_list("pk", flat=True))
    current = {"title": procedure.title, "kind": procedure.kind, "owner": procedure.owner_id, "readers": readers,
               "approver_role": procedure.approver_role, "reader_roles": procedure.reader_roles,
               "version": procedure.version}  # fmt: skip
    fields = through_form(ProcedureForm, payload, current=current, procedure=procedure)
    procedure_services.update_procedure(actor=request.auth, procedure=procedure, expected_version=payload.version,
                                        **fields)  # fmt: skip
    return fetch(Procedure, procedure_id)


@guarded(quality_more.router, "PATCH", "/audits/{audit_id}", "quality.audits.edit", response=AuditDetailOut)
def update_audit(request, audit_id: ObjectId, payload: AuditPatch):
    """The audit's card, until it is done or cancelled (then 409)."""
    audit = fetch(Audit, audit_id)
    fields = through_form(AuditForm, payload, instance=fetch(Audit, audit_id))
    return audit_services.update_audit(actor=request.auth, audit=audit, expected_version=payload.version, **fields)


# --- surveys and watch -----------------------------------------------------------------------------------------


class WatchSourcePatch(Schema):
    is_active: bool = Field(..., description="faux : la source est suspendue (plus relevée) ; vrai : reprise")


@guarded(router, "POST", "/enquetes/{survey_id}/questions", "quality.surveys.edit", response={201: SurveyQuestionOut})
def add_survey_question(request, survey_id: ObjectId, payload: SurveyQuestionIn):
    """A question added at the end of a survey in preparation (open or closed: 409)."""
    fields = survey_question_fields(payload)
    return Status(201, survey_services.add_question(actor=request.auth, survey=fetch(Survey, survey_id), **fields))


@guarded(router, "PATCH", "/veille-sources/{watch_source_id}", "quality.watch.edit", response=WatchSourceOut)
def update_watch_source(request, watch_source_id: ObjectId, payload: WatchSourcePatch):
    """A source suspended (its feed no longer read) or resumed."""
    source = fetch(WatchSource, watch_source_id)
    return watch_services.set_active(actor=request.auth, source=source, active=payload.is_active)
