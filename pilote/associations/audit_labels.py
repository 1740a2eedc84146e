"""French labels of the associations' audit codes (registered with core.audit_labels from apps.py)."""

LABELS: dict[str, str] = {
    "associations.donation.recorded": "Don enregistré et comptabilisé",
    "associations.receipt.issued": "Reçu fiscal émis",
    "associations.receipt.cancelled": "Reçu fiscal annulé",
    "associations.receipt.sent": "Reçu fiscal envoyé par e-mail",
    "associations.settings.updated": "Paramètres de l'association modifiés",
    "associations.membership_type.created": "Type d'adhésion créé",
    "associations.member.enrolled": "Adhérent inscrit",
    "associations.member.rejoined": "Adhérent réinscrit",
    "associations.member.left": "Sortie d'un adhérent",
    "associations.dues.called": "Cotisations appelées",
    "associations.due.received": "Cotisation encaissée",
}
