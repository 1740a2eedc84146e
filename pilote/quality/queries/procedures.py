"""Reads on procedures: the filtered list (sorts, exports through core.listing), a procedure's page (its
versions, approval log, readers and who acknowledged the version in force), and the procedures a user has still
to read (their to-do list). Bounded query counts."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.core.roles import Role
from pilote.quality.models import Procedure, ProcedureAcknowledgement, ProcedureStatus, ProcedureVersion

SORTS = {"code": ["code"], "intitule": [french("title")], "type": ["kind"], "vigueur": ["in_force_on"]}
DEFAULT_SORT = "code"


def _in_force_prefetch():
    return Prefetch(
        "versions",
        queryset=ProcedureVersion.objects.filter(status=ProcedureStatus.IN_FORCE),
        to_attr="in_force_versions",
    )


def filter_procedures(data: dict, user=None):
    from django.db.models import Max

    procedures = Procedure.objects.annotate(
        in_force_on=Max("versions__in_force_on", filter=Q(versions__status=ProcedureStatus.IN_FORCE)),
        pending=Count("versions", filter=Q(versions__status__in=[ProcedureStatus.DRAFT, ProcedureStatus.APPROVED])),
    )
    if data.get("type"):
        procedures = procedures.filter(kind=data["type"])
    state = data.get("etat") or ""
    if state == "en_vigueur":
        procedures = procedures.filter(in_force_on__isnull=False)
    elif state == "en_preparation":
        procedures = procedures.filter(pending__gt=0)
    elif state == "a_lire" and user is not None:
        procedures = procedures.filter(pk__in=[v.procedure_id for v in to_read(user)])
    if q := (data.get("q") or "").strip():
        procedures = procedures.filter(Q(code__icontains=q) | Q(title__icontains=q))
    return procedures


def with_list_relations(procedures):
    return procedures.select_related("owner").prefetch_related(_in_force_prefetch())


def _person(user) -> str:
    return user.get_full_name() or user.username


def in_force_number(procedure) -> str:
    versions = getattr(procedure, "in_force_versions", None)
    return str(versions[0].number) if versions else ""


EXPORT_COLUMNS = [
    Column("Code", lambda p: p.code),
    Column("Intitulé", lambda p: p.title),
    Column("Type", lambda p: p.get_kind_display()),
    Column("Rédacteur", lambda p: _person(p.owner)),
    Column("Approuvée par (rôle)", lambda p: role_label(p.approver_role)),
    Column("Version en vigueur", in_force_number),
    Column("En vigueur le", lambda p: p.in_force_on),
    Column("Version en préparation", lambda p: "oui" if p.pending else "non"),
    Column("Rôles lecteurs", lambda p: ", ".join(role_label(r) for r in p.reader_roles)),
]


def export_rows(procedures):
    return with_list_relations(procedures)


def role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


def procedure_detail(pk: int) -> Procedure:
    return Procedure.objects.select_related("owner").get(pk=pk)


def versions(procedure: Procedure) -> list[ProcedureVersion]:
    return list(
        procedure.versions.select_related("created_by").prefetch_related("log").annotate(acks=Count("acknowledgements"))
    )


def readers(procedure: Procedure, version: ProcedureVersion | None) -> list[dict]:
    """Everyone who must read the procedure, with the day they acknowledged the version in force (or None)."""
    from pilote.core.models import User

    users = User.objects.filter(is_active=True).filter(
        Q(role__in=procedure.reader_roles or []) | Q(pk__in=procedure.readers.values("pk"))
    )
    acks = {}
    if version is not None:
        acks = dict(ProcedureAcknowledgement.objects.filter(version=version).values_list("user_id", "at"))
    rows = [{"user": u, "name": _person(u), "role": role_label(u.role), "at": acks.get(u.pk)} for u in users]
    return sorted(rows, key=lambda row: (row["at"] is not None, row["name"].lower()))


def is_reader(user, procedure, named: bool) -> bool:
    """Whether `user` must read `procedure`: their role is among its reader roles, or they are named (`named`:
    whether the procedure's `readers` holds them, read by the caller for many procedures at once)."""
    return named or user.role in (procedure.reader_roles or [])


def to_read(user) -> list[ProcedureVersion]:
    """The versions in force the user must read and has not acknowledged yet. Three queries."""
    versions = list(
        ProcedureVersion.objects.filter(status=ProcedureStatus.IN_FORCE)
        .select_related("procedure")
        .exclude(acknowledgements__user=user)
        .order_by("in_force_on", "pk")
    )
    named = set(Procedure.readers.through.objects.filter(user_id=user.pk).values_list("procedure_id", flat=True))
    return [v for v in versions if is_reader(user, v.procedure, v.procedure_id in named)]


def to_approve(user) -> list[ProcedureVersion]:
    return list(
        ProcedureVersion.objects.filter(status=ProcedureStatus.DRAFT, procedure__approver_role=user.role)
        .select_related("procedure")
        .order_by("created_at", "pk")
    )
