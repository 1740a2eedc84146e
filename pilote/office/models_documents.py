"""The document store (issue 15 point 4): a classification plan of folders, documents with their versions
(files kept outside the public media folder), metadata, confidentiality and retention.

Who sees a document is decided in one place, `queries.documents.visible_documents`, used by the list, the
search, the download and the API."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename

from pilote.core.roles import Role
from pilote.office.retention import TYPE_CHOICES
from pilote.office.storage import document_storage

USER = settings.AUTH_USER_MODEL


class Folder(models.Model):
    """A folder of the classification plan (« 1. Administration », « 2. Comptabilité et fiscalité »…), possibly
    inside another; its domain is the plan's first level."""

    name = models.CharField("nom", max_length=120)
    parent = models.ForeignKey(
        "self", verbose_name="dossier parent", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField("cote", max_length=20, blank=True, help_text="Cote du plan de classement (« 2.1 »).")
    description = models.CharField("description", max_length=300, blank=True)

    class Meta:
        verbose_name = "dossier"
        verbose_name_plural = "dossiers"
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="office_folder_unique_name",
                violation_error_message="Ce dossier existe déjà à cet endroit du plan.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="office_folder_not_own_parent",
                violation_error_message="Un dossier ne peut pas être son propre parent.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Tag(models.Model):
    name = models.CharField("étiquette", max_length=60, unique=True)

    class Meta:
        verbose_name = "étiquette"
        verbose_name_plural = "étiquettes"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Confidentiality(models.TextChoices):
    PUBLIC = "public", "Tout le personnel"
    RESTRICTED = "restricted", "Réservé à des rôles"
    PERSONAL = "personal", "Personnel (son propriétaire seul)"


class Document(models.Model):
    """A filed document: its current text and metadata; the files are its versions."""

    title = models.CharField("titre", max_length=200)
    folder = models.ForeignKey(Folder, verbose_name="dossier", on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField("type de document", max_length=16, choices=TYPE_CHOICES, default="other")
    description = models.TextField("description", blank=True)
    author = models.CharField("auteur", max_length=200, blank=True, help_text="Qui l'a écrit ou émis.")
    document_date = models.DateField("date du document")
    end_on = models.DateField(
        "fin ou départ", null=True, blank=True,
        help_text="Fin du contrat ou départ du salarié : le délai de conservation en part pour ces types.",
    )  # fmt: skip
    confidentiality = models.CharField(
        "confidentialité", max_length=12, choices=Confidentiality.choices, default=Confidentiality.PUBLIC
    )
    roles = models.CharField(
        "rôles autorisés", max_length=200, blank=True, help_text="Pour un document réservé : les rôles qui le lisent."
    )
    owner = models.ForeignKey(USER, verbose_name="propriétaire", on_delete=models.PROTECT, related_name="+")
    tags = models.ManyToManyField(Tag, verbose_name="étiquettes", blank=True, related_name="documents")
    retention_until = models.DateField("conserver jusqu'au", null=True, blank=True)
    legal_hold = models.BooleanField("gel juridique", default=False)
    hold_reason = models.CharField("motif du gel", max_length=200, blank=True)
    size = models.PositiveBigIntegerField("taille (octets)", default=0, help_text="Toutes versions comprises.")
    search_text = models.TextField("texte", blank=True, editable=False)
    created_at = models.DateTimeField("classé le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("modifié le", default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documents"
        ordering = ["-document_date", "-id"]
        indexes = [
            models.Index(fields=["confidentiality", "owner"], name="office_doc_access_idx"),
            models.Index(fields=["retention_until"], name="office_doc_retention_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidentiality__in=[c.value for c in Confidentiality]),
                name="office_document_confidentiality_valid",
                violation_error_message="Ce niveau de confidentialité n'existe pas.",
            ),
            models.CheckConstraint(
                condition=~Q(confidentiality="restricted") | ~Q(roles=""), name="office_document_restricted_roles",
                violation_error_message="Un document réservé nomme au moins un rôle.",
            ),
            models.CheckConstraint(
                condition=Q(legal_hold=False) | ~Q(hold_reason=""), name="office_document_hold_reason",
                violation_error_message="Un gel juridique a son motif.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    @property
    def role_list(self) -> list[str]:
        return [role for role in self.roles.split(",") if role]

    @property
    def role_labels(self) -> str:
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(role, role)) for role in self.role_list)


def version_upload_to(instance, filename: str) -> str:
    # A random prefix: two uploads of « contrat.pdf » never collide and names are not guessable.
    safe = get_valid_filename(Path(filename).name)[:120] or "document"
    return f"documents/{instance.document_id}/{uuid.uuid4().hex[:12]}-{safe}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, verbose_name="document", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    file = models.FileField("fichier", storage=document_storage, upload_to=version_upload_to, max_length=300)
    original_name = models.CharField("nom du fichier", max_length=200)
    extension = models.CharField("format", max_length=10)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    note = models.CharField("note de version", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(USER, verbose_name="déposée par", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("déposée le", default=timezone.now)

    class Meta:
        verbose_name = "version de document"
        verbose_name_plural = "versions de documents"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="office_docversion_unique_number",
                violation_error_message="Cette version du document existe déjà.",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.number})"
