from django.urls import path

from pilote.quality.views import duerp, nonconformities, risks

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
    path("duerp/", duerp.duerp_home, name="duerp"),
    path("duerp/unites/nouvelle/", duerp.unit_create, name="unit-create"),
    path("duerp/unites/<int:pk>/modifier/", duerp.unit_edit, name="unit-edit"),
    path("duerp/unites/<int:unit_pk>/risques/nouveau/", duerp.hazard_create, name="hazard-create"),
    path("duerp/risques/<int:pk>/", duerp.hazard_edit, name="hazard-edit"),
    path("duerp/risques/<int:pk>/actions/", duerp.prevention_add, name="prevention-add"),
    path("duerp/actions/<int:pk>/", duerp.prevention_status, name="prevention-status"),
    path("duerp/plan-d-actions/", duerp.action_plan, name="action-plan"),
    path("duerp/plan-d-actions/export.<str:fmt>", duerp.action_plan_export, name="action-plan-export"),
    path("duerp/valider/", duerp.publish, name="duerp-publish"),
    path("duerp/versions/<int:pk>/", duerp.version_detail, name="duerp-version"),
    path("duerp/versions/<int:pk>/pdf/", duerp.version_pdf, name="duerp-version-pdf"),
    path("non-conformites/", nonconformities.nc_list, name="nc-list"),
    path("non-conformites/export.<str:fmt>", nonconformities.nc_export, name="nc-export"),
    path("non-conformites/nouvelle/", nonconformities.nc_create, name="nc-create"),
    path(
        "non-conformites/reclamation/<int:complaint_pk>/", nonconformities.nc_from_complaint, name="nc-from-complaint"
    ),
    path("non-conformites/<int:pk>/", nonconformities.nc_detail, name="nc-detail"),
    path("non-conformites/<int:pk>/analyse/", nonconformities.nc_analysis, name="nc-analysis"),
    path("non-conformites/<int:pk>/actions/", nonconformities.capa_add, name="capa-add"),
    path("non-conformites/<int:pk>/etape/", nonconformities.nc_step, name="nc-step"),
    path("non-conformites/<int:pk>/efficacite/", nonconformities.nc_check, name="nc-check"),
    path("non-conformites/actions/<int:pk>/", nonconformities.capa_status, name="capa-status"),
]
