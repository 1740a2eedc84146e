from django.urls import path

from pilote.core import pickers
from pilote.core.views import backups, pages, passwords, setup, tasks, users

app_name = "core"

urlpatterns = [
    path("", pages.home, name="home"),
    path("recherche/", pages.search, name="search"),
    path("profil/", pages.profile, name="profile"),
    path("mot-de-passe-oublie/", passwords.reset_request, name="password-reset"),
    path("mot-de-passe-oublie/envoye/", passwords.reset_sent, name="password-reset-sent"),
    path("reinitialisation/<uidb64>/<token>/", passwords.reset_confirm, name="password-reset-confirm"),
    path("reinitialisation/terminee/", passwords.reset_complete, name="password-reset-complete"),
    path("profil/jetons/", pages.token_create, name="token-create"),
    path("profil/jetons/<int:pk>/revoquer/", pages.token_revoke, name="token-revoke"),
    path("parametres/", pages.settings_view, name="settings"),
    path("parametres/modifier/", pages.settings_edit, name="settings-edit"),
    path("utilisateurs/", users.user_list, name="user-list"),
    path("utilisateurs/nouveau/", users.user_create, name="user-create"),
    path("utilisateurs/<int:pk>/", users.user_edit, name="user-edit"),
    path("utilisateurs/<int:pk>/mot-de-passe/", users.user_set_password, name="user-password"),
    path("journal-audit/", pages.audit_log, name="audit-log"),
    path("traitements/", tasks.job_list, name="jobs"),
    path("traitements/<int:pk>/relancer/", tasks.job_retry, name="job-retry"),
    path("sauvegardes/", backups.backup_list, name="backups"),
    path("sauvegardes/lancer/", backups.backup_create, name="backup-create"),
    path("sauvegardes/<str:name>/", backups.backup_download, name="backup-download"),
    path("installation/", setup.setup, name="setup"),
    path("sante/", pages.health, name="health"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("robots.txt", pages.robots, name="robots"),
    *pickers.urlpatterns(),
]
