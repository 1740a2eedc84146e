from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve

from pilote.api.urls import api
from pilote.core.access import public, require_perm
from pilote.operations.urls import intervention_patterns

login_view = public(auth_views.LoginView.as_view(redirect_authenticated_user=True))
logout_view = public(auth_views.LogoutView.as_view())

urlpatterns = [
    path("connexion/", login_view, name="login"),
    path("deconnexion/", logout_view, name="logout"),
    path("contacts/", include("pilote.contacts.urls")),
    path("catalogue/", include("pilote.catalog.urls")),
    path("comptabilite/", include("pilote.ledger.urls")),
    path("prospection/", include("pilote.pipeline.urls")),
    path("ventes/", include("pilote.sales.urls")),
    path("recouvrement/", include("pilote.receivables.urls")),
    path("achats/", include("pilote.purchases.urls")),
    path("reclamations/", include("pilote.complaints.urls")),
    path("e-reporting/", include("pilote.ereporting.urls")),
    path("qualite/", include("pilote.quality.urls")),
    path("bureau/", include("pilote.office.urls")),
    path("personnel/", include("pilote.hr.urls")),
    path("finances/", include("pilote.finance.urls")),
    path("associations/", include("pilote.associations.urls")),
    path("projets/", include("pilote.projects.urls")),
    path("stock/", include("pilote.operations.urls")),
    path("interventions/", include(intervention_patterns)),
    path("tableau-de-bord/", include("pilote.dashboards.urls")),
    path("reprise/", include("pilote.takeover.urls")),
    path("api/v1/", api.urls),
    path("", include("pilote.core.urls")),
]

# Uploaded files (the structure's logo) are served only to signed-in users.
urlpatterns.append(
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        require_perm("core.home")(serve),
        {"document_root": settings.MEDIA_ROOT},
        name="media",
    )
)

handler400 = "pilote.core.errors.bad_request"
handler403 = "pilote.core.errors.forbidden"
handler404 = "pilote.core.errors.not_found"
handler500 = "pilote.core.errors.server_error"
