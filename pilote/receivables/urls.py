from django.urls import path

from pilote.receivables.views import accounts, analysis, bad_debts, direct_debit, dunning

app_name = "receivables"
urlpatterns = [
    path("", dunning.run, name="run"),
    path("envoyer/", dunning.send, name="send"),
    path("apercu/<int:pk>/", dunning.preview, name="preview"),
    path("historique/", dunning.history, name="history"),
    path("lettres/<int:pk>/pdf/", dunning.letter_pdf, name="letter-pdf"),
    path("lettres/<int:pk>/postee/", dunning.letter_posted, name="letter-posted"),
    path("niveaux/", dunning.levels, name="levels"),
    path("niveaux/nouveau/", dunning.level_edit, name="level-create"),
    path("niveaux/<int:pk>/", dunning.level_edit, name="level-edit"),
    path("encours/", accounts.aged, name="aged"),
    path("clients/<int:pk>/", accounts.customer, name="customer"),
    path("clients/<int:pk>/releve/", accounts.statement, name="statement"),
    path("clients/<int:pk>/encours-autorise/", accounts.credit_limit, name="credit-limit"),
    path("factures/<int:pk>/exclure/", accounts.hold, name="hold"),
    path("factures/<int:pk>/reprendre/", accounts.release, name="release"),
    path("analyse/", analysis.analysis_page, name="analysis"),
    path("creances-douteuses/", bad_debts.debts, name="bad-debts"),
    path("factures/<int:pk>/douteuse/", bad_debts.classify, name="classify"),
    path("creances-douteuses/<int:pk>/depreciation/", bad_debts.provision, name="provision"),
    path("creances-douteuses/<int:pk>/perte/", bad_debts.write_off, name="write-off"),
    path("creances-douteuses/<int:pk>/encaissement/", bad_debts.recovery, name="recovery"),
    path("creances-douteuses/<int:pk>/duplicata.pdf", bad_debts.corrective_duplicate, name="corrective-duplicate"),
    path("prelevements/", direct_debit.runs, name="dd-runs"),
    path("prelevements/ics/", direct_debit.creditor, name="dd-creditor"),
    path("prelevements/mandats/", direct_debit.mandates, name="dd-mandates"),
    path("prelevements/mandats/nouveau/", direct_debit.mandate_create, name="dd-mandate-create"),
    path("prelevements/mandats/<int:pk>/revoquer/", direct_debit.mandate_revoke, name="dd-mandate-revoke"),
    path("prelevements/nouveau/", direct_debit.run_create, name="dd-run-create"),
    path("prelevements/<int:pk>/", direct_debit.run_detail, name="dd-run"),
    path("prelevements/<int:pk>/fichier/", direct_debit.run_file, name="dd-run-file"),
    path("prelevements/<int:pk>/action/", direct_debit.run_action, name="dd-run-action"),
]
