"""The demo structure: deterministic (seeded) data every domain app adds to through `register_demo`.

`load_demo()` creates the structure and one user per role, then calls each registered loader with
the same random generator, so the same demo comes out on every machine.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.core import services
from pilote.core.models import Structure, User
from pilote.core.registry import demo_finishes, demo_loaders, demo_structure
from pilote.core.roles import Role
from pilote.lib.dates import local_today

DEMO_SEED = 20261124
DEMO_PASSWORD = "demo"
# The demo's "today" is the business date it is loaded on: two fiscal years of activity end today (the
# previous calendar year, closed, and the current one to date), so the demo never looks stale. Everything
# is dated relative to it; the seeded generator keeps a load deterministic for a given day.
DEMO_TODAY = local_today()
FIRST_YEAR = DEMO_TODAY.year - 1

DEMO_USERS = [
    ("direction", Role.DIRECTION, "Claire", "Martin", "Gérante"),
    ("comptable", Role.COMPTABLE, "Julien", "Bernard", "Comptable"),
    ("commercial", Role.COMMERCIAL, "Sophie", "Petit", "Responsable commerciale"),
    ("rh", Role.RH, "Nadia", "Haddad", "Chargée des ressources humaines"),
    ("assistant", Role.ASSISTANT, "Lucas", "Moreau", "Assistant de gestion"),
    ("salarie", Role.SALARIE, "Thomas", "Girard", "Technicien de maintenance"),
    ("auditeur", Role.AUDITEUR, "Hélène", "Roux", "Commissaire aux comptes"),
]

DEMO_STRUCTURE = {
    "type": "company",
    "legal_name": "Lumen Bureautique SAS",
    "trade_name": "Lumen Bureautique",
    "legal_form": "SAS",
    "siren": "912345675",
    "siret": "91234567500017",
    "rcs_city": "Lyon",
    "share_capital": Decimal("50000.00"),
    "naf_code": "46.66Z",
    "address_line1": "12 rue de la République",
    "postal_code": "69002",
    "city": "Lyon",
    "email": "contact@lumen-bureautique.fr",
    "phone": "04 78 00 12 34",
    "website": "https://www.lumen-bureautique.fr",
    "iban": "FR7630004000010001234567830",
    "fiscal_year_start": dt.date(FIRST_YEAR, 1, 1),
    "fiscal_year_end": dt.date(FIRST_YEAR, 12, 31),
    "vat_regime": "debits",
}


def is_loaded() -> bool:
    return Structure.objects.exists()


@transaction.atomic
def load_demo(stdout=None, structure_type: str = "company") -> dict[str, User]:
    """The company demo, or with `structure_type` another type's (its structure and loaders come from the app
    that registered them: core.registry.register_demo_structure)."""
    rng, started = random.Random(DEMO_SEED), timezone.now()
    identity, email_domain = DEMO_STRUCTURE, "lumen-bureautique.fr"
    if structure_type != "company":
        identity, email_domain = demo_structure(structure_type)
        identity = {**identity, "fiscal_year_start": dt.date(FIRST_YEAR, 1, 1),
                    "fiscal_year_end": dt.date(FIRST_YEAR, 12, 31)}  # fmt: skip
    structure = services.create_structure(actor=None, **identity)
    users = {}
    for username, role, first, last, title in DEMO_USERS:
        users[username] = services.create_user(
            actor=None,
            username=username,
            role=role,
            password=DEMO_PASSWORD,
            validate=False,
            first_name=first,
            last_name=last,
            job_title=title,
            email=f"{username}@{email_domain}",
        )
    services.initialise_structure(actor=users["comptable"], structure=structure)
    for _, label, loader in demo_loaders(structure_type):
        if stdout:
            stdout.write(f"  démo : {label}…")
        loader(rng, users)
    for label, step in demo_finishes():
        if stdout:
            stdout.write(f"  démo : {label}…")
        step(users, started)
    return users
