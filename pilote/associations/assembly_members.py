"""The association's members, convened to the general assemblies the office keeps: plugged in through
`core.registry.register_member_source` (the office never imports this app). One voice per member present on
the assembly's day (joined, not left); the statutes may say otherwise, the assembly's roll is editable."""

from __future__ import annotations

from django.db.models import Q


def members_on(day) -> list[tuple[int, str, str, int]]:
    from pilote.associations.models import Member

    members = Member.objects.filter(Q(left_on__isnull=True) | Q(left_on__gte=day), joined_on__lte=day)
    return [(m.contact_id, m.contact.display_name, m.contact.email, 1)
            for m in members.select_related("contact").order_by("contact__name", "number")]  # fmt: skip
