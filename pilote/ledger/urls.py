from django.urls import path

from pilote.ledger import ledger_views, setup_views, vat_views, views

app_name = "ledger"

urlpatterns = [
    path("ecritures/", views.entry_list, name="entry-list"),
    path("ecritures/nouvelle/", views.entry_create, name="entry-create"),
    path("ecritures/<int:pk>/", views.entry_detail, name="entry-detail"),
    path("ecritures/<int:pk>/modifier/", views.entry_edit, name="entry-edit"),
    path("ecritures/<int:pk>/valider/", views.entry_post, name="entry-post"),
    path("ecritures/<int:pk>/contre-passer/", views.entry_reverse, name="entry-reverse"),
    path("ecritures/<int:pk>/supprimer/", views.entry_delete, name="entry-delete"),
    path("balance/", views.trial_balance, name="trial-balance"),
    path("tva/", vat_views.vat_return, name="vat-return"),
    path("tva/valider/", vat_views.vat_return_confirm, name="vat-return-confirm"),
    path("grand-livre/", ledger_views.general_ledger, name="general-ledger"),
    path("tiers/", ledger_views.third_parties, name="third-parties"),
    path("tiers/<int:pk>/lettrage/", ledger_views.lettering_page, name="lettering"),
    path("tiers/<int:pk>/lettrer/", ledger_views.lettering_letter, name="lettering-letter"),
    path("tiers/<int:pk>/lettrage-auto/", ledger_views.lettering_auto, name="lettering-auto"),
    path("lettrages/<int:pk>/defaire/", ledger_views.lettering_undo, name="lettering-undo"),
    path("plan-comptable/", setup_views.account_list, name="account-list"),
    path("plan-comptable/nouveau/", setup_views.account_create, name="account-create"),
    path("parametrage/", setup_views.ledger_setup, name="setup"),
    path("parametrage/plan/", setup_views.chart_install, name="chart-install"),
    path("exercices/ouvrir/", setup_views.fiscal_year_open, name="fiscal-year-open"),
    path("exercices/<int:pk>/verrouiller/", setup_views.fiscal_year_lock, name="fiscal-year-lock"),
    path("exercices/<int:pk>/cloture/", setup_views.closing_page, name="closing"),
    path("exercices/<int:pk>/cloturer/", setup_views.closing_confirm, name="closing-confirm"),
    path("verification/", setup_views.verify, name="verify"),
]
