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
    from pilote.contacts import services as contacts
    from pilote.contacts.models import Contact

    contact = Contact.objects.get(pk=ids["contact_id"])
    person = contacts.save_person(actor=boss, contact=contact, last_name="Durand", first_name="Paul")
    address = contacts.save_address(actor=boss, contact=contact, label="Dépôt", line1="5 rue du Port",
                                    postal_code="44000", city="Nantes")  # fmt: skip
    exchange = contacts.log_interaction(actor=personas["commercial"], contact=contact, kind="call",
                                        subject="Relance du devis")  # fmt: skip
    return {
        "person_id": person.pk,
        "address_id": address.pk,
        "interaction_id": exchange.pk,
        "kpi_key": "ca_mois",
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
    ("post", "/contacts/{contact_id}/interlocuteurs"): {"civility": "Mme", "first_name": "Claire",
                                                        "last_name": "Martin", "is_primary": True},
    ("patch", "/contacts/interlocuteurs/{person_id}"): {"job_title": "Acheteuse"},
    ("post", "/contacts/{contact_id}/adresses"): {"label": "Entrepôt", "line1": "3 rue des Forges",
                                                  "postal_code": "69007", "city": "Lyon", "is_default_delivery": True},
    ("patch", "/contacts/adresses/{address_id}"): {"line2": "Quai 4"},
    ("post", "/contacts/{contact_id}/archivage"): {"archive": True},
    ("put", "/utilisateurs/{user_id}/mot-de-passe"): {"password": "Lune-Verte-Kayak-2031"},
    ("put", "/indicateurs/seuils/{kpi_key}"): {"seuil": "15000.00"},
}  # fmt: skip

IDS = {
    ("post", "/non-conformites/{nc_id}/verification"): {"nc_id": "checking_nc_id"},
}

# the accountant owns the treatment action: HR, who moves actions too, moves only its own (as on the page)
# an exchange is deleted by its author (the sales rep here) or direction.
OBJECT_RULES = {
    ("post", "/risques/actions/{risk_action_id}/etat"): {"rh": 409},
    ("delete", "/contacts/echanges/{interaction_id}"): {role: 409 for role in ("comptable", "rh", "assistant")},
}

# The addresses of apiqual's operations: PILOTE_SCHEMA_ONLY=<this regex> runs the property test on them only.
PATHS_REGEX = (
    r"/qualite/parametres|/risques/\{risk_id\}/(revue|statut)|/risques/actions/|/duerp/risques/\{hazard_id\}$"
    r"|/duerp/actions/\{|/non-conformites/(\{nc_id\}/verification|actions/|reclamation/)"
    r"|/procedures/\{procedure_id\}$|/audits/\{audit_id\}$|/enquetes/\{survey_id\}/questions|/veille-sources/\{"
    r"|/contacts/(\{contact_id\}/)?(interlocuteurs|adresses)|/archivage$|/contacts/echanges/|/mot-de-passe$"
    r"|/indicateurs/seuils"
)
