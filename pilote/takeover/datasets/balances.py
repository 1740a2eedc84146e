"""Opening balances from a simple balance (account, label, debit, credit, third party), for a structure whose
previous books cannot give a FEC (the FEC import, `ledger.fec_import`, takes over whole years of entries).

One entry in the à-nouveaux journal at the take-over date, posted through `ledger.batch.post_many` (balanced,
in an open and unlocked year, gapless number, chained). Balance-sheet accounts only (classes 1 to 5): results
belong to a closed year. An account missing from the chart is created under its parent
(`ledger.services.create_account`). A customer or supplier account (401…, 411…, 416…):
- with a third party, goes on that party's sub-account (one open item for the whole balance);
- without one, goes on the take-over's transitory account 4718, where the open invoices taken over one by one
  (`invoices.py`) put their counterpart: once both are in, 4718 is balanced — the check on the assistant's page,
  and the closing's own check of suspense accounts (471…) — and 411/401 are counted once, invoice by invoice."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pilote.contacts.models import Contact
from pilote.core.exceptions import DomainError
from pilote.core.registry import lazy_module
from pilote.ledger.exceptions import PostingError
from pilote.ledger.models import Account, Entry, FiscalYear
from pilote.lib.formats import format_eur
from pilote.lib.money import ZERO
from pilote.takeover.datasets.opening import Parties, opening_journal, transitory_account
from pilote.takeover.framework import Column, Dataset, Link
from pilote.takeover.status import TRANSITORY_CODE

# Posting reads them, registering the dataset (TakeoverConfig.ready) does not: loaded at the first use.
batch = lazy_module("pilote.ledger.batch")
ledger = lazy_module("pilote.ledger.services")

PIECE_REF = "REPRISE-BALANCE"
THIRD_PARTY_PREFIXES = ("401", "411", "416")


class OpeningBalance(Dataset):
    key = "balance-ouverture"
    title = "Balance d'ouverture"
    summary = (
        "Les soldes des comptes de bilan à la date de reprise, tirés de la balance de l'ancien outil ou du bilan "
        "de l'expert-comptable."
    )
    perm = "takeover.accounting"
    accounting = True
    notes = [
        "Pour reprendre toutes les écritures d'un exercice tenu dans un autre logiciel, utilisez plutôt "
        "l'import du FEC.",
        "Comptes 401 et 411 : sans tiers, le solde va au compte d'attente 4718, que soldent les factures ouvertes "
        "reprises une à une ; avec un tiers, il va sur le compte de ce tiers, en un seul montant.",
    ]
    columns = [
        Column("account", "Compte", "Numéro du compte (classes 1 à 5) ; créé sous son compte parent s'il manque "
               "au plan.",
               "512", True, ("numero de compte", "compte general", "n compte")),
        Column("label", "Libellé", "Intitulé du compte (pour un compte à créer) ou de la ligne.", "Banque", False,
               ("intitule", "libelle du compte")),
        Column("debit", "Débit", "Solde débiteur.", "12 500,00", False, ("solde debiteur",)),
        Column("credit", "Crédit", "Solde créditeur.", "", False, ("solde crediteur",)),
        Column("party", "Tiers", "Pour un compte 401 ou 411 : le client ou fournisseur (nom, SIRET ou SIREN) ; vide : "
               "détaillé par la reprise des factures ouvertes.", "", False, ("client ou fournisseur",)),
    ]  # fmt: skip
    preview_headers = ["Compte", "Compte utilisé", "Libellé", "Tiers", "Débit", "Crédit"]

    def context(self, options):
        day = dt.date.fromisoformat(options["date"])
        year = FiscalYear.objects.filter(start_date__lte=day, end_date__gte=day).first()
        taken = year and Entry.objects.filter(fiscal_year=year, piece_ref=PIECE_REF, status="posted").exists()
        return {"accounts": dict(Account.objects.values_list("code", "label")), "parties": Parties(),
                "taken": taken, "year": year}  # fmt: skip

    def parse(self, cells, ctx):
        code = cells.text("account").replace(" ", "")
        label = cells.text("label", max_length=200)
        debit, credit = cells.decimal("debit") or ZERO, cells.decimal("credit") or ZERO
        party_text = cells.text("party", max_length=200)
        if code and (not code.isdigit() or not 3 <= len(code) <= 20):
            cells.fail("account", f"« {code} » : un numéro de compte a 3 à 20 chiffres.")
        elif code and code[0] not in "12345":
            cells.fail(
                "account",
                f"{code} n'est pas un compte de bilan (classes 1 à 5) : une balance d'ouverture "
                "n'a pas de charges ni de produits ; pour reprendre un exercice en cours, importez son FEC.",
            )
        elif (
            code
            and code not in ctx["accounts"]
            and not any(code[:n] in ctx["accounts"] for n in range(len(code) - 1, 1, -1))
        ):
            cells.fail("account", f"le compte {code} ne se rattache à aucun compte du plan.")
        if debit and credit:
            cells.fail("credit", "une ligne de balance est au débit ou au crédit, pas les deux.")
        elif not debit and not credit:
            cells.fail("debit", "ni débit ni crédit : laissez la ligne hors du fichier.")
        contact_id = None
        if party_text:
            if not code.startswith(THIRD_PARTY_PREFIXES):
                cells.fail("party", "un tiers ne se porte que sur un compte client ou fournisseur (401, 411, 416).")
            else:
                identifier = party_text if party_text.replace(" ", "").isdigit() else ""
                contact_id, problem = ctx["parties"].find(party_text, identifier)
                if problem:
                    cells.fail("party", problem)
        if cells.errors:
            return None
        target = TRANSITORY_CODE if code.startswith(THIRD_PARTY_PREFIXES) and contact_id is None else code
        return {"account": code, "target": target, "label": label, "debit": debit, "credit": credit,
                "contact": contact_id, "party": party_text,
                "new_label": label or ctx["accounts"].get(code, "")}  # fmt: skip

    def duplicate_key(self, row):
        return (row["account"], row["contact"])

    def duplicate_message(self, row, first_line):
        return (
            f"le compte {row['account']} est déjà à la ligne {first_line}{' pour ce tiers' if row['contact'] else ''}."
        )

    def finish(self, rows, ctx):
        problems = []
        debit, credit = sum((r["debit"] for r in rows), ZERO), sum((r["credit"] for r in rows), ZERO)
        if debit != credit:
            problems.append(f"La balance n'est pas équilibrée : débit {format_eur(debit)}, crédit {format_eur(credit)} "
                            f"(écart {format_eur(debit - credit)}).")  # fmt: skip
        if ctx["taken"]:
            problems.append(f"Une balance d'ouverture a déjà été reprise pour {ctx['year']} : rien n'a été importé.")
        return problems

    def preview(self, row):
        amounts = [format_eur(row[side]) if row[side] else "" for side in ("debit", "credit")]
        return [row["account"], row["target"], row["label"], row["party"], *amounts]

    def write(self, rows, *, actor, options, progress):
        day = dt.date.fromisoformat(options["date"])
        accounts = {a.code: a for a in Account.objects.filter(code__in={r["target"] for r in rows})}
        contacts = Contact.objects.in_bulk({r["contact"] for r in rows if r["contact"]})
        lines = []
        for done, row in enumerate(rows, start=1):
            code = row["target"]
            if code not in accounts:
                if code == TRANSITORY_CODE:
                    accounts[code] = transitory_account(actor)
                else:
                    label = row["new_label"] or f"Compte {code}"
                    try:
                        accounts[code] = ledger.create_account(actor=actor, code=code, label=label)
                    except DomainError as exc:
                        raise DomainError(f"Ligne {row['_line']} : {exc.message} Rien n'a été importé.") from exc
            auxiliary = None
            if row["contact"]:
                auxiliary = ledger.auxiliary_for_contact(
                    actor=actor, contact=contacts[row["contact"]], control_code=code
                )
            lines.append(
                ledger.LineInput(
                    account=accounts[code], auxiliary=auxiliary, debit=row["debit"], credit=row["credit"],
                    label=row["label"] or accounts[code].label,
                )
            )  # fmt: skip
            if done % 500 == 0:
                progress(done)
        spec = batch.EntrySpec(journal=opening_journal(), date=day, label="Reprise de la balance d'ouverture",
                               lines=lines, piece_ref=PIECE_REF, piece_date=day, origin="reprise")  # fmt: skip
        try:
            batch.post_many(actor=actor, specs=[spec])
        except PostingError as exc:
            raise DomainError(f"{exc.message} Rien n'a été importé.") from exc
        total = sum((r["debit"] for r in rows), ZERO)
        return (
            f"Balance d'ouverture reprise : {len(rows)} ligne(s), {format_eur(total)} au débit et au crédit.",
            [Link("Voir la balance", reverse("ledger:trial-balance")),
             Link("Contrôle du compte d'attente", reverse("takeover:index"))],
        )  # fmt: skip


DATASET = OpeningBalance()
