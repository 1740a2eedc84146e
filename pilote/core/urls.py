from django.urls import path

from pilote.core import setup_views, user_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search, name="search"),
    path("profil/", views.profile, name="profile"),
    path("profil/jetons/", views.token_create, name="token-create"),
    path("profil/jetons/<int:pk>/revoquer/", views.token_revoke, name="token-revoke"),
    path("parametres/", views.settings_view, name="settings"),
    path("parametres/modifier/", views.settings_edit, name="settings-edit"),
    path("utilisateurs/", user_views.user_list, name="user-list"),
    path("utilisateurs/nouveau/", user_views.user_create, name="user-create"),
    path("utilisateurs/<int:pk>/", user_views.user_edit, name="user-edit"),
    path("utilisateurs/<int:pk>/mot-de-passe/", user_views.user_set_password, name="user-password"),
    path("journal-audit/", views.audit_log, name="audit-log"),
    path("installation/", setup_views.setup, name="setup"),
    path("sante/", views.health, name="health"),
]
