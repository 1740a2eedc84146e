from django.urls import path

from pilote.finance.views import analytic, budgets, diagnosis, treasury

app_name = "finance"
urlpatterns = [
    path("", diagnosis.diagnosis, name="diagnosis"),
    path("bilan-fonctionnel/", diagnosis.balance_sheet, name="balance-sheet"),
    path("ratios/", diagnosis.ratios, name="ratios"),
    path("seuil-de-rentabilite/", diagnosis.break_even, name="break-even"),
    path("seuil-de-rentabilite/part-variable/", diagnosis.cost_behaviour, name="cost-behaviour"),
    path("tresorerie/", treasury.treasury, name="treasury"),
    path("tresorerie/emprunts/nouveau/", treasury.loan_create, name="loan-create"),
    path("tresorerie/emprunts/<int:pk>/supprimer/", treasury.loan_delete, name="loan-delete"),
    path("analytique/", analytic.report, name="analytic"),
    path("analytique/axes/", analytic.setup, name="analytic-setup"),
    path("analytique/axes/nouveau/", analytic.axis_create, name="analytic-axis-create"),
    path("analytique/axes/<int:pk>/section/", analytic.section_create, name="analytic-section-create"),
    path("analytique/sections/<int:pk>/", analytic.section_edit, name="analytic-section-edit"),
    path("analytique/axes/<int:pk>/ventilation/", analytic.defaults_set, name="analytic-defaults"),
    path("analytique/appliquer/", analytic.defaults_apply, name="analytic-apply"),
    path("couts-complets/", analytic.costing, name="costing"),
    path("couts-complets/parametres/", analytic.costing_save, name="costing-save"),
    path("budgets/", budgets.budget_list, name="budget-list"),
    path("budgets/ecarts-sur-ventes/", budgets.sales_mix, name="sales-mix"),
    path("budgets/nouveau/", budgets.budget_create, name="budget-create"),
    path("budgets/<int:pk>/", budgets.budget_detail, name="budget-detail"),
    path("budgets/<int:pk>/groupe/", budgets.budget_group, name="budget-group"),
    path("budgets/<int:pk>/ventes/", budgets.budget_sales, name="budget-sales"),
    path("budgets/<int:pk>/import/", budgets.budget_import, name="budget-import"),
    path("budgets/<int:pk>/revision/", budgets.budget_revise, name="budget-revise"),
    path("budgets/<int:pk>/supprimer/", budgets.budget_delete, name="budget-delete"),
    path("budgets/<int:pk>/ecarts/", budgets.budget_variance, name="budget-variance"),
]
