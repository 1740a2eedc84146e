"""Demo complaints: a dozen over the last five months for demo customers, in every state, some linked to
an issued invoice of the customer when the sales demo made one. Deterministic (demo seed, DEMO_TODAY)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pilote.complaints import services
from pilote.contacts.models import Contact
from pilote.core.demo import DEMO_TODAY

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Plan:
    days_ago: int
    severity: str
    category: str
    channel: str
    expectation: str
    subject: str
    description: str
    answer_after: int | None = None  # days after receipt
    close_after: int | None = None
    resolution: str = ""
    root_cause: str = ""
    reopen_after: int | None = None
    assign: bool = True
    invoice: bool = False


# fmt: off
PLANS = [
    Plan(150, "major", "quality", "phone", "replacement", "Toner qui bave sur les impressions",
         "Les impressions du copieur de l'accueil sont tachées depuis le changement de toner.", 3, 10,
         "corrective", "Lot de toners défectueux chez le fournisseur : lot retiré du stock."),
    Plan(130, "critical", "damaged", "email", "replacement", "Écran fissuré à la livraison",
         "Un des trois écrans livrés est arrivé fissuré ; photos jointes au courriel.", 1, 5,
         "goodwill", "Carton sans calage : le transporteur a été relancé.", invoice=True),
    Plan(110, "minor", "billing", "letter", "refund", "Frais de port facturés deux fois",
         "Le client a reçu deux lignes de frais de port pour la même livraison.", 20, 25,
         "goodwill", "Saisie manuelle en double des frais de port.", invoice=True),
    Plan(95, "major", "late_delivery", "phone", "explanation", "Commande de mobilier livrée en retard",
         "Les bureaux devaient être livrés avant l'arrivée des nouveaux salariés.", 4, 8,
         "unfounded", "Date de livraison confirmée par écrit et respectée ; le client avait avancé l'emménagement."),
    Plan(80, "minor", "service", "visit", "explanation", "Technicien arrivé sans prévenir",
         "Intervention de maintenance sans rendez-vous confirmé.", 6, 9, "dropped", "",
         reopen_after=30),
    Plan(60, "critical", "quality", "email", "replacement", "Copieur en panne deux fois en une semaine",
         "Le copieur loué tombe en panne ; le service est bloqué.", 2, 6,
         "corrective", "Carte mère défectueuse : appareil échangé, contrôle ajouté à la préparation.", invoice=True),
    Plan(45, "major", "billing", "email", "refund", "Remise annuelle oubliée sur la facture",
         "La remise de 5 % prévue au contrat n'apparaît pas.", 9, 15,
         "corrective", "Remise contractuelle non reportée dans la fiche client.", invoice=True),
    Plan(30, "minor", "other", "web", "explanation", "Demande de reprise de l'ancien copieur",
         "Le client demande si nous reprenons l'ancien matériel.", 5),
    Plan(20, "major", "damaged", "phone", "replacement", "Carton de papier détrempé",
         "Deux cartons de ramettes livrés mouillés."),
    Plan(12, "critical", "late_delivery", "phone", "goodwill", "Cartouches urgentes non livrées",
         "Livraison express promise sous 24 h, rien reçu après trois jours.", 1),
    Plan(5, "minor", "service", "email", "explanation", "Hotline difficile à joindre",
         "Trois appels sans réponse la semaine dernière."),
    Plan(1, "major", "quality", "web", "replacement", "Fauteuil dont le vérin s'affaisse",
         "Le vérin du fauteuil ergonomique ne tient plus la hauteur.", assign=False),
]
# fmt: on


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


def load(rng: random.Random, users) -> None:
    customers = list(Contact.objects.filter(is_customer=True, is_active=True).order_by("pk")[:60])
    invoices = _issued_invoices()
    handlers = [users["commercial"], users["assistant"]]
    for plan in PLANS:
        received = DEMO_TODAY - dt.timedelta(days=plan.days_ago)
        # An invoice issued in the two months before the complaint, when the sales demo made one.
        recent = [i for i in invoices if received - dt.timedelta(days=60) <= i.date <= received] if plan.invoice else []
        invoice = rng.choice(recent) if recent else None
        customer = invoice.customer if invoice else (rng.choice(customers) if customers else None)
        if customer is None:
            return
        _play(plan, received, customer, invoice, rng.choice(handlers), users["direction"])


def _issued_invoices() -> list:
    """Issued invoices, if the sales demo made any (complaints do not depend on it)."""
    from pilote.sales.models import Invoice, InvoiceKind, InvoiceStatus

    invoices = Invoice.objects.filter(status=InvoiceStatus.ISSUED, kind=InvoiceKind.INVOICE, date__lte=DEMO_TODAY)
    return list(invoices.select_related("customer").order_by("date", "pk"))


def _play(plan: Plan, received: dt.date, customer, invoice, handler, boss) -> None:
    complaint = services.record_complaint(
        actor=boss if plan.assign else handler,
        at=_at(received, 9),
        customer=customer,
        received_on=received,
        channel=plan.channel,
        category=plan.category,
        severity=plan.severity,
        expectation=plan.expectation,
        subject=plan.subject,
        description=plan.description,
        invoice=invoice,
    )
    if not plan.assign:
        return
    complaint = services.assign_complaint(actor=boss, complaint=complaint, assignee=handler, at=_at(received, 11))
    services.add_note(
        actor=handler, complaint=complaint, text="Client rappelé pour préciser la demande.", at=_at(received, 15)
    )
    if plan.answer_after is None:
        return
    answered = received + dt.timedelta(days=plan.answer_after)
    services.answer_complaint(
        actor=handler,
        complaint=complaint,
        text=f"Bonjour, suite à votre réclamation « {plan.subject} », voici notre réponse et les suites données.",
        medium="email",
        at=_at(answered, 16),
    )
    if plan.close_after is None:
        return
    closed = received + dt.timedelta(days=plan.close_after)
    services.close_complaint(
        actor=handler,
        complaint=complaint,
        resolution=plan.resolution,
        root_cause=plan.root_cause,
        closed_on=closed,
        at=_at(closed, 17),
    )
    if plan.reopen_after is not None:
        services.reopen_complaint(
            actor=boss,
            complaint=complaint,
            reason="Le client signale un nouvel incident du même ordre.",
            at=_at(received + dt.timedelta(days=plan.reopen_after), 10),
        )
