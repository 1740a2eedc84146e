"""Business writes of the core: the structure's identity and the users. Each writes an audit event."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError
from pilote.core.models import Structure, User
from pilote.core.roles import Role

STRUCTURE_FIELDS = [f.name for f in Structure._meta.concrete_fields if f.name not in {"id", "created_at", "updated_at"}]


@transaction.atomic
def create_structure(*, actor: User | None, **data) -> Structure:
    if Structure.objects.exists():
        raise DomainError("La structure est déjà configurée : modifiez-la dans les paramètres.")
    structure = Structure(id=1, **data)
    structure.full_clean()
    structure.save()
    audit.record(actor, "core.structure.created", structure, after=audit.snapshot(structure))
    return structure


@transaction.atomic
def update_structure(*, actor: User, structure: Structure, **changes) -> Structure:
    current = Structure.objects.select_for_update().get(pk=structure.pk)
    before = audit.snapshot(current)
    for field, value in changes.items():
        if field not in STRUCTURE_FIELDS:
            raise ValueError(f"Unknown structure field {field}")
        setattr(current, field, value)
    current.full_clean()
    current.save()
    audit.record(actor, "core.structure.updated", current, before=before, after=audit.snapshot(current))
    return current


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


@transaction.atomic
def create_user(
    *, actor: User | None, username: str, role: str, password: str, validate: bool = True, **fields
) -> User:
    if role not in Role.values:
        raise DomainError("Rôle inconnu.")
    user = User(username=username, role=role, **fields)
    user.full_clean(exclude=["password"])
    if validate:
        _check_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(actor, "core.user.created", user, after=audit.snapshot(user))
    return user


@transaction.atomic
def update_user(*, actor: User, user: User, **changes) -> User:
    current = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    if current.pk == actor.pk and (current.role != Role.DIRECTION or not current.is_active):
        raise DomainError("Vous ne pouvez pas retirer votre propre accès de direction.")
    if before["role"] == Role.DIRECTION and (current.role != Role.DIRECTION or not current.is_active):
        remaining = User.objects.filter(role=Role.DIRECTION, is_active=True).exclude(pk=current.pk)
        if not remaining.exists():
            raise DomainError("Il faut garder au moins un utilisateur actif avec le rôle Direction.")
    current.full_clean(exclude=["password"])
    current.save()
    audit.record(actor, "core.user.updated", current, before=before, after=audit.snapshot(current))
    return current


@transaction.atomic
def set_user_password(*, actor: User, user: User, password: str) -> None:
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor, "core.user.password_changed", user)
