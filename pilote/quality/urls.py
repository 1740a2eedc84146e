from django.urls import path

from pilote.quality.views import risks

app_name = "quality"
urlpatterns = [
    path("risques/", risks.risk_list, name="risk-list"),
    path("risques/export.<str:fmt>", risks.risk_export, name="risk-export"),
    path("risques/cartographie/", risks.heatmap, name="heatmap"),
    path("risques/nouveau/", risks.risk_create, name="risk-create"),
    path("risques/<int:pk>/", risks.risk_detail, name="risk-detail"),
    path("risques/<int:pk>/modifier/", risks.risk_edit, name="risk-edit"),
    path("risques/<int:pk>/revue/", risks.risk_review, name="risk-review"),
    path("risques/<int:pk>/statut/", risks.risk_status, name="risk-status"),
    path("risques/<int:pk>/actions/", risks.action_add, name="action-add"),
    path("risques/actions/<int:pk>/", risks.action_status, name="action-status"),
    path("parametres/", risks.settings_edit, name="settings"),
]
