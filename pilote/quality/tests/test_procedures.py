"""Procedures: a version goes draft → approved (by the role the procedure names) → in force, the one in force
before it superseded at that moment; the approval log keeps each step; the staff it concerns acknowledge the
version in force from their to-do list; a version in force is frozen (raw SQL refused by the triggers)."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.registry import todos_for
from pilote.quality import triggers
from pilote.quality.models import ProcedureAcknowledgement, ProcedureStatus
from pilote.quality.services import procedures

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure(personas):
    return procedures.create_procedure(
        actor=personas["rh"], code="pr-rec-01", title="Réclamations", owner=personas["rh"],
        approver_role="direction", reader_roles=["commercial", "salarie"], readers=[personas["comptable"]],
        body="Répondre sous 7 jours.",
    )  # fmt: skip


def _in_force(procedure, personas, version=None, day=None):
    version = version or procedure.versions.get(status="draft")
    procedures.approve(actor=personas["direction"], version=version, comment="Validée")
    return procedures.put_in_force(actor=personas["rh"], version=version, in_force_on=day)


def test_life_cycle_supersedes_the_previous_version(procedure, personas):
    assert procedure.code == "PR-REC-01"
    first = procedure.versions.get()
    assert first.status == ProcedureStatus.DRAFT
    with pytest.raises(DomainError, match="approuvée par le rôle « Direction »"):
        procedures.approve(actor=personas["rh"], version=first)
    with pytest.raises(DomainError, match="approuvée peut entrer en vigueur"):
        procedures.put_in_force(actor=personas["rh"], version=first)
    first = _in_force(procedure, personas)
    assert first.status == ProcedureStatus.IN_FORCE and first.approved_by_name == "Direction Test (Direction)"
    assert len(first.digest) == 64
    with pytest.raises(DomainError, match="objet de la révision"):
        procedures.new_draft(actor=personas["rh"], procedure=procedure)
    second = procedures.new_draft(actor=personas["rh"], procedure=procedure, change_note="Délai raccourci")
    assert second.number == 2 and second.body == "Répondre sous 7 jours."  # starts from the text in force
    with pytest.raises(DomainError, match="déjà en préparation"):
        procedures.new_draft(actor=personas["rh"], procedure=procedure, change_note="Autre")
    procedures.edit_draft(actor=personas["rh"], version=second, body="Répondre sous 5 jours.", change_note="5 jours")
    second = _in_force(procedure, personas, second)
    first.refresh_from_db()
    assert first.status == ProcedureStatus.SUPERSEDED and first.superseded_on == second.in_force_on
    assert procedures.in_force(procedure) == second
    steps = [entry.step for entry in first.log.all()] + [entry.step for entry in second.log.all()]
    assert steps == ["Version 1 rédigée (brouillon)", "Version 1 approuvée", "Version 1 en vigueur",
                     "Version 1 remplacée par la version 2", "Version 2 rédigée (brouillon)",
                     "Version 2 approuvée", "Version 2 en vigueur"]  # fmt: skip
    with pytest.raises(DomainError, match="Seul un brouillon"):
        procedures.edit_draft(actor=personas["rh"], version=second, body="Autre", change_note="x")


def test_readers_acknowledge_from_their_to_do_list(procedure, personas, client_as):
    version = _in_force(procedure, personas)
    seller = personas["commercial"]
    [item] = [i for i in todos_for(seller) if "PR-REC-01" in i.label]
    assert item.label.startswith("Lire et attester") and item.url == reverse("quality:procedure-detail",
                                                                               args=[procedure.pk])  # fmt: skip
    # the accountant is named, the assistant is not concerned
    assert any("PR-REC-01" in i.label for i in todos_for(personas["comptable"]))
    assert not any("PR-REC-01" in i.label for i in todos_for(personas["assistant"]))
    client = client_as("commercial")
    page = client.get(item.url).content.decode()
    assert "J&#x27;ai lu et compris la version 1" in page or "J'ai lu et compris la version 1" in page
    response = client.post(reverse("quality:procedure-acknowledge", args=[version.pk]), follow=True)
    assert "votre lecture est enregistrée" in response.content.decode()
    assert not any("PR-REC-01" in i.label for i in todos_for(seller))
    response = client.post(reverse("quality:procedure-acknowledge", args=[version.pk]), follow=True)
    assert "déjà attesté" in response.content.decode()
    assert ProcedureAcknowledgement.objects.filter(version=version).count() == 1
    client = client_as("assistant")  # not among its readers
    response = client.post(reverse("quality:procedure-acknowledge", args=[version.pk]), follow=True)
    assert "ne figure pas parmi celles que vous devez lire" in response.content.decode()
    # the next version in force needs a new receipt
    draft = procedures.new_draft(actor=personas["rh"], procedure=procedure, change_note="Révision")
    _in_force(procedure, personas, draft)
    assert any("PR-REC-01" in i.label and "(v2)" in i.label for i in todos_for(seller))


def test_the_approver_sees_the_draft_in_the_to_do_list_and_approves_from_the_page(procedure, client_as):
    draft = procedure.versions.get()
    client = client_as("direction")
    assert any(i.label == "Approuver la version 1 de PR-REC-01" for i in todos_for(client.get("/").wsgi_request.user))
    response = client.post(reverse("quality:procedure-approve", args=[draft.pk]), {"comment": "OK"}, follow=True)
    assert "La version est approuvée" in response.content.decode()
    client = client_as("rh")
    response = client.post(reverse("quality:procedure-in-force", args=[draft.pk]), {"in_force_on": "31/02/2026"},
                           follow=True)  # fmt: skip
    assert "date d&#x27;entrée en vigueur valide" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ProcedureStatus.APPROVED


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE quality_procedureversion SET body = 'modifié' WHERE status = 'in_force'",
        "UPDATE quality_procedureversion SET status = 'draft' WHERE status = 'in_force'",
        "UPDATE quality_procedureversion SET change_note = 'x' WHERE status = 'superseded'",
        "UPDATE quality_procedureversion SET status = 'in_force' WHERE status = 'superseded'",
        "DELETE FROM quality_procedureversion WHERE status = 'superseded'",
    ],
)
def test_raw_sql_cannot_change_a_version_in_force_or_superseded(procedure, personas, sql):
    _in_force(procedure, personas)
    draft = procedures.new_draft(actor=personas["rh"], procedure=procedure, change_note="Révision")
    _in_force(procedure, personas, draft)
    with pytest.raises(IntegrityError, match="procédure"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_a_draft_is_not_frozen_and_the_triggers_are_installed(procedure):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE quality_procedureversion SET body = 'Brouillon repris' WHERE status = 'draft'")
    assert procedure.versions.get().body == "Brouillon repris"
    assert triggers.PROCEDURE_TRIGGERS.installed(connection) == triggers.PROCEDURE_TRIGGERS.expected(connection)


def test_truncate_is_refused_on_postgresql(procedure, personas):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    _in_force(procedure, personas)
    with pytest.raises(DatabaseError, match="procédure"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE quality_procedureversion CASCADE")


def test_list_filters_and_exports(procedure, personas, client_as):
    _in_force(procedure, personas)
    procedures.create_procedure(actor=personas["rh"], code="IT-01", title="Diable", kind="instruction",
                                owner=personas["rh"], approver_role="rh", body="À deux.")  # fmt: skip
    client = client_as("salarie")
    page = client.get(reverse("quality:procedure-list"), {"etat": "a_lire"}).content.decode()
    assert "PR-REC-01" in page and "IT-01" not in page
    page = client.get(reverse("quality:procedure-list"), {"etat": "en_preparation"}).content.decode()
    assert "IT-01" in page and "PR-REC-01" not in page
    csv = client.get(reverse("quality:procedure-export", args=["csv"]), {"tri": "-code"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig") if csv.streaming else csv.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Code;Intitulé;Type") and lines[1].startswith("PR-REC-01;") and "IT-01" in lines[2]


def test_creating_a_procedure_with_a_taken_code_is_refused_in_french(procedure, client_as, personas):
    client = client_as("rh")
    response = client.post(reverse("quality:procedure-create"), {
        "code": "PR-REC-01", "title": "Doublon", "kind": "procedure", "owner": personas["rh"].pk,
        "approver_role": "direction", "body": "Texte",
    })  # fmt: skip
    assert response.status_code == 200 and "déjà le code « PR-REC-01 »" in response.content.decode()
