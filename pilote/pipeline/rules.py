"""Row rules shared by the forms and the services of the pipeline app."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone

from pilote.core import uploads

ALLOWED_EXTENSIONS = {
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".xls", ".xlsx", ".ods", ".csv", ".ppt", ".pptx",
    ".odp", ".zip", ".png", ".jpg", ".jpeg", ".xml", ".dwg", ".dxf",
}  # fmt: skip
# Leading bytes of programs (Windows PE, ELF, Mach-O, scripts): refused whatever the file is called.
EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")


def clean_tender(tender) -> None:
    errors = {}
    questions, submission = tender.questions_deadline, tender.submission_deadline
    if questions and submission and questions > submission:
        errors["questions_deadline"] = "La date limite des questions doit précéder la remise des offres."
    if tender.published_on and submission and timezone.localdate(submission) < tender.published_on:
        errors["submission_deadline"] = "La remise des offres ne peut pas précéder la publication."
    if tender.status in ("deposee", "gagnee", "perdue") and tender.offer_amount is None:
        errors["offer_amount"] = "Indiquez le montant de l'offre déposée."
    if errors:
        raise ValidationError(errors)


def check_upload(uploaded) -> None:
    """Refuse files over the tender documents' limit (core.uploads) and programs (by extension and content)."""
    name = uploaded.name or ""
    uploads.check_size(uploaded, "tender")
    if uploaded.size == 0:
        raise ValidationError("Ce fichier est vide.")
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(sorted(ext.lstrip(".") for ext in ALLOWED_EXTENSIONS))
        raise ValidationError(f"Type de fichier refusé ({extension or 'sans extension'}). Acceptés : {allowed}.")
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(position)
    if head.startswith(EXECUTABLE_SIGNATURES):
        raise ValidationError("Ce fichier est un programme exécutable : il est refusé.")
