"""Demo risks and quality data, posted through the services and dated from the demo's today: a risk register
of a dozen risks of every nature with their treatment actions (some reviews and actions overdue); the DUERP of
two work units with their hazards and prevention actions, one version validated four months ago, and the work
done since (an action finished, a hazard added) waiting for the next version."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from pilote.core.demo import DEMO_TODAY
from pilote.quality.services import duerp
from pilote.quality.services import risks as services

# (title, nature, owner, cause, consequence, P, I, controls, residual P, residual I, review in days, actions)
# Actions: (title, owner, due in days, status)
# fmt: off
RISKS = [
    ("Perte du premier client (22 % du chiffre d'affaires)", "strategic", "direction",
     "Dépendance à un grand compte ; renouvellement du contrat annuel en mars.",
     "Baisse brutale du chiffre d'affaires, sous-activité de l'équipe technique.", 3, 4,
     "Revue trimestrielle avec le client ; enquête de satisfaction.",
     2, 4, -10,
     [("Prospecter trois comptes de taille comparable", "direction", 45, "in_progress")]),
    ("Impayé d'un client important", "financial", "comptable",
     "Clients PME fragiles ; délais de paiement longs.",
     "Tension de trésorerie, dépréciation de créance.", 3, 3,
     "Relances automatiques ; limites d'encours par client.", 2, 3, 30,
     [("Souscrire une assurance-crédit", "comptable", -5, "planned")]),
    ("Rupture de trésorerie en été", "financial", "comptable",
     "Saisonnalité des encaissements, échéance de TVA et congés.",
     "Retards de paiement fournisseurs et salaires.", 2, 4,
     "Prévision de trésorerie mensuelle.", 1, 4, 60, []),
    ("Non-conformité à la facturation électronique", "legal", "comptable",
     "Réforme de 2026–2027 : réception puis émission obligatoires.",
     "Amendes, factures refusées par les clients.", 3, 3,
     "Logiciel compatible ; plateforme agréée choisie.", 1, 3, 90,
     [("Tester l'émission avec la plateforme agréée", "comptable", 20, "in_progress")]),
    ("Manquement RGPD sur les données clients", "legal", "direction",
     "Fichiers clients partagés par e-mail, pas de registre des traitements.",
     "Sanction de la CNIL, perte de confiance.", 2, 3,
     "", 2, 2, -3,
     [("Tenir le registre des traitements", "direction", -20, "planned"),
      ("Former l'équipe aux bonnes pratiques", "rh", 30, "planned")]),
    ("Panne du serveur de fichiers", "it", "direction",
     "Serveur de 7 ans, disque unique.", "Arrêt de l'activité administrative plusieurs jours.", 3, 3,
     "Sauvegarde hebdomadaire sur disque externe.", 2, 2, 15,
     [("Passer à une sauvegarde quotidienne hors site", "direction", -2, "in_progress")]),
    ("Rançongiciel", "it", "direction",
     "Hameçonnage, postes non mis à jour.", "Données chiffrées, activité arrêtée, rançon demandée.", 3, 4,
     "Antivirus ; mises à jour automatiques.", 2, 3, 30,
     [("Authentification à deux facteurs sur la messagerie", "direction", 10, "planned")]),
    ("Départ du technicien senior", "operational", "rh",
     "Compétences concentrées sur une personne.", "Interventions retardées, perte de savoir-faire.", 2, 3,
     "Fiches d'intervention partagées.", 2, 2, 45,
     [("Former un second technicien sur les copieurs couleur", "rh", 60, "planned")]),
    ("Retards de livraison du fournisseur principal", "operational", "direction",
     "Fournisseur unique de consommables ; tensions sur les transports.",
     "Clients livrés en retard, réclamations.", 3, 2,
     "Stock de sécurité sur les dix références les plus vendues.", 2, 2, 20,
     [("Référencer un second fournisseur", "direction", 30, "done")]),
    ("Avis négatifs en ligne", "reputation", "direction",
     "Réclamations mal traitées rendues publiques.", "Perte de prospects, image dégradée.", 2, 2,
     "Suivi des réclamations avec délais de réponse.", 1, 2, 120, []),
    ("Accident de la route d'un technicien", "operational", "rh",
     "Déplacements quotidiens chez les clients, véhicules de service.",
     "Blessure grave, arrêt de travail, responsabilité de l'employeur.", 2, 4,
     "Entretien des véhicules ; kit mains libres interdit en conduite.", 2, 3, -30,
     [("Stage de conduite préventive", "rh", 40, "planned")]),
]
# fmt: on


def load(rng: random.Random, users) -> None:
    services.update_settings(actor=users["direction"], risk_scale=4, headcount=14)
    _risks(users)
    _duerp(users)
    _nonconformities(users)
    _procedures(users)
    _audits(users)
    _survey(users)
    _watch(users)


def _risks(users) -> None:
    actor = users["direction"]
    for title, nature, owner, cause, consequence, p, i, controls, rp, ri, review, actions in RISKS:
        risk = services.create_risk(
            actor=actor, title=title, category=nature, owner=users[owner], cause=cause, consequence=consequence,
            likelihood=p, impact=i, controls=controls, residual_likelihood=rp, residual_impact=ri,
            review_on=DEMO_TODAY + dt.timedelta(days=review),
        )  # fmt: skip
        for action_title, action_owner, due, status in actions:
            action = services.add_action(
                actor=actor, risk=risk, title=action_title, owner=users[action_owner],
                due_on=DEMO_TODAY + dt.timedelta(days=due),
            )  # fmt: skip
            if status != "planned":
                done_on = min(DEMO_TODAY, action.due_on) if status == "done" else None
                services.set_action_status(actor=actor, action=action, status=status, done_on=done_on)


# (unit, description, exposed, hazards: (family, situation, frequency, severity, prevention, actions))
# Actions: (title, owner, due in days from the version, cost, status)
# fmt: off
UNITS = [
    ("Bureaux et accueil", "Administration, vente, accueil des clients (2e étage)", 7, [
        ("screens", "Travail prolongé sur écran, postes sans réglage de hauteur", 4, 2,
         "Écrans réglables, pauses libres",
         [("Fauteuils et supports d'écran réglables", "rh", 60, "1800", "in_progress")]),
        ("psychosocial", "Pics de charge en fin de mois, clients mécontents à l'accueil", 3, 3,
         "Entretiens annuels, procédure de réclamation",
         [("Formation à la gestion des situations tendues", "rh", 90, "1200", "planned")]),
        ("fall_level", "Câbles au sol et escalier vers l'archive", 2, 2, "Goulottes dans les bureaux", []),
    ]),
    ("Atelier et interventions chez les clients", "Préparation, installation et maintenance des copieurs", 5, [
        ("manual_handling", "Port de copieurs (40 à 90 kg) dans les escaliers", 3, 3,
         "Diable monte-escalier, travail à deux",
         [("Second diable monte-escalier électrique", "direction", 45, "2400", "planned")]),
        ("road", "Déplacements quotidiens en véhicule de service", 4, 4,
         "Entretien des véhicules, planning sans urgence",
         [("Stage de conduite préventive", "rh", 30, "900", "planned")]),
        ("chemical", "Poussières de toner lors du nettoyage des machines", 3, 2, "Aspirateur filtrant, gants",
         [("Masques FFP2 et fiche de poste", "direction", 20, "150", "planned")]),
        ("electrical", "Intervention sur copieurs sous tension", 2, 4, "Consignation avant ouverture", []),
    ]),
]
# fmt: on


def _duerp(users) -> None:
    actor = users["direction"]
    published = DEMO_TODAY - dt.timedelta(days=120)
    actions = []
    for name, description, exposed, hazards in UNITS:
        unit = duerp.create_work_unit(actor=users["rh"], name=name, description=description, exposed=exposed)
        for family, situation, frequency, severity, prevention, planned in hazards:
            hazard = duerp.add_hazard(actor=users["rh"], unit=unit, family=family, description=situation,
                                      frequency=frequency, severity=severity, prevention=prevention)  # fmt: skip
            for title, owner, due, cost, status in planned:
                action = duerp.add_prevention_action(
                    actor=users["rh"], hazard=hazard, title=title, owner=users[owner],
                    due_on=published + dt.timedelta(days=due), cost=Decimal(cost),
                )  # fmt: skip
                if status != "planned":
                    duerp.set_prevention_status(actor=users["rh"], action=action, status=status)
                actions.append(action)
    duerp.publish_duerp(actor=actor, published_on=published, note="Mise à jour annuelle, après consultation du CSE.")
    # Since the version: the masks were bought, and a new hazard was assessed (noise of the new shredder).
    done = next(a for a in actions if a.title.startswith("Masques"))
    duerp.set_prevention_status(
        actor=users["rh"], action=done, status="done", done_on=published + dt.timedelta(days=15)
    )
    office = duerp.WorkUnit.objects.get(name="Bureaux et accueil")
    duerp.add_hazard(actor=users["rh"], unit=office, family="noise", description="Destructeur de documents bruyant",
                     frequency=2, severity=1, prevention="Local fermé")  # fmt: skip


def _nonconformities(users) -> None:
    """Non-conformities from the demo complaints closed with a corrective action (complaints demo), and one
    from a supplier receipt: one through the whole PDCA loop, one with its actions under way."""
    from pilote.complaints.models import Complaint, Resolution
    from pilote.quality.services import nonconformities as ncs

    boss, seller = users["direction"], users["commercial"]
    complaints = list(Complaint.objects.filter(resolution=Resolution.CORRECTIVE).order_by("received_on", "pk")[:2])
    if len(complaints) == 2:
        first, second = complaints
        fix = "Toners du lot retirés du stock, client livré d'un toner neuf."
        nc = ncs.from_complaint(actor=seller, complaint=first, owner=boss, detected_on=first.received_on,
                                immediate_action=fix)  # fmt: skip
        nc = ncs.record_analysis(actor=boss, nc=nc, ishikawa="material", whys=[
            "Les impressions sont tachées.", "Le toner fuit.", "Le lot de toners est défectueux.",
            "Aucun contrôle des lots à réception.",
        ], root_cause="Pas de contrôle à réception des consommables d'un nouveau fournisseur.")  # fmt: skip
        action = ncs.add_capa(actor=boss, nc=nc, title="Contrôle par échantillon de chaque lot reçu", owner=seller,
                              due_on=first.received_on + dt.timedelta(days=20))  # fmt: skip
        prevent = ncs.add_capa(actor=boss, nc=nc, kind="preventive", owner=boss,
                               title="Clause qualité dans les contrats fournisseurs",
                               due_on=first.received_on + dt.timedelta(days=40))  # fmt: skip
        ncs.start_actions(actor=boss, nc=nc)
        ncs.set_capa_status(
            actor=seller, action=action, status="done", done_on=first.received_on + dt.timedelta(days=15)
        )
        ncs.set_capa_status(
            actor=boss, action=prevent, status="done", done_on=first.received_on + dt.timedelta(days=35)
        )
        ncs.request_check(actor=boss, nc=nc)
        ncs.check_effectiveness(actor=boss, nc=nc, effective=True, checked_on=first.received_on + dt.timedelta(days=90),
                                comment="Aucune réclamation de qualité toner sur les trois mois suivants.")  # fmt: skip
        nc = ncs.from_complaint(actor=seller, complaint=second, owner=seller, detected_on=second.received_on,
                                immediate_action="Copieur échangé sous 24 h.")  # fmt: skip
        cause = "Préparation des copieurs sans test de charge avant livraison."
        nc = ncs.record_analysis(actor=seller, nc=nc, ishikawa="method", root_cause=cause)
        ncs.add_capa(actor=seller, nc=nc, title="Test de 500 pages avant chaque livraison", owner=users["salarie"],
                     due_on=DEMO_TODAY - dt.timedelta(days=5))  # fmt: skip
        ncs.start_actions(actor=seller, nc=nc)
    ncs.open_nonconformity(
        actor=users["assistant"], origin="supplier", owner=boss, severity="major",
        detected_on=DEMO_TODAY - dt.timedelta(days=3), title="Ramettes livrées humides",
        description="Réception de 40 cartons de papier dont 6 détrempés ; bon de livraison signé avec réserves.",
        immediate_action="Cartons isolés et photographiés, réserves transmises au transporteur.",
    )  # fmt: skip


# (code, title, kind, approver role, reader roles, [(change note, body, days ago in force or None)], read by)
# fmt: off
PROCEDURES = [
    ("PR-REC-01", "Traitement des réclamations clients", "procedure", "direction", ["commercial", "assistant"], [
        ("Création", "1. Enregistrer toute réclamation le jour même.\n2. Accuser réception sous 48 h.\n"
         "3. Répondre au client sous 7 jours.", 400),
        ("Ouverture d'une non-conformité pour toute réclamation justifiée",
         "1. Enregistrer toute réclamation le jour même dans Pilote.\n2. Accuser réception sous 48 h.\n"
         "3. Répondre au client sous 7 jours.\n4. Réclamation justifiée : ouvrir une non-conformité et analyser "
         "la cause (5 pourquoi).", 60),
    ], ["commercial"]),
    ("PR-ACH-01", "Contrôle à réception des marchandises", "procedure", "direction", ["assistant", "salarie"], [
        ("Création", "1. Compter les colis devant le transporteur.\n2. Ouvrir et contrôler l'aspect.\n"
         "3. Émettre des réserves précises sur le bon de livraison.\n4. Contrôler un échantillon de chaque lot "
         "de consommables.", 200),
    ], ["assistant"]),
    ("IT-ATL-01", "Port de copieurs et diable monte-escalier", "instruction", "rh", ["salarie"], [
        ("Création", "Au-delà de 40 kg : toujours à deux.\nEscaliers : diable monte-escalier, sangles serrées.\n"
         "Chaussures de sécurité obligatoires.", 150),
    ], []),
    ("PR-RH-01", "Accueil d'un nouveau salarié", "procedure", "direction", ["rh", "direction"], [
        ("Création", "1. Déclaration préalable à l'embauche.\n2. Inscription au registre du personnel.\n"
         "3. Remise du livret d'accueil et présentation du DUERP.", 300),
        ("Ajout de la visite d'information et de prévention",
         "1. Déclaration préalable à l'embauche.\n2. Inscription au registre du personnel.\n"
         "3. Remise du livret d'accueil et présentation du DUERP.\n4. Visite d'information et de prévention "
         "dans les 3 mois.", None),
    ], ["rh", "direction"]),
    ("PR-INF-01", "Sauvegardes et mots de passe", "procedure", "direction",
     ["direction", "comptable", "commercial", "rh", "assistant", "salarie"], [
        ("Création", "1. Mot de passe de 12 caractères au moins, différent pour chaque service.\n"
         "2. Double authentification sur la messagerie.\n3. Ne jamais ouvrir une pièce jointe inattendue.\n"
         "4. Sauvegarde quotidienne vérifiée chaque lundi.", 20),
    ], ["direction"]),
]
# fmt: on


def _procedures(users) -> None:
    from pilote.quality.services import procedures

    for code, title, kind, approver, readers, versions, read_by in PROCEDURES:
        procedure = procedures.create_procedure(
            actor=users["direction"], code=code, title=title, kind=kind, owner=users["rh"], approver_role=approver,
            reader_roles=readers, body=versions[0][1], change_note=versions[0][0],
        )  # fmt: skip
        version = procedure.versions.get()
        for step, (note, body, days) in enumerate(versions):
            if step:
                version = procedures.new_draft(actor=users["rh"], procedure=procedure, body=body, change_note=note)
            if days is None:
                continue  # a draft waiting for its approval
            day = DEMO_TODAY - dt.timedelta(days=days)
            procedures.approve(actor=users[approver], version=version, approved_on=day - dt.timedelta(days=3),
                               comment="Relue et validée.")  # fmt: skip
            procedures.put_in_force(actor=users["rh"], version=version, in_force_on=day)
        current = procedures.in_force(procedure)
        for role in read_by:
            procedures.acknowledge(actor=users[role], version=current)


# fmt: off
AUDIT_GRID = [
    ("Les réclamations sont enregistrées le jour de leur réception.", "Registre des réclamations, dates",
     "conform", "10 réclamations tirées au hasard : toutes enregistrées le jour même."),
    ("Chaque réclamation reçoit une réponse sous 7 jours.", "Dates de réponse dans le registre",
     "observation", "2 réponses sur 10 à 8 et 9 jours, client prévenu du délai."),
    ("Les réceptions sont contrôlées et les réserves notées sur le bon de livraison.",
     "Bons de livraison signés, procédure PR-ACH-01", "minor",
     "3 bons de livraison sur 12 signés sans contrôle ni réserve, dont un lot de toners défectueux."),
    ("Les salariés concernés ont attesté la lecture des procédures en vigueur.", "Accusés de lecture",
     "conform", "Accusés de lecture présents pour PR-REC-01 et PR-ACH-01."),
]
# fmt: on


def _audits(users) -> None:
    from pilote.quality.services import audits

    boss = users["direction"]
    done = audits.plan_audit(
        actor=boss, title="Audit interne du processus client", kind="internal", lead=users["assistant"],
        scope="Traitement des réclamations et contrôle à réception (procédures PR-REC-01 et PR-ACH-01).",
        planned_on=DEMO_TODAY - dt.timedelta(days=45), auditees="Service commercial, accueil et magasin",
        questions=[(question, evidence) for question, evidence, _, _ in AUDIT_GRID],
    )  # fmt: skip
    audits.start_audit(actor=users["assistant"], audit=done, performed_on=DEMO_TODAY - dt.timedelta(days=44))
    for item, (_, _, result, comment) in zip(done.items.order_by("position"), AUDIT_GRID, strict=True):
        audits.record_finding(actor=users["assistant"], item=item, result=result, comment=comment, nc_owner=boss)
    audits.close_audit(actor=users["assistant"], audit=done, conclusion=(
        "Processus maîtrisé dans l'ensemble ; une non-conformité mineure sur le contrôle à réception, "
        "une observation sur les délais de réponse."))  # fmt: skip
    audits.plan_audit(
        actor=boss, title="Audit interne RH et sécurité", kind="internal", lead=users["rh"],
        scope="Accueil des nouveaux salariés (PR-RH-01), DUERP et port de charges (IT-ATL-01).",
        planned_on=DEMO_TODAY + dt.timedelta(days=60), auditees="Atelier et administration",
        questions=[("Le DUERP a été présenté aux nouveaux salariés.", "Livret d'accueil signé"),
                   ("Le port de charges se fait à deux au-delà de 40 kg.", "Observation sur le terrain")],
    )  # fmt: skip


# One customer's answers: (NPS, delivery 1–5, how they knew us, what they like, comment)
# fmt: off
SURVEY_ANSWERS = [
    (10, 5, "Bouche-à-oreille", ["Réactivité", "Conseil"], "Technicien très compétent, merci !"),
    (9, 4, "Salon professionnel", ["Prix", "Réactivité"], ""),
    (9, 5, "Bouche-à-oreille", ["Conseil"], "Toujours un bon conseil sur le choix des copieurs."),
    (8, 4, "Site internet", ["Prix"], ""),
    (7, 3, "Site internet", ["Réactivité"], "Livraison correcte mais un peu tardive."),
    (10, 5, "Bouche-à-oreille", ["Réactivité", "Conseil", "Prix"], ""),
    (6, 2, "Démarchage", ["Prix"], "Le toner livré fuyait, il a fallu relancer deux fois."),
    (9, 4, "Salon professionnel", ["Conseil"], ""),
    (3, 2, "Site internet", [], "Facture reçue en double, délai de réponse trop long."),
    (8, 4, "Bouche-à-oreille", ["Réactivité"], ""),
]
# fmt: on


def _survey(users) -> None:
    from pilote.contacts.models import Contact
    from pilote.quality.services import surveys

    seller = users["commercial"]
    survey = surveys.create_survey(
        actor=seller, title=f"Satisfaction clients {DEMO_TODAY.year}", audience="customers",
        intro="Merci de prendre deux minutes pour nous dire ce que vous pensez de nos services.",
    )  # fmt: skip
    nps = surveys.add_question(actor=seller, survey=survey, kind="nps",
                               text="Recommanderiez-vous Lumen Bureautique à un confrère ?")  # fmt: skip
    delivery = surveys.add_question(actor=seller, survey=survey, kind="scale5",
                                    text="Êtes-vous satisfait des délais de livraison et d'intervention ?")  # fmt: skip
    sources = ["Bouche-à-oreille", "Site internet", "Salon professionnel", "Démarchage"]
    known = surveys.add_question(actor=seller, survey=survey, kind="single", text="Comment nous avez-vous connus ?",
                                 choices=sources)  # fmt: skip
    liked = surveys.add_question(actor=seller, survey=survey, kind="multiple", required=False,
                                 text="Qu'appréciez-vous chez nous ?",
                                 choices=["Réactivité", "Conseil", "Prix"])  # fmt: skip
    comment = surveys.add_question(actor=seller, survey=survey, kind="text", required=False,
                                   text="Un commentaire, une suggestion ?")  # fmt: skip
    surveys.open_survey(actor=seller, survey=survey)
    customers = list(Contact.objects.filter(is_customer=True, is_active=True).order_by("pk")[:14])
    links = surveys.invite(actor=seller, survey=survey, contacts=customers, base_url="http://localhost", send=False)
    for link, (score, rating, source, likes, text) in zip(links, SURVEY_ANSWERS, strict=False):
        surveys.submit(invitation=link.invitation, values={
            nps.pk: score, delivery.pk: rating, known.pk: source, liked.pk: likes, comment.pk: text,
        })  # fmt: skip


def _watch(users) -> None:
    """Two sources served from the feeds shipped with the demo (quality/demo_feeds/), relevées once; one item
    triaged relevant and shared with sales staff."""
    from pilote.quality.models import WatchItem
    from pilote.quality.services import watch

    boss = users["direction"]
    legal = watch.create_source(actor=boss, name="Veille juridique PME", url="fichier:juridique.xml",
                                category="legal", keywords="DUERP, RGPD, facturation électronique")  # fmt: skip
    sector = watch.create_source(actor=boss, name="Bureautique et impression", url="fichier:secteur.xml",
                                 category="sector")  # fmt: skip
    watch.fetch_source(legal)
    watch.fetch_source(sector)
    tender = WatchItem.objects.filter(source=sector, title__startswith="Appel d'offres").first()
    if tender is not None:
        watch.triage(actor=boss, item=tender, status="relevant", shared_roles=["commercial"],
                     note="À étudier avec l'équipe commerciale : réponse avant fin janvier.")  # fmt: skip
