"""A territorial needs study in the association's and the social establishment's demos (load_demo --type …),
through the services: areas with a reference, sources, indicators by theme with their values, findings, validated.
The figures are the demo's own, shaped like the public statistics named as sources — not those statistics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.core.demo import DEMO_TODAY
from pilote.office.services import territory

# The study was carried out six weeks ago; its own questionnaire is of that year.
CARRIED_OUT_ON = DEMO_TODAY - dt.timedelta(days=45)

# fmt: off
STUDIES = {
    "social": {
        "title": "Besoins d'accompagnement à domicile des personnes âgées",
        "territory": "Villeurbanne",
        "population": "Personnes de 75 ans et plus vivant à domicile",
        "purpose": "Préparer l'extension du service d'aide et d'accompagnement à domicile (SAAD) prévue au CPOM : "
                   "où les besoins sont-ils les plus forts, et lesquels ?",
        "method": "Indicateurs publics par quartier comparés à la Métropole de Lyon ; entretiens avec le CCAS, "
                  "deux médecins traitants et le centre social ; questionnaire auprès de 84 usagers. "
                  "Chiffres de démonstration.",
        "conclusion": "Les besoins se concentrent à Saint-Jean (isolement, revenus modestes) : ouvrir une antenne et "
                      "renforcer les visites de convivialité ; aux Buers, l'offre actuelle suffit.",
        "areas": ["Saint-Jean", "Buers – Croix-Luizet", "Gratte-Ciel"],
        "reference": "Métropole de Lyon",
        "sources": [("INSEE, recensement de la population", "INSEE", 2021),
                    ("Fichier des allocataires", "CAF du Rhône", 2024),
                    ("Questionnaire aux usagers", "la structure", CARRIED_OUT_ON.year)],
        "indicators": [
            ("Démographie", "Part des 75 ans et plus dans la population", "%", True, 0,
             ["11.8", "9.6", "8.1"], "9.0"),
            ("Démographie", "Part des 75 ans et plus vivant seules", "%", True, 0, ["52.4", "41.0", "44.3"], "43.5"),
            ("Revenus", "Revenu médian disponible par unité de consommation", "€", False, 0,
             ["17 450", "21 900", "23 300"], "23 100"),
            ("Offre", "Places en SAAD pour 1 000 personnes de 75 ans et plus", "places", False, 1,
             ["38", "61", "55"], "57"),
            ("Santé", "Part des usagers sortis d'hospitalisation sans aide organisée", "%", True, 2,
             ["27", "12", "15"], None),
        ],
        "findings": [
            (1, "Isolement", "Rompre l'isolement des 75 ans et plus à Saint-Jean",
             "52,4 % vivent seules (43,5 % dans la Métropole) ; cité par le CCAS et le centre social.",
             "Visites de convivialité hebdomadaires avec les bénévoles ; repérage par les aides à domicile."),
            (1, "Offre", "Manque d'heures d'aide à domicile à Saint-Jean",
             "38 places pour 1 000 contre 57 dans la Métropole (−33,3 %).",
             "Ouvrir une antenne à Saint-Jean et y affecter deux aides à domicile."),
            (2, "Santé", "Retours d'hospitalisation mal préparés",
             "27 % des usagers de Saint-Jean rentrés sans aide organisée.",
             "Convention avec le service social de l'hôpital pour un appel avant la sortie."),
        ],
    },
    "association": {
        "title": "Besoins culturels des jeunes du territoire",
        "territory": "Lyon 1er et 4e arrondissements",
        "population": "Jeunes de 15 à 25 ans",
        "purpose": "Étayer la demande de subvention de la Métropole pour les ateliers de théâtre jeunes.",
        "method": "Indicateurs publics comparés à la ville de Lyon ; questionnaire auprès de 120 jeunes à la sortie "
                  "des lycées ; entretiens avec deux MJC. Chiffres de démonstration.",
        "conclusion": "Dans le 4e, peu d'offre de pratique théâtrale pour une forte part de jeunes : les ateliers du "
                      "mercredi y répondent en priorité.",
        "areas": ["Lyon 1er", "Lyon 4e"],
        "reference": "Ville de Lyon",
        "sources": [("INSEE, recensement de la population", "INSEE", 2021),
                    ("Base permanente des équipements", "INSEE", 2023),
                    ("Questionnaire aux jeunes", "l'association", CARRIED_OUT_ON.year)],
        "indicators": [
            ("Démographie", "Part des 15-25 ans dans la population", "%", True, 0, ["17.2", "14.9"], "15.1"),
            ("Offre", "Lieux de pratique théâtrale pour 10 000 habitants", "lieux", False, 1, ["4.1", "1.2"], "2.0"),
            ("Pratiques", "Jeunes souhaitant pratiquer le théâtre sans le faire", "%", True, 2, ["21", "34"], None),
        ],
        "findings": [
            (1, "Offre", "Peu de lieux de pratique théâtrale dans le 4e",
             "1,2 lieu pour 10 000 habitants contre 2 dans la ville (−40 %).",
             "Ateliers du mercredi délocalisés à la MJC du 4e."),
            (2, "Pratiques", "Une envie de pratique non satisfaite",
             "34 % des jeunes interrogés dans le 4e voudraient pratiquer.", "Tarif jeune à 5 € la séance."),
        ],
    },
}
# fmt: on


def load(rng, users) -> None:
    from pilote.core.models import Structure

    structure = Structure.objects.filter(pk=1).first()
    data = STUDIES.get(structure.type if structure else "", STUDIES["social"])
    actor = users["direction"]
    study = territory.create_study(
        actor=actor, title=data["title"], territory=data["territory"], population=data["population"],
        purpose=data["purpose"], method=data["method"], conclusion=data["conclusion"],
        carried_out_on=CARRIED_OUT_ON,
    )  # fmt: skip
    areas = [territory.add_area(actor=actor, study=study, name=name) for name in data["areas"]]
    reference = territory.add_area(actor=actor, study=study, name=data["reference"], is_reference=True)
    sources = [territory.add_source(actor=actor, study=study, name=name, producer=producer, year=year)
               for name, producer, year in data["sources"]]  # fmt: skip
    for theme, label, unit, higher, source, values, ref in data["indicators"]:
        typed = {area: Decimal(value.replace(" ", "")) for area, value in zip(areas, values, strict=True)}
        if ref is not None:
            typed[reference] = Decimal(ref.replace(" ", ""))
        territory.add_indicator(actor=actor, study=study, theme=theme, label=label, unit=unit, higher_means_need=higher,
                                source=sources[source], values=typed)  # fmt: skip
    for priority, theme, need, evidence, response in data["findings"]:
        territory.add_finding(actor=actor, study=study, theme=theme, need=need, evidence=evidence, priority=priority,
                              response=response)  # fmt: skip
    territory.set_status(actor=actor, study=study, status="final")
