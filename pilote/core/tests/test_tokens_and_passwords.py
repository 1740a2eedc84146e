"""API tokens expire, are revoked with the password, show their last use (written at most once an hour);
a password change, a reset by direction or a reset by e-mail closes the user's other sessions; the e-mail
reset is Django's own flow, in French, without user enumeration, throttled per address and per IP."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pilote.core import services, tokens
from pilote.core.exceptions import DomainError
from pilote.core.models import ApiToken, AuditEvent, RateLimitHit

NEW_PASSWORD = "Cheval-Batterie-Agrafe-26"


def _api(key):
    return Client().get("/api/v1/contacts", HTTP_AUTHORIZATION=f"Bearer {key}").status_code


def _signed_in(role):
    """A separate browser (its own session) signed in with the persona's password."""
    browser = Client()
    assert browser.post(reverse("login"), {"username": role, "password": "demo"}).status_code == 302
    assert browser.get(reverse("core:home")).status_code == 200
    return browser


def _days(token) -> int:
    return round((token.expires_at - token.created_at).total_seconds() / 86400)


def _still_signed_in(browser) -> bool:
    return browser.get(reverse("core:home")).status_code == 200


# Tokens: expiry, last use -------------------------------------------------------------------------------


def test_a_token_expires_after_the_chosen_lifetime(personas):
    token, key = services.create_api_token(actor=personas["direction"], name="Tableur", days=30)
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert _api(key) == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _api(key) == 401
    token.refresh_from_db()
    assert token.is_expired and not token.is_active


def test_default_lifetime_and_no_token_for_ever(personas):
    token, _ = services.create_api_token(actor=personas["direction"], name="Défaut")
    assert _days(token) == tokens.DEFAULT_DAYS == 90
    assert max(tokens.LIFETIMES) == 365
    for days in (0, 366, 10_000):
        with pytest.raises(DomainError, match="durée de validité"):
            services.create_api_token(actor=personas["direction"], name="Éternel", days=days)


def test_the_profile_offers_lifetimes_and_refuses_others(client_as, personas):
    client = client_as("comptable")
    page = client.get(reverse("core:profile")).content.decode()
    assert 'name="duree"' in page and '<option value="90" selected>90 jours</option>' in page
    client.post(reverse("core:token-create"), {"name": "Un an", "duree": "365"})
    token = ApiToken.objects.get(user=personas["comptable"])
    assert _days(token) == 365
    response = client.post(reverse("core:token-create"), {"name": "Toujours", "duree": "99999999"}, follow=True)
    assert "Choisissez une durée de validité" in response.content.decode()
    assert ApiToken.objects.filter(user=personas["comptable"]).count() == 1
    page = client.get(reverse("core:profile")).content.decode()
    assert "jamais utilisé" in page and f"expire le {timezone.localtime(token.expires_at):%d/%m/%Y}" in page


def test_last_use_is_written_at_most_once_an_hour(personas, django_assert_num_queries):
    token, key = services.create_api_token(actor=personas["commercial"], name="CRM")
    with django_assert_num_queries(2):  # read the token, mark its first use
        assert tokens.user_for_key(key) == personas["commercial"]
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    for _ in range(3):
        with django_assert_num_queries(1):  # read only: no write per request
            tokens.user_for_key(key)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=61))
    with django_assert_num_queries(2):
        tokens.user_for_key(key)
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_the_profile_shows_last_use_by_day(client_as, personas):
    token, key = services.create_api_token(actor=personas["rh"], name="Paie")
    assert _api(key) == 200
    page = client_as("rh").get(reverse("core:profile")).content.decode()
    used = timezone.localtime(ApiToken.objects.get(pk=token.pk).last_used_at)
    assert f"dernière utilisation le {used:%d/%m/%Y}" in page
    assert f"{used:%H:%M}" not in page.split("dernière utilisation")[1][:40]  # the day, not the minute


# A new password revokes tokens and sessions -------------------------------------------------------------


def test_changing_ones_password_revokes_tokens_and_other_sessions(client, personas):
    _, key = services.create_api_token(actor=personas["comptable"], name="Tableur")
    other_browser = _signed_in("comptable")
    client.force_login(personas["comptable"])
    response = client.post(
        reverse("core:profile"),
        {"old_password": "demo", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _api(key) == 401
    assert _still_signed_in(client)  # the session that changed it stays open
    assert not _still_signed_in(other_browser)
    token = ApiToken.objects.get(user=personas["comptable"])
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="core.api_token.revoked_with_password", object_id=str(token.pk)).exists()


def test_a_reset_by_direction_revokes_tokens_and_sessions(client_as, personas):
    _, key = services.create_api_token(actor=personas["salarie"], name="Badge")
    employee = _signed_in("salarie")
    admin = client_as("direction")
    response = admin.post(reverse("core:user-password", args=[personas["salarie"].pk]), {"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert _api(key) == 401
    assert not _still_signed_in(employee)
    assert _still_signed_in(admin)


# Password reset by e-mail -------------------------------------------------------------------------------


@pytest.fixture
def with_email(personas):
    user = personas["commercial"]
    user.email = "camille@atelier.fr"
    user.save(update_fields=["email"])
    return user


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/reinitialisation/\S+/)", message.body).group(1)


def test_the_login_page_links_to_the_reset(client, structure):
    page = client.get(reverse("login")).content.decode()
    assert reverse("core:password-reset") in page and "Mot de passe oublié" in page


def test_reset_by_email_sets_the_password_and_revokes_the_rest(client, with_email):
    _, key = services.create_api_token(actor=with_email, name="CRM")
    old_session = _signed_in("commercial")
    response = client.post(reverse("core:password-reset"), {"email": "Camille@Atelier.fr"})
    assert response.status_code == 302 and response.url == reverse("core:password-reset-sent")
    assert "Vérifiez votre messagerie" in client.get(response.url).content.decode()
    [message] = mail.outbox
    assert message.to == ["camille@atelier.fr"]
    assert message.subject == "Pilote : réinitialisation de votre mot de passe"
    assert "Bonjour" in message.body and "expire après 2 heures" in message.body
    link = _link(message)
    form_page = client.get(link, follow=True)
    assert "Choisissez un nouveau mot de passe" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("core:password-reset-complete")
    with_email.refresh_from_db()
    assert with_email.check_password(NEW_PASSWORD)
    assert _api(key) == 401
    assert not _still_signed_in(old_session)
    assert AuditEvent.objects.filter(action="core.user.password_reset", object_id=str(with_email.pk)).exists()
    assert AuditEvent.objects.filter(action="core.user.password_reset_requested").count() == 1
    # The link works once.
    assert "Lien invalide" in client.get(link, follow=True).content.decode()


def test_a_reset_lifts_the_login_lockout(client, with_email, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "commercial", "password": "faux"})
    locked = client.post(reverse("login"), {"username": "commercial", "password": "demo"})
    assert "Connexion temporairement bloquée" in locked.content.decode()
    client.post(reverse("core:password-reset"), {"email": with_email.email})
    form_page = client.get(_link(mail.outbox[0]), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post(reverse("login"), {"username": "commercial", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("core:home")


def test_a_weak_new_password_is_refused_in_french(client, with_email):
    client.post(reverse("core:password-reset"), {"email": with_email.email})
    form_page = client.get(_link(mail.outbox[0]), follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": "1234", "new_password2": "1234"})
    assert response.status_code == 200 and "trop court" in response.content.decode()
    with_email.refresh_from_db()
    assert with_email.check_password("demo")


def test_the_answer_does_not_tell_whether_an_address_has_an_account(client, with_email, personas):
    known = client.post(reverse("core:password-reset"), {"email": with_email.email})
    unknown = client.post(reverse("core:password-reset"), {"email": "personne@ailleurs.fr"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1
    with_email.is_active = False
    with_email.save(update_fields=["is_active"])
    inactive = client.post(reverse("core:password-reset"), {"email": with_email.email})
    assert (inactive.status_code, inactive.url) == (known.status_code, known.url) and len(mail.outbox) == 1


def test_requests_are_throttled_per_address(client, with_email):
    for _ in range(3):
        assert client.post(reverse("core:password-reset"), {"email": with_email.email}).status_code == 302
    refused = client.post(reverse("core:password-reset"), {"email": with_email.email})
    assert refused.status_code == 200 and "Trop de demandes de réinitialisation" in refused.content.decode()
    assert len(mail.outbox) == 3
    # Unknown addresses are counted the same way: the refusal tells nothing either.
    for _ in range(3):
        client.post(reverse("core:password-reset"), {"email": "inconnu@ailleurs.fr"})
    assert (
        "Trop de demandes"
        in client.post(reverse("core:password-reset"), {"email": "inconnu@ailleurs.fr"}).content.decode()
    )
    # Only digests are kept, never the address.
    assert not RateLimitHit.objects.filter(key__icontains="@").exists()


def test_requests_are_throttled_per_ip(client, with_email):
    for n in range(10):
        assert client.post(reverse("core:password-reset"), {"email": f"a{n}@ailleurs.fr"}).status_code == 302
    refused = client.post(reverse("core:password-reset"), {"email": with_email.email})
    assert "Trop de demandes" in refused.content.decode() and not mail.outbox
    other_ip = Client(REMOTE_ADDR="203.0.113.9")
    assert other_ip.post(reverse("core:password-reset"), {"email": with_email.email}).status_code == 302


def test_the_window_moves_on(client, with_email):
    for _ in range(3):
        client.post(reverse("core:password-reset"), {"email": with_email.email})
    RateLimitHit.objects.update(at=timezone.now() - timedelta(hours=1, seconds=1))
    assert client.post(reverse("core:password-reset"), {"email": with_email.email}).status_code == 302
    assert RateLimitHit.objects.filter(scope="password_reset.email").count() == 1  # old rows are gone
