"""Demo risks and quality data, posted through the services and dated from the demo's today: a risk register
of a dozen risks of every nature with their treatment actions (some reviews and actions overdue)."""

from __future__ import annotations

import datetime as dt
import random

from pilote.core.demo import DEMO_TODAY
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
