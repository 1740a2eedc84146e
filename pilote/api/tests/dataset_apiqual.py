"""The small data set's rows for the operations helper apiqual added (quality's settings, reviews, statuses and cards
changed, a non-conformity checked and one opened from a complaint; contacts' persons, addresses, archiving and an
exchange deleted; a user's password and the indicators' thresholds): `rows` adds them to the ids of
`dataset.small_dataset`; BODIES, IDS and OBJECT_RULES are merged into the data set's own."""

from __future__ import annotations

from pilote.api.tests.days import day


def rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    from pilote.quality.models import CapaAction, PreventionAction, WatchSource
    from pilote.quality.services import nonconformities, risks

    boss = personas["direction"]
    # a risk whose treatment action the accountant owns (the other risk stays free of open actions: it may close)
    risk = risks.create_risk(actor=boss, title="Départ d'une personne clé", category="operational", owner=boss,
                             cause="Effectif réduit", consequence="Savoir perdu", likelihood=2, impact=3,
                             residual_likelihood=2, residual_impact=2, review_on=day(2, 1, years=1))  # fmt: skip
    action = risks.add_action(actor=boss, risk=risk, title="Binôme de suppléance", owner=personas["comptable"],
                              due_on=day(4, 30, years=1))  # fmt: skip
    # a non-conformity whose actions are done, waiting for its effectiveness check
    checking = nonconformities.open_nonconformity(actor=boss, title="Colis abîmé", origin="internal", owner=boss,
                                                  description="Emballage trop léger")  # fmt: skip
    nonconformities.record_analysis(actor=boss, nc=checking, root_cause="Carton simple cannelure")
    capa = nonconformities.add_capa(actor=boss, nc=checking, title="Carton renforcé", owner=boss,
                                    due_on=day(1, 31, years=1))  # fmt: skip
    nonconformities.start_actions(actor=boss, nc=checking)
    nonconformities.set_capa_status(actor=boss, action=capa, status="done")
    nonconformities.request_check(actor=boss, nc=checking)
    return {
        "risk_action_id": action.pk,
        "prevention_action_id": PreventionAction.objects.get(hazard_id=ids["hazard_id"]).pk,
        "checking_nc_id": checking.pk,
        "capa_id": CapaAction.objects.get(nonconformity_id=ids["analysed_nc_id"]).pk,
        "watch_source_id": WatchSource.objects.get().pk,
    }


BODIES = {
    ("patch", "/qualite/parametres"): {"headcount": 12},
    ("post", "/risques/{risk_id}/revue"): {"next_review_on": "Y+1-09-30"},
    ("post", "/risques/{risk_id}/statut"): {"status": "closed"},
    ("post", "/risques/actions/{risk_action_id}/etat"): {"status": "done", "done_on": "today"},
    ("patch", "/duerp/risques/{hazard_id}"): {"severity": 3, "prevention": "Formation gestes et postures"},
    ("post", "/duerp/actions/{prevention_action_id}/etat"): {"status": "in_progress"},
    ("post", "/non-conformites/{nc_id}/verification"): {"effective": True, "comment": "Aucune casse en un mois"},
    ("post", "/non-conformites/actions/{capa_id}/etat"): {"status": "in_progress"},
    ("post", "/non-conformites/reclamation/{complaint_id}"): {"owner": "owner_id"},
    ("patch", "/procedures/{procedure_id}"): {"title": "Accueil des visiteurs", "reader_roles": ["comptable"]},
    ("patch", "/audits/{audit_id}"): {"auditees": "Service achats"},
    ("post", "/enquetes/{survey_id}/questions"): {"text": "Un commentaire ?", "kind": "text", "required": False},
    ("patch", "/veille-sources/{watch_source_id}"): {"is_active": False},
}

IDS = {
    ("post", "/non-conformites/{nc_id}/verification"): {"nc_id": "checking_nc_id"},
}

# the accountant owns the treatment action: HR, who moves actions too, moves only its own (as on the page)
OBJECT_RULES = {
    ("post", "/risques/actions/{risk_action_id}/etat"): {"rh": 409},
}

# The addresses of apiqual's operations: PILOTE_SCHEMA_ONLY=<this regex> runs the property test on them only.
PATHS_REGEX = (
    r"/qualite/parametres|/risques/\{risk_id\}/(revue|statut)|/risques/actions/|/duerp/risques/\{hazard_id\}$"
    r"|/duerp/actions/\{|/non-conformites/(\{nc_id\}/verification|actions/|reclamation/)"
    r"|/procedures/\{procedure_id\}$|/audits/\{audit_id\}$|/enquetes/\{survey_id\}/questions|/veille-sources/\{"
)
