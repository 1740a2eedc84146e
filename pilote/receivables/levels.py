"""The default dunning ladder, created by the data migration and again on first use if emptied."""

from __future__ import annotations

DEFAULT_LEVELS = [
    {
        "rank": 1,
        "title": "Relance amiable",
        "days_after_due": 7,
        "channel": "email",
        "include_penalties": False,
        "email_subject": "{structure} — rappel de facture(s) échue(s)",
        "email_body": (
            "Bonjour,\n\n"
            "Sauf erreur de notre part, les factures suivantes restent impayées à ce jour :\n"
            "{factures}\n\n"
            "Total restant dû : {total_du}.\n\n"
            "Il s'agit peut-être d'un oubli : nous vous remercions de bien vouloir procéder à leur règlement. "
            "Si votre paiement a été effectué entre-temps, merci de ne pas tenir compte de ce message.\n\n"
            "Vous trouverez notre courrier en pièce jointe.\n\n"
            "Cordialement,\n{structure}"
        ),
        "letter_body": (
            "Madame, Monsieur,\n\n"
            "Sauf erreur de notre part, nous n'avons pas reçu le règlement des factures détaillées ci-dessous, "
            "arrivées à échéance, pour un total restant dû de {total_du}.\n\n"
            "Il s'agit peut-être d'un simple oubli : nous vous remercions de bien vouloir procéder à leur "
            "règlement dans les meilleurs délais. Si votre paiement a été effectué entre-temps, merci de ne pas "
            "tenir compte de ce courrier.\n\n"
            "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées."
        ),
    },
    {
        "rank": 2,
        "title": "Seconde relance",
        "days_after_due": 21,
        "channel": "email",
        "include_penalties": False,
        "email_subject": "{structure} — seconde relance : factures impayées",
        "email_body": (
            "Bonjour,\n\n"
            "Malgré notre premier rappel, les factures suivantes restent impayées :\n"
            "{factures}\n\n"
            "Total restant dû : {total_du}.\n\n"
            "Nous vous demandons de régulariser cette situation sous huit jours. Nous vous rappelons que des "
            "pénalités de retard et une indemnité forfaitaire de 40 € par facture sont exigibles de plein droit "
            "(art. L441-10 du code de commerce).\n\n"
            "Cordialement,\n{structure}"
        ),
        "letter_body": (
            "Madame, Monsieur,\n\n"
            "Malgré notre précédent rappel, les factures détaillées ci-dessous restent impayées, pour un total "
            "restant dû de {total_du}.\n\n"
            "Nous vous demandons de régulariser cette situation sous huit jours. Nous vous rappelons que tout "
            "retard de paiement rend exigibles de plein droit des pénalités de retard ainsi qu'une indemnité "
            "forfaitaire pour frais de recouvrement de 40 € par facture (art. L441-10 et D441-5 du code de "
            "commerce).\n\n"
            "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées."
        ),
    },
    {
        "rank": 3,
        "title": "Mise en demeure",
        "days_after_due": 45,
        "channel": "letter",
        "include_penalties": True,
        "email_subject": "{structure} — mise en demeure de payer",
        "email_body": (
            "Bonjour,\n\n"
            "Vous trouverez ci-joint notre mise en demeure de payer la somme de {total_du} au titre des factures "
            "suivantes, majorée de {penalites} de pénalités de retard et de {indemnite} d'indemnité forfaitaire "
            "pour frais de recouvrement :\n{factures}\n\n"
            "Ce courrier vous est également adressé par lettre recommandée avec accusé de réception.\n\n"
            "{structure}"
        ),
        "letter_body": (
            "Lettre recommandée avec accusé de réception\n\n"
            "Madame, Monsieur,\n\n"
            "Malgré nos relances, les factures détaillées ci-dessous demeurent impayées.\n\n"
            "Par la présente, nous vous mettons en demeure de nous régler, sous huit jours à compter de la "
            "réception de ce courrier, la somme de {total_du}, majorée des pénalités de retard calculées au "
            "{date}, soit {penalites}, et de l'indemnité forfaitaire pour frais de recouvrement de 40 € par "
            "facture, soit {indemnite} (art. L441-10 et D441-5 du code de commerce). Les pénalités continuent "
            "de courir jusqu'au complet paiement.\n\n"
            "À défaut de règlement dans ce délai, nous saisirons la juridiction compétente sans autre avis.\n\n"
            "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées."
        ),
    },
]


def create_default_levels(level_model) -> None:
    """Create the three default levels when none exists (migration and first use)."""
    if level_model.objects.exists():
        return
    level_model.objects.bulk_create(level_model(**data) for data in DEFAULT_LEVELS)
