"""The monitoring (veille): RSS/Atom sources relevées every day by a background job (core.jobs, scheduled in
core.schedule — never during a page), their new items kept when they match the source's keywords, then
triaged (à lire, pertinent, non pertinent, archivé), annotated, shared with chosen roles, and turned into a risk
or a non-conformity in one click. A daily digest e-mails direction the items still to read."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from pilote.core import audit, jobs
from pilote.core.exceptions import DomainError
from pilote.core.roles import Role
from pilote.lib.dates import local_today
from pilote.quality import watch
from pilote.quality.models import WatchCategory, WatchItem, WatchSource, WatchStatus

logger = logging.getLogger(__name__)
SHARE_ROLES = (Role.COMPTABLE, Role.COMMERCIAL, Role.RH, Role.ASSISTANT, Role.SALARIE, Role.AUDITEUR)


@transaction.atomic
def create_source(*, actor, name: str, url: str, category: str = WatchCategory.LEGAL, keywords: str = ""):
    name = (name or "").strip()
    if not name:
        raise DomainError("Nommez la source.")
    if category not in WatchCategory.values:
        raise DomainError("Ce thème n'existe pas.")
    try:
        url = watch.check_url(url)
    except watch.FeedError as exc:
        raise DomainError(str(exc)) from exc
    if WatchSource.objects.filter(url=url).exists():
        raise DomainError("Cette adresse de flux est déjà suivie.")
    source = WatchSource.objects.create(name=name[:150], url=url, category=category, keywords=(keywords or "")[:500])
    audit.record(actor, "quality.watch_source.created", source, after={"name": source.name, "url": url})
    return source


@transaction.atomic
def set_active(*, actor, source: WatchSource, active: bool) -> WatchSource:
    source.is_active = active
    source.save(update_fields=["is_active"])
    audit.record(actor, "quality.watch_source.updated", source, after={"is_active": active})
    return source


def fetch_source(source: WatchSource) -> int:
    """Fetch one source and keep its new matching items; a failure is written on the source, never raised."""
    now = timezone.now()
    try:
        entries = watch.parse(watch.fetch(source.url))
    except watch.FeedError as exc:
        WatchSource.objects.filter(pk=source.pk).update(last_fetched_at=now, last_error=str(exc)[:500])
        return 0
    keywords = source.keyword_list()
    known = set(WatchItem.objects.filter(source=source).values_list("guid", flat=True))
    new = []
    for entry in entries:
        found = watch.matches(entry, keywords)
        if entry.guid in known or (keywords and not found):
            continue
        known.add(entry.guid)
        new.append(WatchItem(source=source, guid=entry.guid, title=entry.title, link=entry.link,
                             summary=entry.summary, published_at=entry.published_at or now, matched=found))  # fmt: skip
    with transaction.atomic():
        WatchItem.objects.bulk_create(new, ignore_conflicts=True)
        WatchSource.objects.filter(pk=source.pk).update(last_fetched_at=now, last_error="")
    return len(new)


@jobs.work
def fetch_all(job, progress) -> str:
    """The daily relevé of every active source (the scheduled job), then the digest of what is still to read."""
    sources = list(WatchSource.objects.filter(is_active=True).order_by("pk"))
    added = failed = 0
    for done, source in enumerate(sources, start=1):
        added += fetch_source(source)
        source.refresh_from_db(fields=["last_error"])
        failed += bool(source.last_error)
        progress(done, len(sources))
    sent = send_digest()
    return (f"{len(sources)} source(s) relevée(s), {added} nouvel(s) article(s), {failed} source(s) en erreur ; "
            f"synthèse envoyée à {sent} personne(s).")  # fmt: skip


def start_fetch(*, actor) -> object:
    """« Relever maintenant »: the same work, as a background job the page follows."""
    from pilote.core.models import Job

    job = Job.objects.create(kind="quality.watch", created_by=actor)
    jobs.start(job, fetch_all)
    return job


def send_digest(since: dt.datetime | None = None) -> int:
    """E-mail direction the items to read relevés in the last day (nothing sent when there is none)."""
    from pilote.core.models import User

    since = since or timezone.now() - dt.timedelta(days=1)
    items = list(WatchItem.objects.filter(status=WatchStatus.TO_READ, fetched_at__gte=since)
                 .select_related("source").order_by("source__name", "-published_at")[:100])  # fmt: skip
    if not items:
        return 0
    lines = [f"- [{i.source.name}] {i.title}" + (f"\n  {i.link}" if i.link else "") for i in items]
    body = (f"Bonjour,\n\nLa veille du {local_today():%d/%m/%Y} a relevé {len(items)} article(s) à lire :\n\n"
            + "\n".join(lines) + "\n\nTriez-les dans Pilote, « Risques et qualité › Veille ».\n")  # fmt: skip
    recipients = list(User.objects.filter(is_active=True, role=Role.DIRECTION).exclude(email="")
                      .values_list("email", flat=True))  # fmt: skip
    if recipients:
        EmailMessage(f"Veille : {len(items)} article(s) à lire", body, to=recipients).send()
    return len(recipients)


def _locked(item: WatchItem) -> WatchItem:
    return WatchItem.objects.select_for_update().select_related("source").get(pk=item.pk)


@transaction.atomic
def triage(*, actor, item: WatchItem, status: str, note: str = "", shared_roles=()) -> WatchItem:
    current = _locked(item)
    if status not in WatchStatus.values:
        raise DomainError("Ce tri n'existe pas.")
    roles = sorted(set(shared_roles or []))
    if any(role not in SHARE_ROLES for role in roles):
        raise DomainError("Un des rôles choisis n'existe pas.")
    before = {"status": current.status, "note": current.note, "shared_roles": current.shared_roles}
    current.status, current.note, current.shared_roles = status, (note or "").strip()[:5000], roles
    current.save(update_fields=["status", "note", "shared_roles"])
    after = {"status": status, "note": current.note, "shared_roles": roles}
    audit.record(actor, "quality.watch_item.triaged", current, before=before, after=after)
    return current


@transaction.atomic
def to_risk(*, actor, item: WatchItem):
    """A risk of the register from the item (to rate and treat from its page); the item is marked relevant."""
    from pilote.quality.services import risks

    current = _locked(item)
    if current.risk_id:
        raise DomainError("Cet article a déjà donné un risque.")
    category = {"legal": "legal", "competitors": "strategic", "tenders": "strategic"}.get(current.source.category,
                                                                                         "operational")  # fmt: skip
    risk = risks.create_risk(
        actor=actor, title=current.title[:200], category=category, owner=actor,
        cause=f"Veille « {current.source.name} » : {current.summary or current.title}"[:5000],
        consequence="À évaluer.", likelihood=2, impact=2, residual_likelihood=2, residual_impact=2,
        review_on=local_today() + dt.timedelta(days=30),
    )  # fmt: skip
    current.risk, current.status = risk, WatchStatus.RELEVANT
    current.save(update_fields=["risk", "status"])
    audit.record(actor, "quality.watch_item.to_risk", current, after={"risk": risk.pk})
    return risk


@transaction.atomic
def to_nonconformity(*, actor, item: WatchItem):
    """A non-conformity (internal observation) from the item, to plan its actions; the item is marked relevant."""
    from pilote.quality.services import nonconformities

    current = _locked(item)
    if current.nonconformity_id:
        raise DomainError("Cet article a déjà donné une non-conformité.")
    description = f"Veille « {current.source.name} » : {current.summary or current.title}"
    if current.link:
        description += f"\n{current.link}"
    nc = nonconformities.open_nonconformity(actor=actor, origin="internal", owner=actor, title=current.title[:200],
                                            description=description[:5000])  # fmt: skip
    current.nonconformity, current.status = nc, WatchStatus.RELEVANT
    current.save(update_fields=["nonconformity", "status"])
    audit.record(actor, "quality.watch_item.to_nc", current, after={"nonconformity": nc.pk})
    return nc


CONVERSIONS = {"risque": ("quality.risks.edit", "Seule la direction ajoute un risque au registre."),
               "non-conformite": ("quality.nc.edit", "Votre rôle n'ouvre pas de non-conformité.")}  # fmt: skip


def convert(*, actor, item: WatchItem, target: str):
    """The item's one click, as the item page and the API offer it: a risk of the register (« risque », the roles
    that keep the register) or a non-conformity (« non-conformite », the roles that open one)."""
    if target not in CONVERSIONS:
        raise DomainError("Choix inconnu : rien n'a été créé.")
    permission, refusal = CONVERSIONS[target]
    if not actor.can(permission):
        raise DomainError(refusal)
    return to_risk(actor=actor, item=item) if target == "risque" else to_nonconformity(actor=actor, item=item)
