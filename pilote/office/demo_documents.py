"""The document store's share of the demo: a classification plan in six domains and about a hundred documents
filed through the services — small real PDFs (their text found by the search), text and CSV files —, with
versions, the three confidentiality levels, retention per type (some past it, proposed for purging) and a
legal hold."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.core.demo import DEMO_TODAY
from pilote.lib.minipdf import text_pdf
from pilote.office.services import documents as services

PLAN = [
    (
        "1",
        "Administration et gouvernance",
        [("1.1", "Statuts et assemblées"), ("1.2", "Assurances"), ("1.3", "Correspondance")],
    ),
    (
        "2",
        "Comptabilité et fiscalité",
        [("2.1", "Factures fournisseurs"), ("2.2", "Comptes annuels"), ("2.3", "Déclarations fiscales")],
    ),
    (
        "3",
        "Ressources humaines",
        [("3.1", "Contrats de travail"), ("3.2", "Bulletins de paie"), ("3.3", "Registre du personnel")],
    ),
    ("4", "Commercial", [("4.1", "Contrats clients"), ("4.2", "Propositions commerciales")]),
    ("5", "Qualité, santé et sécurité", [("5.1", "Document unique"), ("5.2", "Procédures")]),
    ("6", "Communication", [("6.1", "Presse"), ("6.2", "Lettres d'information")]),
]
SUPPLIERS = ["Bureau Vallée", "EDF Entreprises", "Orange Business", "La Poste", "Manutan", "OVHcloud"]
HR_ONLY = ["rh", "direction"]  # the first files them
ACCOUNTS_ONLY = ["comptable", "direction"]


def pdf(lines: list[str]) -> bytes:
    return text_pdf(lines)


def _file(name: str, lines: list[str]) -> SimpleUploadedFile:
    if name.endswith(".pdf"):
        return SimpleUploadedFile(name, pdf(lines), content_type="application/pdf")
    return SimpleUploadedFile(name, "\n".join(lines).encode(), content_type="text/plain")


def _years_ago(years: int, month: int = 1, day: int = 15) -> dt.date:
    return dt.date(DEMO_TODAY.year - years, month, day)


def load(rng, users) -> None:
    assistant, direction = users["assistant"], users["direction"]
    folders = {}
    for code, name, children in PLAN:
        root = services.create_folder(actor=assistant, name=name, code=code)
        folders[code] = root
        for child_code, child_name in children:
            folders[child_code] = services.create_folder(actor=assistant, name=child_name, code=child_code, parent=root)

    def file(folder, title, day, doc_type, lines, *, name=None, actor=None, **options):
        name = name or f"{title.lower().replace(' ', '-').replace('/', '-')[:60]}.pdf"
        # A restricted document is filed by one of its roles (its owner sees it too), others by the assistant.
        actor = actor or (users[options["roles"][0]] if options.get("roles") else assistant)
        return services.file_document(
            actor=actor,
            uploaded=_file(name, [title, *lines]),
            title=title,
            folder=folders[folder],
            document_date=day,
            doc_type=doc_type,
            **options,
        )

    # Governance: statutes (versions), general assemblies' minutes (permanent), insurance, mail
    statutes = file(
        "1.1",
        "Statuts de la société",
        _years_ago(9, 3, 2),
        "other",
        ["Société par actions simplifiée au capital de 50 000 euros."],
        author="Direction",
        tags=["statuts"],
    )
    for year, note in ((6, "Transfert du siège social"), (2, "Augmentation de capital")):
        services.add_version(
            actor=assistant,
            document=statutes,
            note=note,
            uploaded=_file("statuts.pdf", ["Statuts mis à jour", note, f"Version {DEMO_TODAY.year - year}"]),
        )
    for years in range(1, 7):
        file(
            "1.1",
            f"Procès-verbal de l'assemblée générale ordinaire {DEMO_TODAY.year - years}",
            _years_ago(years, 6, 20),
            "assembly",
            ["Approbation des comptes de l'exercice.", "Affectation du résultat en réserves.", "Quitus au président."],
            author="Président",
            tags=["assemblée générale"],
        )
    file(
        "1.2",
        "Contrat d'assurance multirisque des locaux",
        _years_ago(3, 1, 1),
        "contract",
        ["Assureur : MAIF Entreprises. Garanties incendie, dégâts des eaux, vol."],
        end_on=_years_ago(-1, 12, 31),
        tags=["assurance"],
    )
    file(
        "1.2",
        "Attestation d'assurance responsabilité civile professionnelle",
        _years_ago(0, 1, 10),
        "other",
        ["Attestation valable pour l'année en cours."],
        tags=["assurance", "attestation"],
    )
    for index, (subject, who) in enumerate(
        [
            ("Demande de délai de paiement", "Manutan"),
            ("Réclamation sur livraison", "Client Dupont"),
            ("Courrier de la mairie : travaux de voirie", "Mairie"),
            ("Relance fournisseur", "OVHcloud"),
        ]
    ):
        file(
            "1.3",
            subject,
            _years_ago(index * 2, 4, 5),
            "correspondence",
            [f"Correspondant : {who}."],
            name=f"courrier-{index + 1}.txt",
            author=who,
        )

    # Accounting: supplier invoices over eleven years (the oldest past their ten years), annual accounts, tax
    for years in range(0, 12):
        for supplier in rng.sample(SUPPLIERS, 3):
            month = rng.randint(1, 12)
            amount = rng.randint(80, 2400)
            file(
                "2.1",
                f"Facture {supplier} {month:02d}/{DEMO_TODAY.year - years}",
                _years_ago(years, month, 12),
                "invoice",
                [f"Fournisseur : {supplier}", f"Montant TTC : {amount} euros", "Paiement à 30 jours."],
                author=supplier,
                tags=["facture fournisseur"],
            )
    for years in range(1, 5):
        file(
            "2.2",
            f"Comptes annuels {DEMO_TODAY.year - years}",
            _years_ago(years - 1, 4, 30),
            "accounting",
            ["Bilan, compte de résultat et annexe.", "Certifiés par l'expert-comptable."],
            confidentiality="restricted",
            roles=ACCOUNTS_ONLY,
            tags=["bilan"],
        )
    for years in range(0, 8):
        file(
            "2.3",
            f"Liasse fiscale et déclaration de résultat {DEMO_TODAY.year - years - 1}",
            _years_ago(years, 5, 3),
            "tax",
            ["Formulaire 2065 et annexes 2050 à 2059."],
            confidentiality="restricted",
            roles=ACCOUNTS_ONLY,
            tags=["impôt sur les sociétés"],
        )
    held = file(
        "2.3",
        "Avis de vérification de comptabilité",
        _years_ago(7, 9, 1),
        "tax",
        ["Contrôle fiscal portant sur les exercices précédents."],
        confidentiality="restricted",
        roles=ACCOUNTS_ONLY,
        tags=["contrôle fiscal"],
    )
    services.set_hold(actor=direction, document=held, hold=True, reason="Contrôle fiscal en cours de contestation")

    # Human resources: restricted to HR and direction; payslips are personal
    people = [
        ("Alice Martin", 8, None),
        ("Bruno Petit", 7, 1),
        ("Chloé Durand", 4, None),
        ("David Moreau", 9, 6),
        ("Emma Leroy", 2, None),
    ]
    for name, hired, left in people:
        file(
            "3.1",
            f"Contrat de travail de {name}",
            _years_ago(hired, 9, 1),
            "employment",
            ["Contrat à durée indéterminée.", "Convention collective Syntec."],
            author="Ressources humaines",
            confidentiality="restricted",
            roles=HR_ONLY,
            end_on=_years_ago(left, 6, 30) if left else None,
            tags=["contrat"],
        )
    for month in range(1, 7):
        file(
            "3.2",
            f"Bulletins de paie {month:02d}/{DEMO_TODAY.year}",
            dt.date(DEMO_TODAY.year, month, 28)
            if dt.date(DEMO_TODAY.year, month, 28) <= DEMO_TODAY
            else _years_ago(1, month, 28),
            "payslip",
            ["Journal de paie et bulletins du mois."],
            confidentiality="restricted",
            roles=HR_ONLY,
            actor=users["rh"],
            tags=["paie"],
        )
    for years in (6, 7):
        file(
            "3.2",
            f"Bulletins de paie de l'année {DEMO_TODAY.year - years}",
            _years_ago(years, 12, 31),
            "payslip",
            ["Doubles des bulletins de l'année."],
            confidentiality="restricted",
            roles=HR_ONLY,
            actor=users["rh"],
            tags=["paie"],
        )
    file(
        "3.3",
        "Registre unique du personnel (extrait des sortis)",
        _years_ago(8, 1, 2),
        "register",
        ["Entrées et sorties du personnel."],
        end_on=_years_ago(6, 12, 31),
        confidentiality="restricted",
        roles=HR_ONLY,
        actor=users["rh"],
    )
    salarie = users["salarie"]
    file(
        "3.1",
        "Mon attestation de formation SST",
        _years_ago(1, 3, 14),
        "other",
        ["Sauveteur secouriste du travail : formation réussie."],
        confidentiality="personal",
        actor=salarie,
        owner=salarie,
    )
    file(
        "3.1",
        "Note d'entretien annuel (brouillon personnel)",
        _years_ago(0, 2, 2),
        "other",
        ["Points à aborder lors de l'entretien."],
        confidentiality="personal",
        actor=direction,
        owner=direction,
    )

    # Commercial, quality, communication
    for index, client in enumerate(["Cabinet Lemaire", "Mairie de Villeurbanne", "Clinique du Parc", "SCI Horizon"]):
        contract = file(
            "4.1",
            f"Contrat de maintenance {client}",
            _years_ago(index + 1, 2, 1),
            "contract",
            ["Maintenance du parc informatique, intervention sous 8 heures."],
            author=client,
            end_on=_years_ago(index - 2, 1, 31),
            tags=["contrat", "maintenance"],
        )
        if index == 0:
            services.add_version(
                actor=users["commercial"],
                document=contract,
                note="Avenant : ajout de deux postes",
                uploaded=_file("contrat-avenant.pdf", ["Avenant n° 1", "Ajout de deux postes"]),
            )
    for index, client in enumerate(["Lycée Ampère", "Agence Rhône Immo", "Boulangerie Martin", "Cabinet Lemaire"]):
        file(
            "4.2",
            f"Proposition commerciale {client}",
            _years_ago(0, 1 + index * 2, 9),
            "correspondence",
            ["Offre de renouvellement des postes de travail.", "Validité de l'offre : 30 jours."],
            author=client,
            actor=users["commercial"],
            tags=["proposition"],
        )
    duerp = file(
        "5.1",
        "Document unique d'évaluation des risques (export signé)",
        _years_ago(3, 3, 1),
        "duerp",
        ["Unités de travail : atelier, bureaux, interventions.", "Risques : chute, électrique, routier."],
        author="Direction",
        tags=["sécurité"],
    )
    for years in (2, 1):
        services.add_version(
            actor=direction,
            document=duerp,
            note=f"Mise à jour annuelle {DEMO_TODAY.year - years}",
            uploaded=_file("duerp.pdf", ["Document unique mis à jour", "Risques psychosociaux ajoutés"]),
        )
    for title in (
        "Procédure d'accueil des nouveaux arrivants",
        "Procédure de sauvegarde informatique",
        "Consignes d'évacuation incendie",
        "Procédure de traitement des réclamations",
    ):
        file(
            "5.2",
            title,
            _years_ago(rng.randint(0, 3), rng.randint(1, 12), 1),
            "other",
            ["Objet, responsabilités, déroulement, enregistrements."],
            tags=["procédure", "qualité"],
        )
    for index, title in enumerate(
        ("Communiqué : ouverture de l'agence de Villeurbanne", "Article du Progrès sur nos 10 ans", "Dossier de presse")
    ):
        file("6.1", title, _years_ago(index, 5, 10), "other", ["Contact presse : direction."], tags=["presse"])
    for month in range(1, 7):
        file(
            "6.2",
            f"Lettre d'information n° {month}",
            _years_ago(0, month, 3),
            "other",
            ["Actualités, nouveaux services, agenda."],
            name=f"lettre-{month}.txt",
            tags=["newsletter"],
        )
