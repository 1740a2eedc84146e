"""Operations helper apiqual added — each through the page's form and service, so a write through the API has the
page's effect and its refusals (French 409 for a rule, 422 for a field, 403 for a role, nothing written): quality's
settings, reviews, statuses and cards, a non-conformity closed only through its effectiveness check."""

import datetime as dt

import pytest

from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(personas):
    return personas["direction"]


def _risk(boss, **changes):
    from pilote.quality.services import risks

    fields = {"title": "Panne du serveur", "category": "it", "owner": boss, "cause": "Matériel ancien",
              "consequence": "Arrêt", "likelihood": 3, "impact": 3, "residual_likelihood": 2, "residual_impact": 2,
              "review_on": local_today() + dt.timedelta(days=90), **changes}  # fmt: skip
    return risks.create_risk(actor=boss, **fields)


def test_the_risk_scale_settings_are_read_and_changed_by_direction(call, boss):
    from pilote.quality.models import QualitySettings

    url = "/api/v1/qualite/parametres"
    assert call("comptable", "get", url).status_code == 403
    read = call("direction", "get", url).json()
    assert read["risk_scale"] == 4 or read["risk_scale"] == 5
    five = call("direction", "patch", url, {"risk_scale": 5, "headcount": 12})
    assert five.status_code == 200 and five.json()["risk_scale"] == 5 and five.json()["headcount"] == 12
    _risk(boss, likelihood=5, impact=5)
    smaller = call("direction", "patch", url, {"risk_scale": 4})
    assert smaller.status_code == 409 and "recotez-les" in smaller.json()["detail"]
    bad = call("direction", "patch", url, {"risk_scale": 7})
    assert bad.status_code == 422 and "risk_scale" in bad.json()["erreurs"]
    stale = call("direction", "patch", url, {"headcount": 30, "version": five.json()["version"] - 1})
    assert stale.status_code == 409
    settings = QualitySettings.objects.get()
    assert (settings.risk_scale, settings.headcount) == (5, 12)


def test_a_risk_is_reviewed_closed_and_its_actions_moved(call, boss, personas):
    from pilote.core.models import AuditEvent
    from pilote.quality.services import risks

    risk = _risk(boss)
    action = risks.add_action(actor=boss, risk=risk, title="Sauvegarde externe", owner=personas["comptable"],
                              due_on=local_today() + dt.timedelta(days=30))  # fmt: skip
    url = f"/api/v1/risques/{risk.pk}"
    assert call("comptable", "post", f"{url}/revue", {"next_review_on": "2199-01-01"}).status_code == 403
    past = call("direction", "post", f"{url}/revue", {"next_review_on": local_today().isoformat()})
    assert past.status_code == 409 and past.json()["detail"] == "La prochaine revue doit suivre la revue du jour."
    next_review = local_today() + dt.timedelta(days=180)
    reviewed = call("direction", "post", f"{url}/revue", {"next_review_on": next_review.isoformat()})
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["reviewed_on"] == local_today().isoformat()
    assert reviewed.json()["review_on"] == next_review.isoformat()
    still_open = call("direction", "post", f"{url}/statut", {"status": "closed"})
    assert still_open.status_code == 409 and "encore ouvertes" in still_open.json()["detail"]
    state = f"/api/v1/risques/actions/{action.pk}/etat"
    not_hers = call("rh", "post", state, {"status": "done"})
    assert not_hers.status_code == 409 and "Seuls le responsable" in not_hers.json()["detail"]
    future = call("comptable", "post", state, {"status": "done", "done_on": "2199-01-01"})
    assert future.status_code == 409 and "date future" in future.json()["detail"]
    done = call("comptable", "post", state, {"status": "done"})
    assert done.status_code == 200 and done.json()["done_on"] == local_today().isoformat()
    closed = call("direction", "post", f"{url}/statut", {"status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = call("direction", "post", f"{url}/statut", {"status": "closed"})
    assert again.status_code == 409 and "déjà" in again.json()["detail"]
    assert AuditEvent.objects.filter(action="quality.risk.status_changed").count() == 1


def _checking_nc(boss):
    from pilote.quality.services import nonconformities as ncs

    nc = ncs.open_nonconformity(actor=boss, title="Colis abîmé", origin="internal", owner=boss,
                                description="Emballage trop léger")  # fmt: skip
    ncs.record_analysis(actor=boss, nc=nc, root_cause="Carton trop fin")
    capa = ncs.add_capa(actor=boss, nc=nc, title="Carton renforcé", owner=boss,
                        due_on=local_today() + dt.timedelta(days=10))  # fmt: skip
    ncs.start_actions(actor=boss, nc=nc)
    return nc, capa


def _step(call, nc) -> int:
    return call("assistant", "post", f"/api/v1/non-conformites/{nc.pk}/etape", {"etape": "verification"}).status_code


def test_a_nonconformity_closes_only_through_its_effectiveness_check(call, boss):
    from pilote.quality.models import NonConformity

    nc, capa = _checking_nc(boss)
    check = f"/api/v1/non-conformites/{nc.pk}/verification"
    body = {"effective": True, "comment": "Aucune casse sur un mois de livraisons"}
    too_early = call("direction", "post", check, body)
    assert too_early.status_code == 409 and "en vérification" in too_early.json()["detail"]
    done = call("assistant", "post", f"/api/v1/non-conformites/actions/{capa.pk}/etat", {"status": "done"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert _step(call, nc) == 200
    frozen = call("assistant", "post", f"/api/v1/non-conformites/actions/{capa.pk}/etat", {"status": "cancelled"})
    assert frozen.status_code == 409 and "vérification" in frozen.json()["detail"]
    assert call("assistant", "post", check, body).status_code == 403  # quality.nc.close: direction's
    no_comment = call("direction", "post", check, {"effective": True, "comment": ""})
    assert no_comment.status_code == 422 and "comment" in no_comment.json()["erreurs"]
    assert NonConformity.objects.get(pk=nc.pk).status == "checking"
    not_yet = call("direction", "post", check, {"effective": False, "comment": "Encore deux colis abîmés"})
    assert not_yet.status_code == 200 and not_yet.json()["status"] == "acting"
    assert _step(call, nc) == 200
    closed = call("direction", "post", check, body)
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["closed_on"] == local_today().isoformat()
    assert closed.json()["effectiveness"] == body["comment"]


def test_a_nonconformity_is_opened_from_a_complaint(call, boss):
    from pilote.complaints import services as complaints
    from pilote.contacts.models import Contact

    customer = Contact.objects.create(name="Client Martin", is_customer=True)
    complaint = complaints.record_complaint(actor=boss, subject="Pièce cassée", customer=customer,
                                            received_on=local_today(), category="billing")  # fmt: skip
    url = f"/api/v1/non-conformites/reclamation/{complaint.pk}"
    assert call("comptable", "post", url, {"owner": boss.pk}).status_code == 403
    missing = call("commercial", "post", url, {})
    assert missing.status_code == 422 and "owner" in missing.json()["erreurs"]
    made = call("commercial", "post", url, {"owner": boss.pk, "immediate_action": "Pièce renvoyée"})
    assert made.status_code == 201, made.content
    made = made.json()
    assert made["origin"] == "complaint" and made["complaint_id"] == complaint.pk
    assert made["title"] == "Pièce cassée" and made["immediate_action"] == "Pièce renvoyée"
    unknown = call("commercial", "post", "/api/v1/non-conformites/reclamation/999999", {"owner": boss.pk})
    assert unknown.status_code == 404


def test_duerp_hazard_and_prevention_action_change(call, boss):
    from pilote.quality.services import duerp

    unit = duerp.create_work_unit(actor=boss, name="Atelier", exposed=4)
    hazard = duerp.add_hazard(actor=boss, unit=unit, family="manual_handling", description="Port de charges",
                              frequency=1, severity=1)  # fmt: skip
    action = duerp.add_prevention_action(actor=boss, hazard=hazard, title="Diable", owner=boss,
                                         due_on=local_today() + dt.timedelta(days=30))  # fmt: skip
    url = f"/api/v1/duerp/risques/{hazard.pk}"
    assert call("salarie", "get", url).json()["priority"] == hazard.priority
    assert call("salarie", "patch", url, {"severity": 4}).status_code == 403
    bad = call("rh", "patch", url, {"family": "inconnue"})
    assert bad.status_code == 422 and "family" in bad.json()["erreurs"]
    changed = call("rh", "patch", url, {"frequency": 4, "severity": 4})
    assert changed.status_code == 200 and changed.json()["priority"] == 1 < hazard.priority  # 1: the first to treat
    assert changed.json()["description"] == "Port de charges"
    state = call("rh", "post", f"/api/v1/duerp/actions/{action.pk}/etat", {"status": "done"})
    assert state.status_code == 200 and state.json()["done_on"] == local_today().isoformat()
    unknown = call("rh", "post", f"/api/v1/duerp/actions/{action.pk}/etat", {"status": "fini"})
    assert unknown.status_code == 422


def test_procedure_and_audit_cards_change(call, boss):
    from pilote.quality.services import audits, procedures

    procedure = procedures.create_procedure(actor=boss, code="PR-ACC-01", title="Accueil", owner=boss,
                                            approver_role="direction", body="Accueillir.")  # fmt: skip
    url = f"/api/v1/procedures/{procedure.pk}"
    assert call("comptable", "patch", url, {"title": "Accueil"}).status_code == 403
    changed = call("rh", "patch", url, {"title": "Accueil des visiteurs", "reader_roles": ["comptable"],
                                        "version": procedure.version})  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "Accueil des visiteurs" and changed.json()["reader_roles"] == ["comptable"]
    assert changed.json()["code"] == "PR-ACC-01" and changed.json()["approver_role"] == "direction"
    stale = call("rh", "patch", url, {"title": "Autre", "version": procedure.version})
    assert stale.status_code == 409
    bad_role = call("rh", "patch", url, {"approver_role": "personne"})
    assert bad_role.status_code == 422 and "approver_role" in bad_role.json()["erreurs"]
    audit = audits.plan_audit(actor=boss, title="Audit achats", kind="internal", scope="Achats", lead=boss,
                              planned_on=local_today(), questions=[("Fournisseurs évalués ?", "")])  # fmt: skip
    url = f"/api/v1/audits/{audit.pk}"
    moved = call("assistant", "patch", url, {"scope": "Achats et stocks", "version": audit.version})
    assert moved.status_code == 200 and moved.json()["scope"] == "Achats et stocks"
    assert moved.json()["title"] == "Audit achats"
    audits.cancel_audit(actor=boss, audit=audit)
    cancelled = call("assistant", "patch", url, {"scope": "Tout"})
    assert cancelled.status_code == 409 and "plus modifiable" in cancelled.json()["detail"]


def test_a_question_is_added_to_a_survey_in_preparation(call, boss):
    from pilote.quality.services import surveys

    survey = surveys.create_survey(actor=boss, title="Satisfaction")
    url = f"/api/v1/enquetes/{survey.pk}/questions"
    assert call("comptable", "post", url, {"text": "Satisfait ?", "kind": "scale5"}).status_code == 403
    one_choice = call("commercial", "post", url, {"text": "Canal ?", "kind": "single", "choices": ["Web"]})
    assert one_choice.status_code == 409 and "deux choix" in one_choice.json()["detail"]
    first = call("commercial", "post", url, {"text": "Satisfait ?", "kind": "scale5"})
    second = call("commercial", "post", url, {"text": "Canal ?", "kind": "single", "choices": ["Web", "Agence"]})
    assert first.status_code == second.status_code == 201
    assert (first.json()["position"], second.json()["position"]) == (1, 2)
    assert second.json()["choices"] == ["Web", "Agence"]
    surveys.open_survey(actor=boss, survey=survey)
    opened = call("commercial", "post", url, {"text": "Autre ?", "kind": "text"})
    assert opened.status_code == 409 and survey.questions.count() == 2


def test_a_watch_source_is_suspended_and_resumed(call, boss):
    from pilote.quality.services import watch

    source = watch.create_source(actor=boss, name="Légifrance", url="https://www.legifrance.gouv.fr/rss")
    url = f"/api/v1/veille-sources/{source.pk}"
    assert call("comptable", "patch", url, {"is_active": False}).status_code == 403
    suspended = call("assistant", "patch", url, {"is_active": False})
    assert suspended.status_code == 200 and suspended.json()["is_active"] is False
    source.refresh_from_db()
    assert not source.is_active
    assert call("assistant", "patch", url, {"is_active": True}).json()["is_active"] is True
    assert call("assistant", "patch", url, {}).status_code == 422


# --- contacts --------------------------------------------------------------------------------------------------


def test_a_contacts_persons_and_addresses_are_added_changed_and_deleted(call):
    from pilote.contacts.models import Address, Contact, ContactPerson

    contact = Contact.objects.create(name="Atelier Bois", is_customer=True)
    persons = f"/api/v1/contacts/{contact.pk}/interlocuteurs"
    assert call("rh", "post", persons, {"last_name": "Durand"}).status_code == 403  # contacts.view only
    bad = call("commercial", "post", persons, {"last_name": "Durand", "email": "pas-un-mail"})
    assert bad.status_code == 422 and "email" in bad.json()["erreurs"] and not ContactPerson.objects.exists()
    first = call("commercial", "post", persons, {"last_name": "Durand", "is_primary": True}).json()
    second = call("commercial", "post", persons, {"last_name": "Petit", "first_name": "Léa", "is_primary": True})
    assert second.status_code == 201 and second.json()["is_primary"]
    assert not ContactPerson.objects.get(pk=first["id"]).is_primary  # one primary person, as on the page
    changed = call("assistant", "patch", f"/api/v1/contacts/interlocuteurs/{first['id']}", {"job_title": "Gérant"})
    assert changed.status_code == 200 and changed.json()["job_title"] == "Gérant"
    assert changed.json()["last_name"] == "Durand"
    assert [p["last_name"] for p in call("rh", "get", persons).json()] == ["Petit", "Durand"]
    assert call("commercial", "delete", f"/api/v1/contacts/interlocuteurs/{first['id']}").status_code == 204
    assert list(ContactPerson.objects.values_list("last_name", flat=True)) == ["Petit"]
    addresses = f"/api/v1/contacts/{contact.pk}/adresses"
    body = {"line1": "3 rue des Forges", "postal_code": "69007", "city": "Lyon", "is_default_delivery": True}
    missing = call("commercial", "post", addresses, {"line1": "3 rue des Forges"})
    assert missing.status_code == 422 and "city" in missing.json()["erreurs"]
    one = call("commercial", "post", addresses, body).json()
    other = call("commercial", "post", addresses, {**body, "label": "Entrepôt", "city": "Vénissieux"}).json()
    assert other["is_default_delivery"] and not Address.objects.get(pk=one["id"]).is_default_delivery
    moved = call("commercial", "patch", f"/api/v1/contacts/adresses/{one['id']}", {"line2": "Quai 4"})
    assert moved.status_code == 200 and moved.json()["line2"] == "Quai 4" and moved.json()["city"] == "Lyon"
    assert call("commercial", "delete", f"/api/v1/contacts/adresses/{one['id']}").status_code == 204
    assert [a["city"] for a in call("comptable", "get", addresses).json()] == ["Vénissieux"]


def test_a_contact_is_archived_and_an_exchange_deleted_by_its_author(call, personas):
    from pilote.contacts import services
    from pilote.contacts.models import Contact, Interaction

    contact = Contact.objects.create(name="Atelier Bois", is_customer=True)
    url = f"/api/v1/contacts/{contact.pk}/archivage"
    assert call("rh", "post", url, {"archive": True}).status_code == 403
    archived = call("commercial", "post", url, {"archive": True})
    assert archived.status_code == 200 and archived.json()["is_active"] is False
    assert call("commercial", "get", "/api/v1/contacts?q=Atelier").json()["count"] == 0
    assert call("commercial", "post", url, {"archive": False}).json()["is_active"] is True
    exchange = services.log_interaction(actor=personas["commercial"], contact=contact, kind="call", subject="Relance")
    url = f"/api/v1/contacts/echanges/{exchange.pk}"
    assert call("auditeur", "delete", url).status_code == 403
    not_his = call("comptable", "delete", url)
    assert not_his.status_code == 409 and "Seul l'auteur" in not_his.json()["detail"]
    assert call("commercial", "delete", url).status_code == 204 and not Interaction.objects.exists()
    hidden = services.log_interaction(actor=personas["direction"], contact=contact, kind="note", subject="Paie",
                                      source_perm="hr.view")  # fmt: skip
    assert call("commercial", "delete", f"/api/v1/contacts/echanges/{hidden.pk}").status_code == 404
    assert call("direction", "delete", f"/api/v1/contacts/echanges/{hidden.pk}").status_code == 204


# --- users' passwords and indicators' thresholds ----------------------------------------------------------------


def test_direction_sets_a_users_password_with_the_pages_validators(call, personas):
    from pilote.core.models import AuditEvent

    employee = personas["salarie"]
    url = f"/api/v1/utilisateurs/{employee.pk}/mot-de-passe"
    assert call("salarie", "get", "/api/v1/duerp/unites").status_code == 200  # the employee's token works
    assert call("rh", "put", url, {"password": "Lune-Verte-Kayak-2031"}).status_code == 403
    short = call("direction", "put", url, {"password": "Zx9q"})
    assert short.status_code == 422 and "password" in short.json()["erreurs"]
    assert "Zx9q" not in short.content.decode()  # never echoed
    common = call("direction", "put", url, {"password": "password123"})
    assert common.status_code == 422
    employee.refresh_from_db()
    assert not employee.check_password("password123")
    done = call("direction", "put", url, {"password": "Lune-Verte-Kayak-2031"})
    assert done.status_code == 204 and done.content == b""
    employee.refresh_from_db()
    assert employee.check_password("Lune-Verte-Kayak-2031")
    assert AuditEvent.objects.filter(action="core.user.password_changed").count() == 1
    assert call("salarie", "get", "/api/v1/duerp/unites").status_code == 401  # its tokens revoked with the password


def test_direction_reads_and_sets_the_indicators_thresholds(call):
    from decimal import Decimal

    from pilote.dashboards.models import KpiThreshold

    url = "/api/v1/indicateurs/seuils"
    assert call("comptable", "get", url).status_code == 403
    rows = {row["key"]: row for row in call("direction", "get", url).json()}
    assert rows["ca_mois"]["threshold"] is None and rows["dso"]["unit"] == "j" and not rows["dso"]["alert_below"]
    assert call("comptable", "put", f"{url}/ca_mois", {"seuil": "15000"}).status_code == 403
    made = call("direction", "put", f"{url}/ca_mois", {"seuil": "15000.50"})
    assert made.status_code == 200 and Decimal(made.json()["threshold"]) == Decimal("15000.50")
    assert KpiThreshold.objects.get(key="ca_mois").value == Decimal("15000.50")
    assert call("direction", "put", f"{url}/inconnu", {"seuil": "1"}).status_code == 404
    too_big = call("direction", "put", f"{url}/ca_mois", {"seuil": "1e15"})
    assert too_big.status_code == 422 and KpiThreshold.objects.get(key="ca_mois").value == Decimal("15000.50")
    removed = call("direction", "put", f"{url}/ca_mois", {"seuil": None})
    assert removed.status_code == 200 and removed.json()["threshold"] is None
    assert not KpiThreshold.objects.exists()
