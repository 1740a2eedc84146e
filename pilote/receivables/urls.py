from django.urls import path

from pilote.receivables import views, views_accounts, views_analysis

app_name = "receivables"
urlpatterns = [
    path("", views.run, name="run"),
    path("envoyer/", views.send, name="send"),
    path("apercu/<int:pk>/", views.preview, name="preview"),
    path("historique/", views.history, name="history"),
    path("lettres/<int:pk>/pdf/", views.letter_pdf, name="letter-pdf"),
    path("lettres/<int:pk>/postee/", views.letter_posted, name="letter-posted"),
    path("niveaux/", views.levels, name="levels"),
    path("niveaux/nouveau/", views.level_edit, name="level-create"),
    path("niveaux/<int:pk>/", views.level_edit, name="level-edit"),
    path("encours/", views_accounts.aged, name="aged"),
    path("clients/<int:pk>/", views_accounts.customer, name="customer"),
    path("clients/<int:pk>/releve/", views_accounts.statement, name="statement"),
    path("clients/<int:pk>/encours-autorise/", views_accounts.credit_limit, name="credit-limit"),
    path("factures/<int:pk>/exclure/", views_accounts.hold, name="hold"),
    path("factures/<int:pk>/reprendre/", views_accounts.release, name="release"),
    path("analyse/", views_analysis.analysis_page, name="analysis"),
]
