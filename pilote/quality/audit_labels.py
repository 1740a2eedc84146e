"""French labels of the quality app's newer audit codes (registered with core.audit_labels from apps.py; the
earlier ones are still in core/audit_labels.py)."""

LABELS: dict[str, str] = {
    "quality.procedure.created": "Procédure créée",
    "quality.procedure.updated": "Procédure modifiée (lecteurs, approbation)",
    "quality.procedure_version.drafted": "Procédure : nouvelle version en brouillon",
    "quality.procedure_version.edited": "Procédure : brouillon modifié",
    "quality.procedure_version.approved": "Procédure : version approuvée",
    "quality.procedure_version.in_force": "Procédure : version mise en vigueur",
    "quality.procedure_version.acknowledged": "Procédure : lecture attestée",
    "quality.audit.planned": "Audit planifié",
    "quality.audit.updated": "Audit modifié",
    "quality.audit.question_added": "Audit : question ajoutée à la grille",
    "quality.audit.started": "Audit commencé",
    "quality.audit.finding": "Audit : constat enregistré",
    "quality.audit.closed": "Audit réalisé et conclu",
    "quality.audit.cancelled": "Audit annulé",
    "quality.survey.created": "Enquête de satisfaction créée",
    "quality.survey.question_added": "Enquête : question ajoutée",
    "quality.survey.opened": "Enquête ouverte aux réponses",
    "quality.survey.closed": "Enquête close",
    "quality.survey.invited": "Enquête : liens de réponse créés et envoyés",
}
