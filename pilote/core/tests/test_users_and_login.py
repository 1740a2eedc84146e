import html

from django.urls import reverse

from pilote.core.models import AuditEvent, User


def test_direction_creates_a_user_with_a_role(client_as):
    client = client_as("direction")
    data = {"username": "marie", "first_name": "Marie", "last_name": "Curie", "email": "m@ex.fr", "role": "comptable"}
    response = client.post(reverse("core:user-create"), {**data, "password": "1234"})
    assert "trop court" in response.content.decode()
    response = client.post(reverse("core:user-create"), {**data, "password": "Radium-Polonium-1898"})
    assert response.status_code == 302
    user = User.objects.get(username="marie")
    assert user.role == "comptable" and user.check_password("Radium-Polonium-1898")
    event = AuditEvent.objects.get(action="core.user.created", object_id=str(user.pk))
    assert "password" not in event.after


def test_direction_cannot_remove_the_last_direction(client_as, personas):
    client = client_as("direction")
    me = personas["direction"]
    data = {
        "username": me.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "job_title": "",
        "role": "comptable",
        "is_active": "on",
    }
    client.post(reverse("core:user-edit", args=[me.pk]), data)
    me.refresh_from_db()
    assert me.role == "direction"


def test_deactivated_user_cannot_sign_in(client_as, client, personas):
    admin = client_as("direction")
    target = personas["commercial"]
    admin.post(
        reverse("core:user-edit", args=[target.pk]),
        {
            "username": "commercial",
            "first_name": "",
            "last_name": "",
            "email": "",
            "job_title": "",
            "role": "commercial",
        },
    )  # is_active unchecked
    target.refresh_from_db()
    assert not target.is_active
    admin.logout()
    response = client.post(reverse("login"), {"username": "commercial", "password": "demo"})
    assert response.status_code == 200 and "incorrect" in response.content.decode()


def test_sign_in_then_out(client, personas):
    response = client.post(reverse("login"), {"username": "comptable", "password": "demo"})
    assert response.status_code == 302
    assert "Comptable" in client.get("/").content.decode()
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_failed_logins_are_throttled(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "comptable", "password": "faux"})
    response = client.post(reverse("login"), {"username": "comptable", "password": "demo"})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in html.unescape(response.content.decode())
    # Another user from the same address is not locked out.
    assert client.post(reverse("login"), {"username": "rh", "password": "demo"}).status_code == 302


def test_user_changes_own_password(client_as, personas):
    client = client_as("salarie")
    response = client.post(
        reverse("core:profile"),
        {"old_password": "demo", "new_password1": "Nouveau-Mot-2026", "new_password2": "Nouveau-Mot-2026"},
    )
    assert response.status_code == 302
    personas["salarie"].refresh_from_db()
    assert personas["salarie"].check_password("Nouveau-Mot-2026")


def test_user_list_filters_and_exports(client_as):
    client = client_as("direction")
    response = client.get(reverse("core:user-list"), {"role": "rh"})
    assert [u.username for u in response.context["page"]] == ["rh"]
    export = client.get(reverse("core:user-list"), {"export": "csv"})
    assert b"".join(export.streaming_content).decode().count("\r\n") == 8


def test_direction_resets_a_password_with_the_validators(client_as, personas):
    client = client_as("direction")
    target = personas["rh"]
    response = client.post(reverse("core:user-password", args=[target.pk]), {"password": "azerty"})
    assert response.status_code == 200 and "trop court" in response.content.decode()
    response = client.post(reverse("core:user-password", args=[target.pk]), {"password": "Paie-Conges-2026"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Paie-Conges-2026")
