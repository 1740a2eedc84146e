"""HR files are for rh and direction; everyone else employed sees their own file only."""

import pytest
from django.urls import reverse

from pilote.hr.models import Employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_files(hire, personas):
    mine = hire(user=personas["salarie"])
    other = hire(last_name="Martin", first_names="Paul", sex="M", nir="")
    return mine, other


@pytest.mark.parametrize("role", ["comptable", "commercial", "assistant", "salarie", "auditeur"])
def test_only_hr_roles_open_files_and_the_register(role, client_as, two_files):
    client = client_as(role)
    for url in (
        reverse("hr:employee-list"),
        reverse("hr:employee-detail", args=[two_files[1].pk]),
        reverse("hr:register"),
        reverse("hr:register-export", args=["csv"]),
        reverse("hr:employee-export", args=["csv"]),
    ):
        assert client.get(url).status_code == 403, (role, url)


def test_the_employee_sees_their_own_file_and_nobody_elses(client_as, two_files):
    mine, other = two_files
    page = client_as("salarie").get(reverse("hr:me")).content.decode()
    assert "2 95 10 99 126 111 93" in page and "Alice Marie" in page and "Paul" not in page


def test_an_account_without_a_file_is_told_so(client_as, two_files):
    assert "Aucun dossier" in client_as("commercial").get(reverse("hr:me")).content.decode()
    assert client_as("auditeur").get(reverse("hr:me")).status_code == 403


def test_hr_creates_a_file_from_the_form_and_bad_input_writes_nothing(client_as):
    client = client_as("rh")
    data = {
        "last_name": "Leroy", "first_names": "Nina", "sex": "F", "birth_date": "1995-10-14",
        "nationality": "Française", "nir": "295109912611194", "job": "Commerciale", "cse_category": "ouvrier_employe",
        "establishment": "Siège", "contract_type": "cdi", "weekly_hours": "35", "entry_date": "2026-01-05",
    }  # fmt: skip
    response = client.post(reverse("hr:employee-create"), data)
    assert response.status_code == 200 and "clé de contrôle" in response.content.decode()
    assert not Employee.objects.exists()
    response = client.post(reverse("hr:employee-create"), data | {"nir": "2 95 10 99 126 111 93"})
    employee = Employee.objects.get()
    assert response.status_code == 302 and employee.nir == "295109912611193" and employee.register.count() == 1
    edit = data | {"nir": "295109912611193", "job": "Responsable", "version": employee.version}
    response = client.post(reverse("hr:employee-edit", args=[employee.pk]), edit)
    assert "motif" in response.content.decode() and employee.register.count() == 1
    response = client.post(reverse("hr:employee-edit", args=[employee.pk]), edit | {"reason": "Promotion"})
    assert response.status_code == 302 and employee.register.count() == 2
