"""Checks shared by the optimistic-concurrency tests: a stale version refused on an edit page (the French
ConcurrentEditError message, the input kept) and through an API PATCH (409); the current one accepted."""

from pilote.core import services

STALE = "a été modifié(e) par quelqu'un d'autre pendant votre saisie"


def bearer(user) -> dict:
    _, key = services.create_api_token(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def refused_on_the_page(client, url, data: dict, meanwhile, kept: str) -> None:
    """The form opened (its hidden version read), `meanwhile()` saves the record, the form sent: refused in French
    with the input `kept` shown; then sent again with the current version: saved."""
    page = client.get(url)
    version = page.context["form"]["version"].value()
    assert f'name="version" value="{version}"' in page.content.decode()
    meanwhile()
    response = client.post(url, data | {"version": version})
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200 and STALE in html and f'value="{kept}"' in html
    assert client.post(url, data | {"version": version + 1}).status_code == 302


def refused_over_the_api(client, auth: dict, path: str, first: dict, second: dict) -> None:
    """The record read at version 1, `first` saved with it (version 2), `second` sent with the stale 1: 409."""
    assert client.get(path, **auth).json()["version"] == 1
    ok = client.patch(path, first | {"version": 1}, content_type="application/json", **auth)
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(path, second | {"version": 1}, content_type="application/json", **auth)
    assert stale.status_code == 409 and "quelqu'un d'autre" in stale.json()["detail"]
