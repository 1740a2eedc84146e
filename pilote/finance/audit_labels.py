"""The French labels of finance's audit codes (registered from FinanceConfig.ready())."""

LABELS = {
    "finance.budget.created": "Budget créé",
    "finance.budget.deleted": "Budget supprimé",
    "finance.budget.imported": "Budget importé d'un classeur XLSX",
    "finance.budget.line_set": "Budget : montants d'un groupe de comptes modifiés",
    "finance.budget.sales_set": "Budget : ventes d'un article modifiées",
    "finance.budget.sales_imported": "Budget : ventes par article importées d'un classeur XLSX",
    "finance.costing.saved": "Coûts complets : clés de répartition et unités d'œuvre enregistrées",
    "finance.loan.created": "Emprunt saisi pour le plan de trésorerie",
    "finance.loan.deleted": "Emprunt supprimé du plan de trésorerie",
    "finance.cost_behaviour.set": "Seuil de rentabilité : part variable d'un compte de charges modifiée",
}
