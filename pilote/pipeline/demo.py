"""Demo pipeline of an office-equipment company: ~20 opportunities in every stage (2 won, 2 lost) and
two tenders, one in preparation with its documents, grid and tasks (offers due in one to two weeks), one lost
some six months ago.

Dated from DEMO_TODAY (the tenders' calendar through `_day`, whatever the year the demo is loaded in); contacts
are drawn with the demo's seeded generator, so the same demo comes out on every machine. Stage changes are
logged on the contacts' history through the contacts service.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction

from pilote.contacts import services as contact_services
from pilote.contacts.models import Contact, InteractionKind
from pilote.core.demo import DEMO_TODAY
from pilote.lib.minipdf import text_pdf
from pilote.pipeline.models import (
    Decision,
    DocumentKind,
    Opportunity,
    Procedure,
    StageChange,
    Tender,
    TenderCriterion,
    TenderDocument,
    TenderStatus,
    TenderTask,
)
from pilote.pipeline.scoring import DEFAULT_CRITERIA
from pilote.pipeline.stages import Stage, default_probability
from pilote.pipeline.storage import private_storage, tender_upload_to

PARIS = ZoneInfo("Europe/Paris")
OPEN_ORDER = [Stage.NEW, Stage.QUALIFICATION, Stage.PROPOSAL, Stage.NEGOTIATION]

# (title, amount excl. VAT, stage, source, next action, days from DEMO_TODAY to the next action, owner)
OPPORTUNITIES = [
    (
        "Renouvellement du parc de copieurs (3 sites)",
        "18450",
        Stage.NEW,
        "entrant",
        "Visite des sites",
        4,
        "commercial",
    ),
    ("Contrat de maintenance copieurs 36 mois", "6840", Stage.NEW, "client", "Appel de découverte", -2, "commercial"),
    (
        "Équipement d'un nouvel open space (12 postes)",
        "9870",
        Stage.NEW,
        "salon",
        "Envoyer la brochure mobilier",
        6,
        "assistant",
    ),
    ("Imprimantes réseau pour l'accueil", "1347", Stage.NEW, "site", "Rappeler la responsable", 1, "commercial"),
    ("Audit du parc d'impression", "1950", Stage.NEW, "recommandation", "Proposer un rendez-vous", 9, "direction"),
    (
        "Copieur couleur A3 pour le service communication",
        "4890",
        Stage.QUALIFICATION,
        "entrant",
        "Valider le volume mensuel",
        3,
        "commercial",
    ),
    (
        "Fauteuils ergonomiques (lot de 20)",
        "6580",
        Stage.QUALIFICATION,
        "prospection",
        "Essai de deux modèles",
        12,
        "assistant",
    ),
    (
        "Gestion des impressions en paiement à la copie",
        "7200",
        Stage.QUALIFICATION,
        "recommandation",
        "Relevé des compteurs",
        -5,
        "commercial",
    ),
    (
        "Formation bureautique des nouveaux arrivants",
        "2520",
        Stage.QUALIFICATION,
        "client",
        "Fixer les dates de session",
        20,
        "direction",
    ),
    ("Remplacement de 8 imprimantes laser", "3592", Stage.PROPOSAL, "client", "Relancer sur le devis", 2, "commercial"),
    (
        "Aménagement de la salle de réunion",
        "4760",
        Stage.PROPOSAL,
        "salon",
        "Envoyer le plan d'implantation",
        8,
        "assistant",
    ),
    (
        "Copieurs multifonctions en location évolutive",
        "22800",
        Stage.PROPOSAL,
        "prospection",
        "Présentation au comité de direction",
        10,
        "direction",
    ),
    (
        "Contrat papier et consommables annuel",
        "5400",
        Stage.PROPOSAL,
        "client",
        "Relancer sur le devis",
        -1,
        "commercial",
    ),
    (
        "Parc complet : copieurs, maintenance et consommables",
        "31500",
        Stage.NEGOTIATION,
        "recommandation",
        "Négocier la durée d'engagement",
        5,
        "direction",
    ),
    (
        "Bureaux et rangements du nouveau siège",
        "14280",
        Stage.NEGOTIATION,
        "entrant",
        "Rendez-vous avec l'acheteur",
        7,
        "commercial",
    ),
    (
        "Extension du contrat de maintenance à 2 agences",
        "3420",
        Stage.NEGOTIATION,
        "client",
        "Envoyer l'avenant",
        0,
        "commercial",
    ),
    ("Copieur monochrome pour l'atelier", "1290", Stage.WON, "entrant", "", 0, "commercial"),
    ("Mobilier de l'espace d'accueil", "8650", Stage.WON, "salon", "", 0, "assistant"),
    ("Renouvellement des imprimantes du cabinet", "2694", Stage.LOST, "prospection", "", 0, "commercial"),
]
# The tenders' calendar was written for a demo loaded on Tuesday 24 November 2026: `_day` moves its dates by the
# whole weeks between that day and DEMO_TODAY, so each keeps its weekday (no deadline on a Sunday) and its place
# (done before today, to do from today on) in a demo loaded on any day of any year.
WRITTEN_ON = dt.date(2026, 11, 24)


def _day(month: int, day: int, year: int = 2026) -> dt.date:
    """The calendar's day `year-month-day` moved to a demo loaded on DEMO_TODAY (6 days before it at most)."""
    weeks = (DEMO_TODAY - WRITTEN_ON).days // 7
    return dt.date(year, month, day) + dt.timedelta(weeks=weeks)


WON_DATES = [_day(9, 18), _day(10, 21)]
# The tenders' references: the year they were published in.
OPEN_REFERENCE = f"{_day(10, 12).year}-DSI-047"
LOST_REFERENCE = f"{_day(5, 4).year}-LYC-012"
LOST_DETAILS = ("prix", "Le concurrent proposait 12 % de moins avec trois ans de garantie.")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=PARIS)


def _pick_contacts(rng: random.Random, count: int) -> list[Contact]:
    pool = list(
        Contact.objects.filter(is_active=True, kind="organisation")
        .exclude(is_supplier=True)
        .exclude(is_funder=True)
        .filter(is_customer=True)
        .order_by("pk")
    )
    prospects = list(Contact.objects.filter(is_active=True, is_prospect=True, is_customer=False).order_by("pk"))
    chosen = rng.sample(prospects, k=min(len(prospects), count // 2)) + rng.sample(pool, k=min(len(pool), count))
    return chosen[:count]


def _log(actor, contact, when: dt.datetime, subject: str, body: str = "") -> None:
    contact_services.log_interaction(
        actor=actor,
        contact=contact,
        kind=InteractionKind.NOTE,
        source_perm="pipeline.view",
        occurred_at=when,
        subject=subject[:200],
        body=body,
    )


def _opportunity(rng, users, contact, row, index: int) -> Opportunity:
    title, amount, stage, source, action, action_days, owner = row
    created = DEMO_TODAY - dt.timedelta(days=rng.randint(20, 160))
    path = OPEN_ORDER[: OPEN_ORDER.index(stage) + 1] if stage in OPEN_ORDER else [*OPEN_ORDER[:3], stage]
    closed_on = None
    if stage == Stage.WON:
        closed_on = WON_DATES[index % 2]
    elif stage == Stage.LOST:
        closed_on = _day(7, 9)
    created = min(created, (closed_on or DEMO_TODAY) - dt.timedelta(days=10 * len(path)))
    opportunity = Opportunity.objects.create(
        contact=contact,
        title=title,
        stage=stage,
        amount=Decimal(amount),
        probability=default_probability(stage),
        expected_close_date=closed_on or DEMO_TODAY + dt.timedelta(days=rng.choice([15, 30, 45, 60, 90])),
        owner=users[owner],
        source=source,
        next_action=action,
        next_action_date=DEMO_TODAY + dt.timedelta(days=action_days) if action else None,
        lost_reason=LOST_DETAILS[0] if stage == Stage.LOST else "",
        lost_details=LOST_DETAILS[1] if stage == Stage.LOST else "",
        closed_on=closed_on,
        created_at=_at(created),
    )
    _history(opportunity, path, created, closed_on or DEMO_TODAY - dt.timedelta(days=2))
    return opportunity


def _history(opportunity: Opportunity, path: list[str], start: dt.date, end: dt.date) -> None:
    step = max((end - start).days // max(len(path) - 1, 1), 1)
    previous = ""
    actor = opportunity.owner
    for position, stage in enumerate(path):
        day = end if position == len(path) - 1 and position else start + dt.timedelta(days=step * position)
        when = _at(day, 9 + position)
        StageChange.objects.create(
            opportunity=opportunity, from_stage=previous, to_stage=stage, changed_by=actor, changed_at=when
        )
        if not previous:
            subject = f"Nouvelle opportunité « {opportunity.title} » ({Stage(stage).label})"
        elif stage == Stage.WON:
            subject = f"Opportunité gagnée : « {opportunity.title} »"
        elif stage == Stage.LOST:
            subject = f"Opportunité perdue : « {opportunity.title} »"
        else:
            subject = f"Opportunité « {opportunity.title} » : {Stage(previous).label} → {Stage(stage).label}"
        body = opportunity.lost_details if stage == Stage.LOST else ""
        _log(actor, opportunity.contact, when, subject, body)
        previous = stage


def load(rng: random.Random, users: dict) -> None:
    contacts = _pick_contacts(rng, len(OPPORTUNITIES))
    won = 0
    for index, row in enumerate(OPPORTUNITIES):
        _opportunity(rng, users, contacts[index % len(contacts)], row, won)
        won += row[2] == Stage.WON
    _tender_in_preparation(users)
    _tender_lost(users)


def _buyer(name: str, fallback_index: int) -> Contact:
    buyer = Contact.objects.filter(name=name).first()
    return buyer or Contact.objects.filter(is_customer=True).order_by("pk")[fallback_index]


def _tender_in_preparation(users) -> None:
    buyer = _buyer("Métropole de Lyon", 0)
    opportunity = Opportunity.objects.create(
        contact=buyer,
        title=f"Copieurs multifonctions des services métropolitains (AO {OPEN_REFERENCE})",
        stage=Stage.PROPOSAL,
        amount=Decimal("186000"),
        probability=40,
        expected_close_date=_day(1, 15, 2027),
        owner=users["direction"],
        source="appel_offres",
        next_action="Finaliser le mémoire technique",
        next_action_date=_day(11, 25),
        created_at=_at(_day(10, 14)),
    )
    _history(opportunity, OPEN_ORDER[:3], _day(10, 14), _day(10, 28))
    tender = Tender.objects.create(
        buyer=buyer,
        title="Location et maintenance de copieurs multifonctions pour les services métropolitains",
        reference=OPEN_REFERENCE,
        procedure=Procedure.OPEN,
        published_on=_day(10, 12),
        questions_deadline=_at(_day(11, 27), 12),
        submission_deadline=_at(_day(12, 8), 12),
        estimated_value=Decimal("180000"),
        owner=users["direction"],
        opportunity=opportunity,
        status=TenderStatus.PREPARING,
        decision=Decision.GO,
        offer_amount=None,
        notes="Lot 1 (copieurs A3 couleur) seulement ; visite des sites facultative.",
        created_at=_at(_day(10, 14)),
    )
    scores = [5, 4, 3, 3, 4, 2]
    TenderCriterion.objects.bulk_create(
        TenderCriterion(tender=tender, label=label, weight=weight, score=scores[i], position=i)
        for i, (label, weight) in enumerate(DEFAULT_CRITERIA)
    )
    tasks = [
        ("Télécharger et lire le DCE", "direction", _day(10, 16), True),
        ("Poser nos questions sur les volumes d'impression", "commercial", _day(11, 20), True),
        ("Rassembler Kbis, attestations URSSAF et fiscales (DC1, DC2)", "assistant", _day(11, 10), True),
        ("Chiffrer le bordereau des prix unitaires", "commercial", _day(11, 30), False),
        ("Rédiger le mémoire technique", "direction", _day(12, 2), False),
        ("Déposer l'offre signée sur la plateforme", "assistant", _day(12, 7), False),
    ]
    TenderTask.objects.bulk_create(
        TenderTask(
            tender=tender,
            title=title,
            assignee=users[who],
            due_date=due,
            done=done,
            done_at=_at(due, 17) if done else None,
        )
        for title, who, due, done in tasks
    )
    files = [
        (DocumentKind.DCE, f"RC_{OPEN_REFERENCE}.pdf", _pdf("Règlement de la consultation", RC_LINES)),
        (DocumentKind.DCE, f"CCTP_{OPEN_REFERENCE}.pdf", _pdf("Cahier des clauses techniques", CCTP_LINES)),
        (DocumentKind.ANSWER, "memoire-technique-brouillon.txt", MEMO.encode()),
    ]
    for kind, name, content in files:
        document = TenderDocument(
            tender=tender,
            kind=kind,
            original_name=name,
            size=len(content),
            uploaded_by=users["direction"],
            uploaded_at=_at(_day(10, 16)),
        )
        document.file.name = private_storage.generate_filename(tender_upload_to(document, name))
        document.save()
        _write_on_commit(document.file.name, content)


def _write_on_commit(name: str, content: bytes) -> None:
    """Files are written once the demo is committed: a rolled-back load (the demo's determinism test)
    leaves no orphan file behind."""

    def write():
        path = Path(private_storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    transaction.on_commit(write)


def _tender_lost(users) -> None:
    buyer = _buyer("Région Auvergne-Rhône-Alpes", 1)
    opportunity = Opportunity.objects.create(
        contact=buyer,
        title=f"Mobilier de bureau des lycées (MAPA {LOST_REFERENCE})",
        stage=Stage.LOST,
        amount=Decimal("48600"),
        probability=0,
        expected_close_date=_day(6, 30),
        owner=users["commercial"],
        source="appel_offres",
        lost_reason="concurrent",
        lost_details="Attribué à Bureaux & Collectivités SAS (44 900 € HT).",
        closed_on=_day(6, 26),
        created_at=_at(_day(5, 6)),
    )
    _history(opportunity, [Stage.NEW, Stage.PROPOSAL, Stage.LOST], _day(5, 6), _day(6, 26))
    tender = Tender.objects.create(
        buyer=buyer,
        title="Fourniture de mobilier de bureau pour les lycées de la Région",
        reference=LOST_REFERENCE,
        procedure=Procedure.MAPA,
        published_on=_day(5, 4),
        questions_deadline=_at(_day(5, 22), 12),
        submission_deadline=_at(_day(6, 5), 12),
        estimated_value=Decimal("50000"),
        owner=users["commercial"],
        opportunity=opportunity,
        status=TenderStatus.LOST,
        decision=Decision.GO,
        offer_amount=Decimal("48600"),
        outcome_reasons=(
            f"Lettre de rejet du {_day(6, 26):%d/%m/%Y} : prix 36/40 (attributaire 40/40), valeur technique 50/60 "
            "(délais de livraison jugés longs). Note globale 86/100 contre 91/100."
        ),
        winner_name="Bureaux & Collectivités SAS",
        winning_price=Decimal("44900"),
        created_at=_at(_day(5, 6)),
    )
    scores = [4, 3, 2, 2, 3, 4]
    TenderCriterion.objects.bulk_create(
        TenderCriterion(tender=tender, label=label, weight=weight, score=scores[i], position=i)
        for i, (label, weight) in enumerate(DEFAULT_CRITERIA)
    )
    TenderTask.objects.bulk_create(
        TenderTask(tender=tender, title=title, assignee=users["commercial"], due_date=due, done=True, done_at=_at(due))
        for title, due in (("Chiffrer le BPU", _day(5, 28)), ("Déposer l'offre", _day(6, 4)))
    )
    _log(
        users["commercial"],
        buyer,
        _at(_day(6, 26), 15),
        f"Appel d'offres perdu : « {tender.title} »",
        tender.outcome_reasons,
    )


RC_LINES = [
    "Métropole de Lyon - Direction des systèmes d'information",
    "Objet : location et maintenance de copieurs multifonctions",
    "Procédure : appel d'offres ouvert (articles L2124-2 et R2161-2 du code de la commande publique)",
    f"Date limite des questions : {_day(11, 27):%d/%m/%Y} à 12h00",
    f"Date limite de remise des offres : {_day(12, 8):%d/%m/%Y} à 12h00",
    "Critères : prix 40 %, valeur technique 50 %, développement durable 10 %",
]
CCTP_LINES = [
    "Lot 1 : 85 copieurs A3 couleur, 40 000 copies par mois en moyenne",
    "Délai d'intervention : 4 heures ouvrées ; taux de disponibilité 98 %",
    "Durée : 48 mois ; reprise et recyclage du parc existant",
]
MEMO = (
    "Mémoire technique (brouillon)\n\n1. Présentation de Lumen Bureautique\n2. Matériel proposé : C300\n"
    "3. Organisation de la maintenance (2 techniciens dédiés)\n4. Démarche environnementale\n"
)


def _pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and a few lines (Helvetica, WinAnsi): enough for a placeholder."""
    return text_pdf(lines, title=title)
