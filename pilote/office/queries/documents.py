"""Reads on the document store. `visible_documents(user)` is the one rule of confidentiality: the list, the
search, the download and the API all start from it. Full-text search (`matching`) runs on SQLite's FTS5 table or
PostgreSQL's French text search behind one function; other apps' documents come through the registry
(`core.registry.register_document_source`)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Q, Sum
from django.db.models.expressions import RawSQL

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.core.registry import document_sources_for
from pilote.core.uploads import MB
from pilote.office.models import Confidentiality, Document, DocumentVersion
from pilote.office.queries.bookings import person
from pilote.office.retention import RULES

SORTS = {
    "date": ["document_date", "id"],
    "titre": [french("title"), "id"],
    "type": ["doc_type", "title"],
    "conservation": ["retention_until", "id"],
    "taille": ["size", "id"],
}
DEFAULT_SORT = "-date"
DEFAULT_QUOTA = 2048 * MB
_WORDS = re.compile(r"\w+", re.UNICODE)


def visible_documents(user):
    """The documents `user` may see: every public one, the restricted ones naming the user's role, and the ones
    the user owns (personal documents are their owner's only). Nothing without `office.documents.view`."""
    if not getattr(user, "is_authenticated", False) or not user.can("office.documents.view"):
        return Document.objects.none()
    return Document.objects.filter(
        Q(confidentiality=Confidentiality.PUBLIC)
        | Q(owner=user)
        | Q(confidentiality=Confidentiality.RESTRICTED, roles__contains=f",{user.role},")
    )


def words(text: str) -> list[str]:
    return _WORDS.findall(text or "")[:12]


def matching(documents, text: str):
    """The documents whose title or text match every word of `text` (each word also as a prefix, accents
    folded), plus those whose title contains `text` as typed."""
    terms = words(text)
    if not terms:
        return documents
    if connection.vendor == "postgresql":
        # The expression of the GIN index of migration 0003; each word also matches as a prefix.
        found = RawSQL(
            "to_tsvector('french'::regconfig, office_unaccent(office_document.title || ' ' || "
            "office_document.search_text)) @@ to_tsquery('french'::regconfig, office_unaccent(%s))",
            [" & ".join(f"{term}:*" for term in terms)],
            output_field=BooleanField(),
        )
        return documents.alias(found=found).filter(Q(found=True) | Q(title__icontains=text.strip()))
    query = " ".join('"' + term.replace('"', "") + '"*' for term in terms)
    ids = RawSQL("SELECT rowid FROM office_document_fts WHERE office_document_fts MATCH %s", [query])
    return documents.filter(Q(pk__in=ids) | Q(title__icontains=text.strip()))


def search_documents(user, text: str):
    return matching(visible_documents(user), text)


def filter_documents(data: dict, user, today):
    documents = visible_documents(user)
    if folder := data.get("dossier"):
        documents = documents.filter(Q(folder=folder) | Q(folder__parent=folder))
    if data.get("type") in RULES:
        documents = documents.filter(doc_type=data["type"])
    if data.get("confidentialite") in Confidentiality.values:
        documents = documents.filter(confidentiality=data["confidentialite"])
    if tag := data.get("etiquette"):
        documents = documents.filter(tags=tag)
    if data.get("conservation") == "echue":
        documents = documents.filter(retention_until__lt=today, legal_hold=False)
    elif data.get("conservation") == "gel":
        documents = documents.filter(legal_hold=True)
    return matching(documents, data.get("q") or "")


def with_relations(documents):
    return documents.select_related("folder", "owner").prefetch_related("tags")


def purge_candidates(user, today):
    """Past their retention date and not under a legal hold: proposed for purging, oldest first."""
    documents = visible_documents(user).filter(retention_until__lt=today, legal_hold=False)
    return with_relations(documents).order_by("retention_until", "id")


def other_documents(user, text: str, limit: int = 10) -> list[tuple[str, list]]:
    """[(source label, hits)] from the other apps' documents the user may open."""
    if not words(text):
        return []
    results = []
    for source in document_sources_for(user):
        hits = source.search(user, text.strip(), limit)
        if hits:
            results.append((source.label, hits))
    return results


def quota() -> tuple[int, int]:
    """(bytes used by every version, the structure's quota: PILOTE_DOCUMENTS_QUOTA_BYTES, default 2 Go)."""
    used = DocumentVersion.objects.aggregate(total=Sum("size"))["total"] or 0
    return used, int(getattr(settings, "PILOTE_DOCUMENTS_QUOTA_BYTES", 0) or DEFAULT_QUOTA)


EXPORT_COLUMNS = [
    Column("Titre", lambda d: d.title),
    Column("Dossier", lambda d: str(d.folder)),
    Column("Type", lambda d: d.get_doc_type_display()),
    Column("Date", lambda d: d.document_date),
    Column("Auteur", lambda d: d.author),
    Column("Confidentialité", lambda d: d.get_confidentiality_display()),
    Column("Rôles autorisés", lambda d: d.role_labels),
    Column("Propriétaire", lambda d: person(d.owner)),
    Column("Étiquettes", lambda d: ", ".join(t.name for t in d.tags.all())),
    Column("Conserver jusqu'au", lambda d: d.retention_until),
    Column("Gel juridique", lambda d: "oui" if d.legal_hold else "non"),
    Column("Taille (octets)", lambda d: d.size),
]


def export_rows(documents):
    return with_relations(documents)


def folder_counts(user):
    from django.db.models import Count

    return visible_documents(user).values("folder").annotate(n=Count("id")).order_by()


def document_initial(document) -> dict:
    """What a document's card form (its page's edit form, the API's change) starts from."""
    return {
        "title": document.title, "folder": document.folder_id, "doc_type": document.doc_type,
        "document_date": document.document_date, "end_on": document.end_on, "author": document.author,
        "description": document.description, "confidentiality": document.confidentiality,
        "roles": document.role_list, "tags": ", ".join(document.tags.values_list("name", flat=True)),
        "version": document.version,
    }  # fmt: skip
