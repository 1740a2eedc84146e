"""GPEC: gaps against the job's levels, skills held by one person, legal retirement ages of the 2023 schedule,
departures ahead on the matrix page; only rh and direction see it."""

import datetime as dt

import pytest
from django.urls import reverse

from pilote.hr import gpec

d = dt.date


def test_gaps_holders_and_one_person_deep():
    requirements = {("Technicien", 1): 3, ("Technicien", 2): 2, ("Magasinier", 3): 2}
    people = [(10, "Technicien"), (11, "Technicien"), (12, "Magasinier")]
    levels = {(10, 1): 4, (10, 2): 2, (11, 1): 2, (11, 2): 3, (12, 3): 1}
    assert [(g.employee_id, g.skill_id, g.missing) for g in gpec.gaps(requirements, people, levels)] == [
        (11, 1, 1), (12, 3, 1)]  # fmt: skip
    held = gpec.holders(requirements, people, levels)
    assert held[("Technicien", 2)] == [10, 11]
    assert gpec.one_person_deep(held) == [("Magasinier", 3, []), ("Technicien", 1, [10])]


def test_legal_retirement_age_by_generation():
    assert gpec.retirement_months(d(1961, 8, 31)) == 62 * 12
    assert gpec.retirement_months(d(1961, 9, 1)) == 62 * 12 + 3
    assert gpec.retirement_months(d(1963, 5, 1)) == 62 * 12 + 9
    assert gpec.retirement_months(d(1968, 1, 1)) == gpec.retirement_months(d(1990, 1, 1)) == 64 * 12
    assert gpec.retirement_date(d(1964, 3, 10)) == d(2027, 3, 10)  # 63 years


@pytest.mark.django_db
def test_the_matrix_page_and_the_assessment(hire, personas, client_as):
    from pilote.hr.services import skills as services

    rh = personas["rh"]
    thomas = hire(last_name="Girard", first_names="Thomas", sex="M", nir="", job="Technicien")
    marc = hire(last_name="Lefebvre", first_names="Marc", sex="M", nir="", job="Technicien",
                birth_date=d(1962, 6, 18))  # fmt: skip
    skill = services.create_skill(actor=rh, name="Diagnostic copieurs", family="Maintenance")
    services.require_skill(actor=rh, job="Technicien", skill=skill, level=3)
    client = client_as("rh")
    client.post(reverse("hr:employee-skills", args=[marc.pk]), {f"skill-{skill.pk}": "4"})
    client.post(reverse("hr:employee-skills", args=[thomas.pk]), {f"skill-{skill.pk}": "9"})  # refused
    assert not thomas.skills.exists() and marc.skills.get().level == 4
    page = client.get(reverse("hr:skills")).content.decode()
    assert "Diagnostic copieurs" in page and "Marc Lefebvre" in page and "retraite" in page
    assert "0 (3)" in page  # Thomas below the level required
    for role in ("salarie", "comptable", "commercial"):
        assert client_as(role).get(reverse("hr:skills")).status_code == 403
