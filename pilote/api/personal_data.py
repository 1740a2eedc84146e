"""GDPR over the API (issue 18 points 6 and 7): a person's data — a contact (direction) or an employee (rh and
direction), as their pages offer it — exported as the pages' ZIP archive, and anonymised once no law requires
keeping it. The rules (the sources each app registers, the keeping periods refusing in French, the audit trail
blanked, both acts logged) are `core.personal_data`'s; the typed confirmation is the page's."""

from ninja import Field, Router, Schema
from pydantic import field_validator

from pilote.api.base import ObjectId, fetch, guarded
from pilote.core import personal_data
from pilote.lib.dates import local_today

router = Router(tags=["Données personnelles (RGPD)"])

ARCHIVE = {
    "responses": {
        "200": {
            "description": "L'archive ZIP : donnees.json (lisible par une machine) et un CSV par rubrique",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class AnonymiseIn(Schema):
    confirmation: str = Field(..., max_length=20, description=f"« {personal_data.CONFIRMATION} » (définitif)")

    @field_validator("confirmation")
    @classmethod
    def _typed(cls, value: str) -> str:
        if not personal_data.confirmed(value):
            raise ValueError(personal_data.UNCONFIRMED)
        return value


class AnonymisedOut(Schema):
    detail: str


def _archive(request, subject_kind: str, subject, label: str, fallback: str):
    return personal_data.archive_response(request, subject_kind=subject_kind, subject=subject, label=label,
                                          fallback=fallback, actor=request.auth)  # fmt: skip


def _anonymise(request, subject_kind: str, subject, done: str) -> AnonymisedOut:
    """Refused in French (409) while a keeping period runs, every reason given; nothing written then."""
    personal_data.anonymise(actor=request.auth, subject_kind=subject_kind, subject=subject, today=local_today())
    return AnonymisedOut(detail=done)


@guarded(router, "GET", "/contacts/{contact_id}/donnees-personnelles", "core.personal_data", openapi_extra=ARCHIVE)
def contact_archive(request, contact_id: ObjectId):
    from pilote.contacts.models import Contact

    contact = fetch(Contact, contact_id)
    return _archive(request, "contact", contact, contact.display_name, f"contact-{contact.pk}")


@guarded(router, "POST", "/contacts/{contact_id}/anonymisation", "core.personal_data", response=AnonymisedOut)
def anonymise_contact(request, contact_id: ObjectId, payload: AnonymiseIn):
    from pilote.contacts.models import Contact
    from pilote.contacts.personal_data import ANONYMISED_MESSAGE

    return _anonymise(request, "contact", fetch(Contact, contact_id), ANONYMISED_MESSAGE)


@guarded(router, "GET", "/salaries/{employee_id}/donnees-personnelles", "hr.edit", openapi_extra=ARCHIVE)
def employee_archive(request, employee_id: ObjectId):
    from pilote.hr.models import Employee

    employee = fetch(Employee, employee_id)
    return _archive(request, "employee", employee, employee.full_name, f"salarie-{employee.pk}")


@guarded(router, "POST", "/salaries/{employee_id}/anonymisation", "hr.edit", response=AnonymisedOut)
def anonymise_employee(request, employee_id: ObjectId, payload: AnonymiseIn):
    from pilote.hr.models import Employee
    from pilote.hr.personal_data import ANONYMISED_MESSAGE

    return _anonymise(request, "employee", fetch(Employee, employee_id), ANONYMISED_MESSAGE)
