"""General assemblies and boards: the assembly and its roll (from a registered member source — an association's
members — or typed), the convocation e-mailed, presence and proxies (a present member holds at most the
assembly's `max_proxies`), the resolutions and their votes (refused while the quorum is not reached; the outcome
by the majority of the votes cast), and the minutes as a PDF (`documents.assembly_minutes_pdf`)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.registry import member_sources
from pilote.office import assemblies as rules
from pilote.office.models import Assembly, AssemblyMember, AssemblyStatus, Resolution
from pilote.office.models_assemblies import Presence

MAX_VOTES = 1_000_000


def _source(key: str):
    return next((source for source in member_sources() if source.key == key), None)


@transaction.atomic
def create_assembly(*, actor, title: str, starts_at, kind: str = "ordinary", place: str = "", agenda: str = "",
                    source: str = "", quorum_percent=25, max_proxies: int = 2) -> Assembly:  # fmt: skip
    title = (title or "").strip()
    if not title:
        raise DomainError("Donnez un intitulé à l'assemblée.")
    registered = _source(source) if source else None
    if source and registered is None:
        raise DomainError("Cette liste de membres n'existe pas.")
    assembly = Assembly.objects.create(title=title, starts_at=starts_at, kind=kind, place=place or "",
                                       agenda=agenda or "", source=source or "", quorum_percent=quorum_percent,
                                       max_proxies=max_proxies, created_by=actor)  # fmt: skip
    if registered is not None:
        AssemblyMember.objects.bulk_create(
            AssemblyMember(
                assembly=assembly,
                contact_id=contact_id,
                name=name[:200],
                email=email or "",
                votes=max(1, int(votes or 1)),
            )  # fmt: skip
            for contact_id, name, email, votes in registered.members(timezone.localdate(starts_at))
        )
    audit.record(actor, "office.assembly.created", assembly, after=audit.snapshot(assembly))
    return assembly


def _editable(assembly: Assembly) -> Assembly:
    return Assembly.objects.select_for_update().get(pk=assembly.pk)


@transaction.atomic
def add_member(*, actor, assembly: Assembly, name: str, email: str = "", votes: int = 1, contact=None):
    _editable(assembly)
    name = (name or "").strip()
    if not name:
        raise DomainError("Indiquez le nom du membre.")
    if not 1 <= int(votes or 0) <= MAX_VOTES:
        raise DomainError("Un membre a au moins une voix.")
    member = AssemblyMember.objects.create(assembly=assembly, name=name[:200], email=email or "", votes=int(votes),
                                           contact=contact)  # fmt: skip
    audit.record(actor, "office.assembly.member_added", assembly, after={"membre": member.name, "voix": member.votes})
    return member


@transaction.atomic
def set_presence(*, actor, member: AssemblyMember, presence: str, proxy_holder: AssemblyMember | None = None):
    """Present, excused, absent — or represented by a member present who holds fewer than `max_proxies`."""
    assembly = _editable(member.assembly)
    member = AssemblyMember.objects.select_for_update().get(pk=member.pk)
    if presence not in Presence.values:
        raise DomainError("Cette présence n'existe pas.")
    if presence != Presence.PRESENT and member.proxies.exists():
        raise DomainError(f"{member.name} détient des pouvoirs : rendez-les d'abord à leurs mandants.")
    if presence == Presence.REPRESENTED:
        if proxy_holder is None or proxy_holder.assembly_id != assembly.pk or proxy_holder.pk == member.pk:
            raise DomainError("Choisissez le membre présent qui reçoit le pouvoir.")
        holder = AssemblyMember.objects.select_for_update().get(pk=proxy_holder.pk)
        if holder.presence != Presence.PRESENT:
            raise DomainError(f"{holder.name} n'est pas présent : un pouvoir ne se donne qu'à un membre présent.")
        held = holder.proxies.exclude(pk=member.pk).count()
        if held >= assembly.max_proxies:
            raise DomainError(f"{holder.name} détient déjà {held} pouvoir(s), le maximum fixé pour cette assemblée.")
    else:
        proxy_holder = None
    member.presence, member.proxy_holder = presence, proxy_holder
    member.save(update_fields=["presence", "proxy_holder"])
    audit.record(actor, "office.assembly.presence", assembly, after={
        "membre": member.name, "presence": member.get_presence_display(),
        "pouvoir_a": proxy_holder.name if proxy_holder else "",
    })  # fmt: skip
    return member


def quorum(assembly: Assembly) -> rules.Quorum:
    votes = {row["presence"]: row["total"] for row in
             assembly.members.values("presence").annotate(total=Sum("votes")).order_by()}  # fmt: skip
    total = sum(votes.values())
    return rules.quorum(total, votes.get(Presence.PRESENT, 0), votes.get(Presence.REPRESENTED, 0),
                        assembly.quorum_percent)  # fmt: skip


@transaction.atomic
def add_resolution(*, actor, assembly: Assembly, title: str, text: str = "", majority: str = "simple") -> Resolution:
    _editable(assembly)
    title = (title or "").strip()
    if not title:
        raise DomainError("Donnez un intitulé à la résolution.")
    if majority not in rules.MAJORITIES:
        raise DomainError("Cette majorité n'existe pas.")
    number = (assembly.resolutions.aggregate(n=Max("number"))["n"] or 0) + 1
    resolution = Resolution.objects.create(assembly=assembly, number=number, title=title[:300], text=text or "",
                                           majority=majority)  # fmt: skip
    audit.record(actor, "office.assembly.resolution_added", assembly, after={"resolution": str(resolution)})
    return resolution


@transaction.atomic
def record_vote(*, actor, resolution: Resolution, votes_for: int, votes_against: int, abstentions: int = 0):
    """The votes of a resolution, refused while the quorum is not reached or when they exceed the votes present
    and represented; the outcome follows the resolution's majority of the votes cast."""
    assembly = _editable(resolution.assembly)
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    reached = quorum(assembly)
    if not reached.reached:
        raise DomainError(f"Quorum non atteint ({reached.counted} voix présentes ou représentées, {reached.required} "
                          "requises) : l'assemblée ne peut pas délibérer.")  # fmt: skip
    values = [int(v or 0) for v in (votes_for, votes_against, abstentions)]
    if refusal := rules.check_votes(*values, reached.counted):
        raise DomainError(refusal)
    resolution.votes_for, resolution.votes_against, resolution.abstentions = values
    resolution.adopted = rules.adopted(resolution.majority, values[0], values[1])
    resolution.save(update_fields=["votes_for", "votes_against", "abstentions", "adopted"])
    if assembly.status != AssemblyStatus.HELD:
        assembly.status = AssemblyStatus.HELD
        assembly.save(update_fields=["status"])
    audit.record(actor, "office.assembly.voted", assembly, after={
        "resolution": resolution.number, "pour": values[0], "contre": values[1], "abstentions": values[2],
        "adoptee": resolution.adopted,
    })  # fmt: skip
    return resolution


@transaction.atomic
def record_minutes(*, actor, assembly: Assembly, chair: str, secretary: str, notes: str) -> Assembly:
    assembly = _editable(assembly)
    assembly.chair, assembly.secretary, assembly.notes = (chair or "")[:200], (secretary or "")[:200], notes or ""
    assembly.version += 1
    assembly.save(update_fields=["chair", "secretary", "notes", "version"])
    audit.record(actor, "office.assembly.minutes", assembly)
    return assembly


def convene(*, actor, assembly: Assembly, base_url: str = "") -> int:
    """E-mail the convocation (date, place, agenda, resolutions) to every member with an address; the number
    sent. Recorded on the assembly and in the audit trail."""
    from django.conf import settings
    from django.template.loader import render_to_string

    members = [m for m in assembly.members.all() if m.email]
    if not members:
        raise DomainError("Aucun membre convoqué n'a d'adresse électronique.")
    context = {"assembly": assembly, "resolutions": list(assembly.resolutions.all())}
    subject = f"Convocation : {assembly}"
    for member in members:
        body = render_to_string("office/assembly_convocation.txt", {**context, "member": member})
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [member.email]).send()
    with transaction.atomic():
        locked = _editable(assembly)
        locked.convened_at = timezone.now()
        if locked.status == AssemblyStatus.PLANNED:
            locked.status = AssemblyStatus.CONVENED
        locked.save(update_fields=["convened_at", "status"])
        audit.record(actor, "office.assembly.convened", locked, after={"convocations": len(members)})
    return len(members)
