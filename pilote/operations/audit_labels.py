"""French labels of the operations app's audit codes (registered from OperationsConfig.ready())."""

LABELS = {
    "operations.location.created": "Emplacement de stock créé",
    "operations.item.created": "Article suivi en stock",
    "operations.item.updated": "Article stocké modifié",
    "operations.move.created": "Mouvement de stock saisi",
    "operations.move.transferred": "Transfert entre emplacements",
    "operations.reorder.ordered": "Commandes de réapprovisionnement préparées",
    "operations.count.opened": "Inventaire ouvert",
    "operations.count.recorded": "Quantités d'inventaire saisies",
    "operations.count.posted": "Écarts d'inventaire passés en stock",
    "operations.stock.variation_posted": "Variation des stocks comptabilisée",
}

LABELS |= {
    "operations.workcentre.created": "Poste de charge créé",
    "operations.bom.created": "Nomenclature créée",
    "operations.bom.changed": "Nomenclature modifiée",
    "operations.production.created": "Ordre de fabrication créé",
    "operations.production.released": "Ordre de fabrication lancé",
    "operations.production.done": "Ordre de fabrication terminé",
    "operations.production.cancelled": "Ordre de fabrication annulé",
}

LABELS |= {
    "operations.technician.saved": "Intervenant (compétences, horaires) enregistré",
    "operations.intervention.planned": "Intervention planifiée",
    "operations.intervention.moved": "Intervention déplacée",
    "operations.intervention.arrived": "Arrivée chez le client notée",
    "operations.intervention.done": "Intervention réalisée et signée",
    "operations.intervention.cancelled": "Intervention annulée",
    "operations.intervention.invoiced": "Intervention facturée (brouillon)",
    "operations.sector.saved": "Secteur d'intervention enregistré",
    "operations.sector.travel_saved": "Temps de trajet entre secteurs enregistrés",
}
