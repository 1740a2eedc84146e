"""Business writes of the core: the structure's identity and the users. Each writes an audit event."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pilote.core import audit, tokens
from pilote.core.exceptions import DomainError, check_version
from pilote.core.models import ApiToken, Structure, User
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
def initialise_structure(*, actor: User | None, structure: Structure) -> None:
    """Let every domain prepare the new structure (chart of accounts, first fiscal year, journals…)."""
    from pilote.core.registry import structure_setups

    for setup in structure_setups():
        setup(structure=structure, actor=actor)


@transaction.atomic
def update_structure(*, actor: User, structure: Structure, expected_version: int | None = None, **changes) -> Structure:
    current = Structure.objects.select_for_update().get(pk=structure.pk)
    check_version(current.version, expected_version, "La fiche de la structure")
    before = audit.snapshot(current)
    for field, value in changes.items():
        if field not in STRUCTURE_FIELDS:
            raise ValueError(f"Unknown structure field {field}")
        setattr(current, field, value)
    current.full_clean()
    current.version += 1
    current.save()
    audit.record(actor, "core.structure.updated", current, before=before, after=audit.snapshot(current))
    from pilote.core.registry import structure_updates

    for hook in structure_updates():
        hook(structure=current, before=before, actor=actor)
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
def set_user_password(*, actor: User, user: User, password: str, by_email_link: bool = False) -> None:
    """Set a new password. Whoever knew the old one loses what it gave: every API token of the user is
    revoked, and every session opened before is refused from its next request (Django checks a hash of the
    password stored in the session; the caller keeps its own with update_session_auth_hash)."""
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # From the profile or by direction; or through the link of a password-reset e-mail.
    action = "core.user.password_reset" if by_email_link else "core.user.password_changed"
    audit.record(actor, action, user)
    now = timezone.now()
    for token in ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True, expires_at__gt=now):
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "core.api_token.revoked_with_password", token, after={"name": token.name})


@transaction.atomic
def create_api_token(*, actor: User, name: str, days: int = tokens.DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """Create a token for `actor`, valid `days` days (one of tokens.LIFETIMES: a key that never expires
    is not offered); the clear key is returned once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError("Donnez un nom au jeton (ex. « tableur comptable »).")
    if days not in tokens.LIFETIMES:
        raise DomainError(f"Choisissez une durée de validité parmi {tokens.lifetimes_text()}.")
    key = tokens.new_key()
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        prefix=key[:12],
        key_hash=tokens.digest(key),
        expires_at=timezone.now() + timedelta(days=days),
    )
    after = {"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()}
    audit.record(actor, "core.api_token.created", token, after=after)
    return token, key


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise DomainError("Vous ne pouvez révoquer que vos propres jetons.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "core.api_token.revoked", token)
