"""French labels of the operations app's audit codes (registered from OperationsConfig.ready())."""

LABELS = {
    "operations.location.created": "Emplacement de stock créé",
    "operations.item.created": "Article suivi en stock",
    "operations.item.updated": "Article stocké modifié",
    "operations.move.created": "Mouvement de stock saisi",
    "operations.move.transferred": "Transfert entre emplacements",
    "operations.count.opened": "Inventaire ouvert",
    "operations.count.recorded": "Quantités d'inventaire saisies",
    "operations.count.posted": "Écarts d'inventaire passés en stock",
    "operations.stock.variation_posted": "Variation des stocks comptabilisée",
}
