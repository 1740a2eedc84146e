"""What the two accounting datasets share: the opening journal, the transitory account of the take-over, the
third parties found by SIRET, SIREN or name."""

from __future__ import annotations

from pilote.contacts.models import Contact
from pilote.core.exceptions import DomainError
from pilote.core.registry import lazy_module
from pilote.ledger.models import Account, Journal, JournalKind
from pilote.takeover.reading import normalise
from pilote.takeover.status import TRANSITORY_CODE, TRANSITORY_LABEL

ledger = lazy_module("pilote.ledger.services")  # loaded at the first posting, not when the datasets register


def opening_journal() -> Journal:
    journal = Journal.objects.filter(kind=JournalKind.OPENING, is_active=True).order_by("code").first()
    if journal is None:
        raise DomainError("Aucun journal d'à-nouveaux actif : créez-le dans « Journaux et exercices ».")
    return journal


def transitory_account(actor) -> Account:
    account = Account.objects.filter(code=TRANSITORY_CODE).first()
    return account or ledger.create_account(actor=actor, code=TRANSITORY_CODE, label=TRANSITORY_LABEL)


class Parties:
    """Contacts by SIRET, SIREN and name, read once for the whole file."""

    def __init__(self, role_field: str | None = None):
        contacts = Contact.objects.all()
        if role_field:
            contacts = contacts.filter(**{role_field: True})
        self.by_siret, self.by_siren, self.by_name = {}, {}, {}
        for pk, name, first_name, siren, siret in contacts.values_list("pk", "name", "first_name", "siren", "siret"):
            if siret:
                self.by_siret[siret] = pk
            if siren:
                self.by_siren.setdefault(siren, set()).add(pk)
            for key in {normalise(name), normalise(f"{first_name} {name}")}:
                self.by_name.setdefault(key, set()).add(pk)

    def find(self, name: str, identifier: str) -> tuple[int | None, str]:
        """(contact id, problem): by SIRET or SIREN when given, else by name."""
        digits = "".join(ch for ch in identifier if ch.isdigit())
        if identifier:
            if len(digits) == 14:
                return (
                    (self.by_siret[digits], "")
                    if digits in self.by_siret
                    else (None, f"aucun contact n'a le SIRET {identifier}.")
                )
            if len(digits) == 9:
                found = self.by_siren.get(digits, set())
                if len(found) == 1:
                    return next(iter(found)), ""
                return None, (f"plusieurs contacts ont le SIREN {identifier} : donnez le SIRET." if found
                              else f"aucun contact n'a le SIREN {identifier}.")  # fmt: skip
            return None, f"« {identifier} » n'est ni un SIREN (9 chiffres) ni un SIRET (14 chiffres)."
        found = self.by_name.get(normalise(name), set())
        if len(found) == 1:
            return next(iter(found)), ""
        if found:
            return None, f"plusieurs contacts s'appellent « {name} » : donnez son SIRET ou son SIREN."
        return None, f"aucun contact « {name} » : reprenez d'abord vos contacts et vos fournisseurs."
