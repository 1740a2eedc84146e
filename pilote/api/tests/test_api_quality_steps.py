"""Quality over the API beyond records: an audit started, cancelled or closed (the page's buttons), a watch item
turned into a risk or a non-conformity (the role's own right, moved from the item page to the service), the DUERP
published as a frozen version — the pages' refusals kept (French 409 / 422, nothing written) and the roles (403)."""

import datetime as dt

import pytest

from pilote.lib.dates import local_today

pytestmark = pytest.mark.django_db


def test_an_audit_started_then_closed_with_its_conclusion(call, personas):
    from pilote.quality.services import audits

    boss = personas["direction"]
    empty = audits.plan_audit(actor=boss, title="Audit vide", kind="internal", scope="Achats", lead=boss,
                              planned_on=boss.date_joined.date())  # fmt: skip
    url = f"/api/v1/audits/{empty.pk}/etape"
    for role in ("comptable", "commercial", "salarie", "auditeur"):
        assert call(role, "post", url, {"etape": "commencer"}).status_code == 403
    no_grid = call("rh", "post", url, {"etape": "commencer"})
    assert no_grid.status_code == 409 and "grille" in no_grid.json()["detail"]
    empty.refresh_from_db()
    assert empty.status == "planned" and empty.performed_on is None
    assert call("rh", "post", url, {"etape": "annuler"}).json()["status"] == "cancelled"
    audit = audits.plan_audit(actor=boss, title="Audit RH", kind="internal", scope="Registre", lead=boss,
                              planned_on=boss.date_joined.date(), questions=[("Registre à jour ?", "")])  # fmt: skip
    url = f"/api/v1/audits/{audit.pk}/etape"
    started = call("assistant", "post", url, {"etape": "commencer"})
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    assert started.json()["performed_on"] is not None
    unanswered = call("assistant", "post", url, {"etape": "clore", "conclusion": "RAS"})
    assert unanswered.status_code == 409 and "constat" in unanswered.json()["detail"]
    item = started.json()["items"][0]["id"]
    assert call("assistant", "post", f"/api/v1/audits/constats/{item}", {"result": "conform"}).status_code == 200
    no_conclusion = call("assistant", "post", url, {"etape": "clore"})
    assert no_conclusion.status_code == 422 and "conclusion" in no_conclusion.json()["erreurs"]
    audit.refresh_from_db()
    assert audit.status == "in_progress" and audit.conclusion == ""
    closed = call("assistant", "post", url, {"etape": "clore", "conclusion": "Registre tenu."})
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    assert call("assistant", "post", url, {"etape": "annuler"}).status_code == 409
    odd = call("assistant", "post", url, {"etape": "reprendre"})
    assert odd.status_code == 422


def test_a_watch_item_turned_into_a_risk_or_a_non_conformity(call, personas):
    from pilote.quality.models import NonConformity, Risk, WatchItem
    from pilote.quality.services import watch

    source = watch.create_source(
        actor=personas["direction"], name="Légifrance", url="https://www.legifrance.gouv.fr/rss"
    )
    item = WatchItem.objects.create(source=source, guid="1", title="Décret sur l'affichage", link="https://e.org/1")
    url = f"/api/v1/veille/{item.pk}/conversion"
    for role in ("comptable", "commercial", "rh", "salarie", "auditeur"):
        assert call(role, "post", url, {"vers": "non-conformite"}).status_code == 403
    refused = call("assistant", "post", url, {"vers": "risque"})  # the register is direction's, as on the page
    assert refused.status_code == 409 and "direction" in refused.json()["detail"]
    assert not Risk.objects.exists()
    odd = call("assistant", "post", url, {"vers": "projet"})
    assert odd.status_code == 422
    nc = call("assistant", "post", url, {"vers": "non-conformite"})
    assert nc.status_code == 201 and nc.json()["reference"].startswith("NC"), nc.content
    assert NonConformity.objects.get().pk == nc.json()["id"]
    twice = call("direction", "post", url, {"vers": "non-conformite"})
    assert twice.status_code == 409 and "déjà" in twice.json()["detail"]
    risk = call("direction", "post", url, {"vers": "risque"})
    assert risk.status_code == 201 and Risk.objects.get().pk == risk.json()["id"]
    item.refresh_from_db()
    assert item.status == "relevant" and item.risk_id and item.nonconformity_id


def test_the_duerp_published_as_a_frozen_version(call, personas):
    from pilote.quality.models import DuerpVersion
    from pilote.quality.services import duerp

    body = {"note": "Mise à jour annuelle", "confirm": True}
    for role in ("rh", "comptable", "assistant", "salarie"):
        assert call(role, "post", "/api/v1/duerp/versions", body).status_code == 403
    empty = call("direction", "post", "/api/v1/duerp/versions", body)
    assert empty.status_code == 409 and "aucune unité" in empty.json()["detail"]
    boss = personas["direction"]
    unit = duerp.create_work_unit(actor=boss, name="Atelier", exposed=4)
    duerp.add_hazard(actor=boss, unit=unit, family="manual_handling", description="Charges", frequency=3, severity=2)
    unconfirmed = call("direction", "post", "/api/v1/duerp/versions", {"note": "Annuelle", "confirm": False})
    assert unconfirmed.status_code == 422 and "confirm" in unconfirmed.json()["erreurs"]
    assert not DuerpVersion.objects.exists()
    first = call("direction", "post", "/api/v1/duerp/versions", body)
    assert first.status_code == 201 and first.json()["number"] == 1 and len(first.json()["digest"]) == 64
    listed = call("salarie", "get", "/api/v1/duerp/versions").json()  # the DUERP is open to every worker
    assert [row["number"] for row in listed["results"]] == [1]


def test_a_procedure_drafted_approved_by_its_role_put_in_force_and_read(call, personas):
    from pilote.quality.models import ProcedureAcknowledgement
    from pilote.quality.services import procedures

    boss = personas["direction"]
    procedure = procedures.create_procedure(actor=boss, code="PR-ACC-01", title="Accueil", owner=boss, body="Lire.",
                                            approver_role="rh", reader_roles=["salarie"])  # fmt: skip
    draft = procedure.versions.get()
    url = f"/api/v1/procedures/versions/{draft.pk}"
    assert call("auditeur", "post", f"{url}/approbation", {}).status_code == 403
    not_mine = call("direction", "post", f"{url}/approbation", {"comment": "Vu"})
    assert not_mine.status_code == 409 and "« Ressources humaines »" in not_mine.json()["detail"]
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.digest == ""
    early = call("rh", "post", f"{url}/vigueur", {"in_force_on": local_today().isoformat()})
    assert early.status_code == 409 and "approuvée" in early.json()["detail"]
    approved = call("rh", "post", f"{url}/approbation", {"comment": "Conforme"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.content
    frozen = call("rh", "put", f"/api/v1/procedures/{procedure.pk}/brouillon", {"change_note": "X", "body": "Y"})
    assert frozen.status_code == 409 and "déjà approuvée" in frozen.json()["detail"]
    assert call("rh", "post", f"{url}/vigueur", {"in_force_on": "15/01/2027"}).status_code == 422
    yesterday = (local_today() - dt.timedelta(days=1)).isoformat()
    before = call("rh", "post", f"{url}/vigueur", {"in_force_on": yesterday})
    assert before.status_code == 409 and "avant son approbation" in before.json()["detail"]
    in_force = call("rh", "post", f"{url}/vigueur", {"in_force_on": local_today().isoformat()})
    assert in_force.status_code == 200 and in_force.json()["status"] == "in_force"
    not_a_reader = call("comptable", "post", f"{url}/lecture")
    assert not_a_reader.status_code == 409 and "devez lire" in not_a_reader.json()["detail"]
    read = call("salarie", "post", f"{url}/lecture")
    assert read.status_code == 201 and read.json()["user_id"] == personas["salarie"].pk
    assert call("salarie", "post", f"{url}/lecture").status_code == 409
    assert ProcedureAcknowledgement.objects.count() == 1
    # The next version: a draft from the text in force, its revision's object required.
    no_note = call("rh", "put", f"/api/v1/procedures/{procedure.pk}/brouillon", {"change_note": "", "body": "Y"})
    assert no_note.status_code == 422 and "change_note" in no_note.json()["erreurs"]
    assert call("salarie", "put", f"/api/v1/procedures/{procedure.pk}/brouillon",
                {"change_note": "Révision", "body": "Accueillir et orienter."}).status_code == 403  # fmt: skip
    second = call("rh", "put", f"/api/v1/procedures/{procedure.pk}/brouillon",
                  {"change_note": "Révision", "body": "Accueillir et orienter."})  # fmt: skip
    assert second.status_code == 200 and second.json()["number"] == 2 and second.json()["status"] == "draft"


def test_a_survey_opened_its_links_made_and_closed(call, personas):
    from django.core import mail

    from pilote.contacts.models import Contact
    from pilote.quality.models import SurveyInvitation
    from pilote.quality.services import surveys

    boss = personas["direction"]
    survey = surveys.create_survey(actor=boss, title="Satisfaction")
    url = f"/api/v1/enquetes/{survey.pk}"
    assert call("comptable", "post", f"{url}/etape", {"etape": "ouvrir"}).status_code == 403
    empty = call("assistant", "post", f"{url}/etape", {"etape": "ouvrir"})
    assert empty.status_code == 409 and "au moins une question" in empty.json()["detail"]
    surveys.add_question(actor=boss, survey=survey, text="Note", kind="scale5")
    closed_early = call("assistant", "post", f"{url}/invitations", {"links": 1})
    assert closed_early.status_code == 409 and "Ouvrez l'enquête" in closed_early.json()["detail"]
    opened = call("assistant", "post", f"{url}/etape", {"etape": "ouvrir"})
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    silent = Contact.objects.create(name="Sans courriel", is_customer=True)
    no_address = call("assistant", "post", f"{url}/invitations", {"contact": silent.pk})
    assert no_address.status_code == 409 and "Sans adresse e-mail" in no_address.json()["detail"]
    too_many = call("assistant", "post", f"{url}/invitations", {"links": 501})
    assert too_many.status_code == 422 and not SurveyInvitation.objects.exists()
    reader = Contact.objects.create(name="Lecteur", is_customer=True, email="lecteur@example.fr")
    links = call("assistant", "post", f"{url}/invitations", {"contact": reader.pk, "links": 2, "message": "Merci"})
    assert links.status_code == 201, links.content
    assert [link["sent"] for link in links.json()] == [True, False, False]
    assert len(mail.outbox) == 1 and links.json()[0]["url"] in mail.outbox[0].body
    answer = call("salarie", "get", links.json()[1]["url"].split("testserver")[1])
    assert answer.status_code == 200  # the public answer page takes the link
    closed = call("assistant", "post", f"{url}/etape", {"etape": "clore"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert call("assistant", "post", f"{url}/etape", {"etape": "clore"}).status_code == 409
