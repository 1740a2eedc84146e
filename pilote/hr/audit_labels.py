"""French labels of the hr app's newer audit codes (registered with core.audit_labels from apps.py)."""

LABELS: dict[str, str] = {
    "hr.expense.created": "Note de frais créée",
    "hr.expense.line_added": "Dépense ajoutée à une note de frais",
    "hr.expense.line_removed": "Dépense retirée d'une note de frais",
    "hr.expense.submitted": "Note de frais soumise",
    "hr.expense.approved": "Note de frais approuvée",
    "hr.expense.refused": "Note de frais refusée",
    "hr.expense.posted": "Note de frais comptabilisée",
    "hr.expense.reimbursed": "Note de frais remboursée",
}
LABELS |= {
    "hr.shift.planned": "Plage de travail planifiée",
    "hr.shift.removed": "Plage de travail retirée du planning",
    "hr.shift.week_copied": "Semaine de planning recopiée",
}
LABELS |= {
    "hr.training.created": "Action de formation créée",
    "hr.training.enrolled": "Salariés inscrits à une formation",
    "hr.training.completed": "Formation réalisée (présences)",
    "hr.training.cancelled": "Formation annulée",
    "hr.training.evaluated": "Formation évaluée par un stagiaire",
    "hr.review.recorded": "Entretien annuel enregistré",
}
LABELS |= {
    "hr.skill.created": "Compétence ajoutée au référentiel",
    "hr.skill.required": "Niveau requis d'une compétence pour un emploi",
    "hr.skill.requirement_removed": "Compétence retirée d'un emploi",
    "hr.skill.assessed": "Compétences d'un salarié évaluées",
}
LABELS |= {
    "hr.checklist.opened": "Parcours d'arrivée ou de départ ouvert",
    "hr.checklist.ticked": "Étape d'arrivée ou de départ faite",
    "hr.checklist.unticked": "Étape d'arrivée ou de départ à refaire",
    "hr.announcement.published": "Annonce interne publiée",
    "hr.announcement.withdrawn": "Annonce interne retirée",
}
LABELS |= {
    "hr.absence.leave_information": "Information sur les congés payés remise au retour d'un arrêt",
    "hr.absence.read": "Consultation d'une absence liée à la santé",
    "hr.expense.transfer": "Notes de frais remboursées par virement SEPA",
}
LABELS |= {"hr.analytic.set": "Ventilation analytique d'un salarié modifiée"}
