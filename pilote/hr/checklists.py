"""Onboarding and exit checklists (issue 12 point 1), pure: the steps of an arrival and of a departure, each with
its legal basis where one applies, and when each is due relative to the entry or exit date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ARRIVAL, DEPARTURE = "arrivee", "depart"
KIND_CHOICES = [(ARRIVAL, "Arrivée"), (DEPARTURE, "Départ")]


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    days: int  # due this many days after the entry or exit date (negative: before)


ARRIVAL_STEPS = [
    Step("dpae", "Déclaration préalable à l'embauche (DPAE) à l'URSSAF, avant la prise de poste (L1221-10)", -1),
    Step("contrat", "Contrat de travail signé (écrit obligatoire en CDD ou à temps partiel, L1242-12, L3123-6)", 0),
    Step("identite", "Pièce d'identité, et titre autorisant à travailler pour un salarié étranger (L5221-8)", 0),
    Step("secu", "Numéro de sécurité sociale et coordonnées bancaires pour la paie", 0),
    Step("registre", "Inscription au registre unique du personnel (L1221-13)", 0),
    Step("mutuelle", "Affiliation à la complémentaire santé collective, ou dispense signée (L911-7)", 0),
    Step("equipement", "Poste de travail, badge, clés, véhicule ou téléphone remis", 0),
    Step("acces", "Comptes et accès informatiques ouverts", 0),
    Step("accueil", "Livret d'accueil, règlement intérieur et document unique des risques présentés", 7),
    Step("securite", "Formation pratique à la sécurité du poste (L4141-2)", 7),
    Step("vip", "Visite d'information et de prévention (santé au travail), dans les 3 mois (R4624-10)", 90),
]  # fmt: skip
DEPARTURE_STEPS = [
    Step("registre", "Date de sortie inscrite au registre unique du personnel", 0),
    Step("certificat", "Certificat de travail remis (L1234-19)", 0),
    Step("solde", "Reçu pour solde de tout compte établi et remis (L1234-20), congés payés restants inclus", 0),
    Step("france_travail", "Attestation employeur destinée à France Travail (R1234-9)", 0),
    Step("mutuelle", "Information sur la portabilité de la complémentaire santé et de la prévoyance (L911-8)", 0),
    Step("equipement", "Équipement restitué (poste, badge, clés, véhicule, téléphone)", 0),
    Step("acces", "Comptes et accès informatiques fermés", 0),
    Step("bulletin", "Dernier bulletin de paie transmis au gestionnaire de paie", 7),
]  # fmt: skip
STEPS = {ARRIVAL: ARRIVAL_STEPS, DEPARTURE: DEPARTURE_STEPS}


def due(step: Step, anchor: dt.date) -> dt.date:
    return anchor + dt.timedelta(days=step.days)
