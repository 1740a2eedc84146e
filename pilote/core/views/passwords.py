"""Forgotten password: Django's own reset views (signed one-time link, valid PASSWORD_RESET_TIMEOUT), in
French, throttled, and ending through core.services.set_user_password (audit, API tokens revoked).

The request page answers the same whether the address is known or not (no way to learn who has an
account), and counts requests per address and per IP (core.throttle) so it cannot be used to flood a
mailbox or to probe addresses in bulk.
"""

from __future__ import annotations

from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from pilote.core import audit, services, throttle
from pilote.core.access import public

PER_ADDRESS = throttle.Limit("password_reset.email", count=3, window=timedelta(hours=1))
PER_IP = throttle.Limit("password_reset.ip", count=10, window=timedelta(hours=1))
TOO_MANY = (
    "Trop de demandes de réinitialisation ont été faites en peu de temps. Patientez une heure avant de "
    "recommencer, ou demandez à la direction de changer votre mot de passe."
)


def timeout_text() -> str:
    """How long a reset link lasts, in words (« 2 heures »)."""
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    return f"{hours} heure{'s' if hours > 1 else ''}"


class ResetRequestForm(auth_forms.PasswordResetForm):
    email = auth_forms.forms.EmailField(
        label="Votre adresse e-mail",
        max_length=254,
        widget=auth_forms.forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        super().send_mail(subject_template_name, email_template_name, context, from_email, to_email, **kwargs)
        audit.record(None, "core.user.password_reset_requested", context["user"])


class NewPasswordForm(auth_forms.SetPasswordForm):
    """Django's form (two typed passwords, the validators) saved through the service."""

    def save(self, commit=True):
        services.set_user_password(
            actor=self.user, user=self.user, password=self.cleaned_data["new_password1"], by_email_link=True
        )
        # Whoever proved they own the mailbox may sign in at once, even after too many failures (django-axes).
        axes_reset(username=self.user.get_username())
        return self.user


class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("core:password-reset-sent")

    @property
    def extra_email_context(self):
        return {"timeout_text": timeout_text()}

    def form_valid(self, form):
        # Both counts move on each request, known address or not: the answer never tells them apart.
        ip_allowed = throttle.allow(PER_IP, throttle.client_ip(self.request))
        address_allowed = ip_allowed and throttle.allow(PER_ADDRESS, form.cleaned_data["email"])
        if not address_allowed:
            form.add_error(None, TOO_MANY)
            return self.form_invalid(form)
        return super().form_valid(form)


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("core:password-reset-complete")
    post_reset_login = False  # signing in again checks the new password and goes through django-axes


reset_request = public(ResetRequestView.as_view())
reset_sent = public(
    auth_views.PasswordResetDoneView.as_view(
        template_name="registration/password_reset_done.html", extra_context={"timeout_text": timeout_text}
    )
)
reset_confirm = public(ResetConfirmView.as_view())
reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html")
)
