"""Open customer and supplier invoices issued before the take-over by the previous tool.

They never enter Pilote's invoices: a sales invoice is numbered in Pilote's gapless series and sealed in the
chain of issued invoices (`sales/sealing.py`), which an invoice of another tool must not join; a supplier invoice
approved in purchases posts its own AC entry with its expenses and VAT, which the previous books already hold.
What the user needs of them — the customer's or supplier's open items — lives in the ledger: one opening entry
(the à-nouveaux journal, at the take-over date) with one line per invoice on the third party's sub-account of 411
or 401, its number as the line's reference, its due date, its date in the label, posted through
`ledger.batch.post_many`; so the aged balances, the third party's statement, lettering (by reference) and the
bank reconciliation's suggestions find them. The counterpart is one line on the transitory account 4718, which
the opening balance's 411/401 lines then clear (see `balances.py`)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pilote.contacts.models import Contact
from pilote.core.exceptions import DomainError
from pilote.core.registry import lazy_module
from pilote.ledger.exceptions import PostingError
from pilote.ledger.models import Account, EntryLine
from pilote.lib.formats import format_date, format_eur
from pilote.lib.money import ZERO
from pilote.takeover.datasets.opening import Parties, opening_journal, transitory_account
from pilote.takeover.framework import Column, Dataset, Link
from pilote.takeover.status import TRANSITORY_CODE

batch = lazy_module("pilote.ledger.batch")  # read when a file is taken over, not when the app starts
ledger = lazy_module("pilote.ledger.services")


class OpenInvoices(Dataset):
    accounting = True
    perm = "takeover.accounting"
    side = ""  # "customer" or "supplier"
    control = ""  # 411 or 401
    role_field = ""
    party = ""  # « client » / « fournisseur »
    preview_headers = ["Tiers", "Compte", "N° de facture", "Date", "Échéance", "Montant TTC", "Reste dû"]

    def __init__(self):
        self.columns = [
            Column("party", self.party.capitalize(), f"Nom du {self.party}, tel qu'il est dans vos contacts (ou son "
                   "SIRET ou SIREN dans la colonne suivante).", self.example_party, False,
                   ("tiers", "nom", "raison sociale")),
            Column("identifier", "SIRET ou SIREN", f"Facultatif : trouve le {self.party} sans ambiguïté.", "",
                   False, ("siret", "siren")),
            Column("number", "N° de facture", "Le numéro donné par l'ancien outil (40 caractères au plus) : la "
                   "référence de la ligne, pour le lettrage et le rapprochement.", "F2026-0412", True,
                   ("numero", "facture", "piece")),
            Column("date", "Date de la facture", "JJ/MM/AAAA, au plus tard la date de reprise.", "15/11/2026", True,
                   ("date",)),
            Column("due_date", "Échéance", "JJ/MM/AAAA (vide : la date de la facture).", "15/12/2026", False,
                   ("date d echeance",)),
            Column("amount", "Montant TTC", "Total de la facture ; négatif pour un avoir.", "1 440,00", True,
                   ("montant", "total ttc")),
            Column("paid", "Déjà réglé", "Acomptes et règlements partiels déjà reçus ou faits.", "400,00", False,
                   ("regle", "acompte")),
            Column("label", "Libellé", "Facultatif (vide : « Facture N° du JJ/MM/AAAA »).", ""),
        ]  # fmt: skip
        super().__init__()

    def context(self, options):
        taken = EntryLine.objects.filter(account__code__startswith=self.control, auxiliary__contact__isnull=False)
        return {
            "parties": Parties(self.role_field),
            "date": dt.date.fromisoformat(options["date"]),
            "taken": set(taken.exclude(reference="").values_list("auxiliary__contact_id", "reference")),
        }

    def parse(self, cells, ctx):
        name, identifier = cells.text("party", max_length=200), cells.text("identifier")
        number = cells.text("number", max_length=40)
        date, due = cells.date("date"), cells.date("due_date")
        amount, paid = cells.decimal("amount", positive=False), cells.decimal("paid") or ZERO
        label = cells.text("label", max_length=200)
        contact_id = None
        if name or identifier:
            contact_id, problem = ctx["parties"].find(name, identifier)
            if problem:
                cells.fail("identifier" if identifier else "party", problem)
        else:
            cells.fail("party", "obligatoire (ou, dans la colonne suivante, son SIRET ou son SIREN).")
        if date and date > ctx["date"]:
            cells.fail(
                "date", f"postérieure à la date de reprise ({format_date(ctx['date'])}) : saisissez-la dans Pilote."
            )
        if date and due and due < date:
            cells.fail("due_date", "l'échéance ne peut pas précéder la date de la facture.")
        if amount is not None:
            if amount == 0:
                cells.fail("amount", "une facture à zéro ne laisse rien à régler.")
            elif paid >= abs(amount):
                cells.fail(
                    "paid",
                    f"{format_eur(paid)} réglés sur {format_eur(abs(amount))} : la facture est soldée, "
                    "ne la reprenez pas.",
                )
        if contact_id and number and (contact_id, number) in ctx["taken"]:
            cells.fail("number", f"la facture {number} de ce {self.party} est déjà dans les comptes de Pilote.")
        if cells.errors:
            return None
        open_amount = amount - paid if amount > 0 else amount + paid
        kind = "Facture" if amount > 0 else "Avoir"
        return {"contact": contact_id, "name": name, "number": number, "date": date, "due_date": due or date,
                "amount": amount, "open": open_amount,
                "label": label or f"{kind} {number} du {format_date(date)}"}  # fmt: skip

    def duplicate_key(self, row):
        return (row["contact"], row["number"])

    def duplicate_message(self, row, first_line):
        return f"la facture {row['number']} de ce {self.party} est déjà à la ligne {first_line}."

    def preview(self, row):
        return [row["name"], self.control, row["number"], format_date(row["date"]), format_date(row["due_date"]),
                format_eur(row["amount"]), format_eur(row["open"])]  # fmt: skip

    def finish(self, rows, ctx):
        if sum((row["open"] for row in rows), ZERO) == 0:
            return [
                f"Les factures et les avoirs se compensent exactement : rien à reprendre sur le compte {self.control}."
            ]
        return []

    def write(self, rows, *, actor, options, progress):
        day = dt.date.fromisoformat(options["date"])
        control = Account.objects.get(code=self.control)
        suspense = transitory_account(actor)
        contacts = Contact.objects.in_bulk({row["contact"] for row in rows})
        auxiliaries = {}
        lines, total = [], ZERO
        for done, row in enumerate(rows, start=1):
            contact = contacts[row["contact"]]
            if contact.pk not in auxiliaries:
                auxiliaries[contact.pk] = ledger.auxiliary_for_contact(
                    actor=actor, contact=contact, control_code=self.control
                )
            owed = row["open"] if self.side == "customer" else -row["open"]  # a debit on 411, a credit on 401
            lines.append(ledger.LineInput(
                account=control, auxiliary=auxiliaries[contact.pk], label=row["label"], reference=row["number"],
                due_date=row["due_date"], debit=max(owed, ZERO), credit=max(-owed, ZERO),
            ))  # fmt: skip
            total += owed
            if done % 500 == 0:
                progress(done)
        lines.append(ledger.LineInput(account=suspense, label=self.counterpart_label, debit=max(-total, ZERO),
                                      credit=max(total, ZERO)))  # fmt: skip
        spec = batch.EntrySpec(journal=opening_journal(), date=day, label=self.entry_label, lines=lines,
                               piece_ref=self.piece_ref, piece_date=day, origin="reprise")  # fmt: skip
        try:
            batch.post_many(actor=actor, specs=[spec])
        except PostingError as exc:
            raise DomainError(f"{exc.message} Rien n'a été importé.") from exc
        return (
            f"{len(rows)} {self.party_plural} repris(es) au compte {self.control} : {format_eur(abs(total))} "
            f"en contrepartie du compte d'attente {TRANSITORY_CODE}.",
            [Link("Voir la balance âgée", reverse("ledger:aged-balance") + f"?type={self.control}"),
             Link("Voir les tiers", reverse("ledger:third-parties")),
             Link("Contrôle du compte d'attente", reverse("takeover:index"))],
        )  # fmt: skip


class CustomerInvoices(OpenInvoices):
    key = "factures-clients"
    title = "Factures clients ouvertes"
    summary = (
        "Les factures émises par l'ancien outil et pas encore réglées : reprises au compte 411 de chaque client, "
        "avec leur numéro et leur échéance."
    )
    side, control, role_field, party, party_plural = "customer", "411", "is_customer", "client", "facture(s) client"
    example_party = "Boulangerie Martin"
    entry_label, piece_ref = "Reprise des factures clients ouvertes", "REPRISE-CLIENTS"
    counterpart_label = "Factures clients reprises — à solder par la balance d'ouverture"
    notes = [
        "Ces factures restent celles de l'ancien outil : elles n'entrent ni dans la numérotation des factures de "
        "Pilote ni dans sa chaîne de factures émises. Elles apparaissent au compte de chaque client (balance âgée, "
        "encours, relevé, lettrage, rapprochement bancaire) et sont relancées comme les factures de Pilote : la "
        "lettre cite leur numéro, leur reste dû et leur échéance.",
        "Reprenez aussi la balance d'ouverture : son compte 411 solde le compte d'attente 4718.",
    ]


class SupplierInvoices(OpenInvoices):
    key = "factures-fournisseurs"
    title = "Factures fournisseurs ouvertes"
    summary = (
        "Les factures reçues et pas encore payées : reprises au compte 401 de chaque fournisseur, avec leur "
        "numéro et leur échéance."
    )
    side, control, role_field, party, party_plural = (
        "supplier",
        "401",
        "is_supplier",
        "fournisseur",
        "facture(s) fournisseur",
    )
    example_party = "Papeterie du Rhône"
    entry_label, piece_ref = "Reprise des factures fournisseurs ouvertes", "REPRISE-FOURN"
    counterpart_label = "Factures fournisseurs reprises — à solder par la balance d'ouverture"
    notes = [
        "Ces factures sont reprises au compte 401 de chaque fournisseur (balance âgée, relevé, lettrage, "
        "rapprochement bancaire) et proposées dans les lots de virements fournisseurs, payées à l'IBAN de la fiche "
        "du fournisseur et lettrées à l'exécution du lot.",
        "Reprenez aussi la balance d'ouverture : son compte 401 solde le compte d'attente 4718.",
    ]


CUSTOMERS = CustomerInvoices()
SUPPLIERS = SupplierInvoices()
