"""The ledger's pickers (core.pickers): accounts and auxiliary accounts by number or label (typed-code boxes
of the entry grid, the general ledger, bank lines), and the contacts an auxiliary account may be opened for."""

from __future__ import annotations

from django.db.models import Q

from pilote.contacts.models import Contact
from pilote.contacts.pickers import contact_picker
from pilote.core.collation import french
from pilote.core.pickers import Picker
from pilote.ledger.models import Account, AuxiliaryAccount

ACCOUNTS = Picker(
    kind="comptes",
    perm="ledger.view",
    queryset=lambda: Account.objects.filter(is_active=True),
    search=("label",),
    prefix=("code",),
    order=lambda: ("code",),
    label=lambda account: f"{account.code} — {account.label}",
    code=lambda account: account.code,
    placeholder="Numéro ou intitulé du compte…",
)

AUXILIARIES = Picker(
    kind="auxiliaires",
    perm="ledger.view",
    queryset=lambda: AuxiliaryAccount.objects.select_related("control_account"),
    search=("label", "code"),
    order=lambda: (french("label"), "code"),
    label=lambda aux: f"{aux.code} — {aux.label}",
    detail=lambda aux: f"{aux.control_account.code} — {aux.control_account.label}",
    code=lambda aux: aux.code,
    placeholder="Tiers ou numéro auxiliaire…",
)

THIRD_PARTIES = contact_picker(
    "tiers",
    "ledger.view",
    lambda: Contact.objects.filter(is_active=True).filter(Q(is_customer=True) | Q(is_supplier=True)),
)
