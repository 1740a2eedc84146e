"""The small data set's rows for the GDPR operations (a person's data exported, anonymised): a contact nobody kept
anything about (no invoice, no gift, no membership: no keeping period runs, so it may be anonymised), while the
data set's employee still works there (every keeping period runs: the anonymisation is refused, 409)."""

from __future__ import annotations


def rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    from pilote.contacts.models import Contact

    prospect = Contact.objects.create(kind="person", name="Lemoine", first_name="Clara", email="clara@example.fr",
                                      is_prospect=True)  # fmt: skip
    return {"prospect_id": prospect.pk}


BODIES = {
    ("post", "/contacts/{contact_id}/anonymisation"): {"confirmation": "ANONYMISER"},
    ("post", "/salaries/{employee_id}/anonymisation"): {"confirmation": "anonymiser"},
}

IDS = {("post", "/contacts/{contact_id}/anonymisation"): {"contact_id": "prospect_id"}}

# The data set's employee is still on the staff: the roles allowed to anonymise are refused by the keeping periods.
OBJECT_RULES = {("post", "/salaries/{employee_id}/anonymisation"): {"rh": 409, "direction": 409}}

PATHS_REGEX = r"/donnees-personnelles$|/anonymisation$"
