"""GDPR over the API, as on the pages: a contact's and an employee's data exported as the pages' ZIP (logged), the
anonymisation refused in French while a keeping period runs (nothing changed) or without the typed confirmation,
done otherwise (the audit trail's snapshots blanked, the act logged); only direction for a contact, rh and direction
for an employee."""

import io
import json
import zipfile

import pytest

from pilote.contacts.models import Contact
from pilote.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_contacts_data_exported_then_anonymised(call):
    person = {"kind": "person", "name": "Lemoine", "first_name": "Clara", "email": "clara@example.fr",
              "is_prospect": True}  # fmt: skip
    answer = call("direction", "post", "/api/v1/contacts", person)
    assert answer.status_code == 201, answer.content
    contact = Contact.objects.get(pk=answer.json()["id"])

    archive = call("direction", "get", f"/api/v1/contacts/{contact.pk}/donnees-personnelles")
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    assert "donnees-personnelles-" in archive["Content-Disposition"]
    document = json.loads(zipfile.ZipFile(io.BytesIO(archive.content)).read("donnees.json"))
    assert "clara@example.fr" in json.dumps(document, ensure_ascii=False)
    assert AuditEvent.objects.filter(action="core.personal_data.exported", object_id=str(contact.pk)).exists()

    for role in ("comptable", "commercial", "rh"):
        assert call(role, "post", f"/api/v1/contacts/{contact.pk}/anonymisation",
                    {"confirmation": "ANONYMISER"}).status_code == 403  # fmt: skip
    unconfirmed = call("direction", "post", f"/api/v1/contacts/{contact.pk}/anonymisation", {"confirmation": "oui"})
    assert unconfirmed.status_code == 422
    assert "Tapez ANONYMISER" in json.dumps(unconfirmed.json(), ensure_ascii=False)
    contact.refresh_from_db()
    assert contact.email == "clara@example.fr"  # nothing written

    done = call("direction", "post", f"/api/v1/contacts/{contact.pk}/anonymisation", {"confirmation": " anonymiser "})
    assert done.status_code == 200 and "anonymisé" in done.json()["detail"]
    contact.refresh_from_db()
    assert "clara" not in (contact.email + contact.first_name + contact.name).lower()
    assert AuditEvent.objects.filter(action="core.personal_data.anonymised", object_id=str(contact.pk)).exists()
    created = AuditEvent.objects.get(action="contacts.contact.created", object_id=str(contact.pk))
    assert "clara@example.fr" not in json.dumps(created.after, ensure_ascii=False)


def test_an_employee_on_the_staff_is_kept_and_only_hr_roles_reach_the_file(call, personas):
    import datetime as dt

    from pilote.hr.services import employees

    employee = employees.hire_employee(actor=personas["rh"], last_name="Durand", first_names="Léa", sex="F",
                                       birth_date=dt.date(1990, 1, 1), job="Comptable", entry_date=dt.date(2024, 3, 1),
                                       recorded_on=dt.date(2024, 3, 1))  # fmt: skip
    for role in ("comptable", "commercial", "salarie"):
        assert call(role, "get", f"/api/v1/salaries/{employee.pk}/donnees-personnelles").status_code == 403
    archive = call("rh", "get", f"/api/v1/salaries/{employee.pk}/donnees-personnelles")
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    sections = json.loads(zipfile.ZipFile(io.BytesIO(archive.content)).read("donnees.json"))["sections"]
    assert sections[0]["titre"] == "Dossier salarié"
    kept = call("rh", "post", f"/api/v1/salaries/{employee.pk}/anonymisation", {"confirmation": "ANONYMISER"})
    assert kept.status_code == 409
    assert kept.json()["detail"].startswith("Anonymisation impossible pour l'instant : le salarié fait toujours partie")
    name = employee.last_name
    employee.refresh_from_db()
    assert employee.last_name == name
