"""Sending a sales document by e-mail, with its PDF attached (SMTP set in settings: PILOTE_SMTP_*)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from pilote.core.exceptions import DomainError


def send_document(*, to: str, subject: str, body: str, filename: str, pdf: bytes, reply_to: str = "") -> None:
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach(filename, pdf, "application/pdf")
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise DomainError(
            f"L'e-mail n'a pas pu être envoyé ({exc.__class__.__name__}) : vérifiez le serveur SMTP."
        ) from exc
