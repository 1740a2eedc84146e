from django.urls import path

from pilote.associations.views import cpom, donations, grants, home, members, receipts, reports, volunteering

app_name = "associations"
urlpatterns = [
    path("", home.home, name="home"),
    path("parametres/", home.settings_edit, name="settings"),
    path("dons/", donations.donation_list, name="donation-list"),
    path("dons/export.<str:fmt>", donations.donation_export, name="donation-export"),
    path("dons/nouveau/", donations.donation_create, name="donation-create"),
    path("recus/", receipts.receipt_list, name="receipt-list"),
    path("recus/export.<str:fmt>", receipts.receipt_export, name="receipt-export"),
    path("recus/emettre/", receipts.receipt_issue, name="receipt-issue"),
    path("recus/annuels/", receipts.receipt_batch, name="receipt-batch"),
    path("recus/declaration/", receipts.receipt_totals, name="receipt-totals"),
    path("recus/declaration/export.<str:fmt>", receipts.receipt_totals_export, name="receipt-totals-export"),
    path("recus/<int:pk>/", receipts.receipt_detail, name="receipt-detail"),
    path("recus/<int:pk>/pdf/", receipts.receipt_pdf, name="receipt-pdf"),
    path("recus/<int:pk>/annuler/", receipts.receipt_cancel, name="receipt-cancel"),
    path("recus/<int:pk>/envoyer/", receipts.receipt_send, name="receipt-send"),
]
urlpatterns += [
    path("adherents/", members.member_list, name="member-list"),
    path("adherents/export.<str:fmt>", members.member_export, name="member-export"),
    path("adherents/nouveau/", members.member_create, name="member-create"),
    path("adherents/<int:pk>/sortie/", members.member_leave, name="member-leave"),
    path("adherents/registre/", members.member_register, name="member-register"),
    path("adherents/registre/export.<str:fmt>", members.member_register_export, name="member-register-export"),
    path("adherents/assemblee-generale/", members.assembly, name="assembly"),
    path("adherents/assemblee-generale/export.<str:fmt>", members.assembly_export, name="assembly-export"),
    path("adherents/types/", members.membership_types, name="membership-types"),
    path("adherents/types/nouveau/", members.membership_type_create, name="membership-type-create"),
    path("cotisations/", members.due_list, name="dues"),
    path("cotisations/export.<str:fmt>", members.due_export, name="due-export"),
    path("cotisations/appeler/", members.dues_call, name="dues-call"),
    path("cotisations/<int:pk>/encaisser/", members.due_receive, name="due-receive"),
]
urlpatterns += [
    path("subventions/", grants.grant_list, name="grant-list"),
    path("subventions/export.<str:fmt>", grants.grant_export, name="grant-export"),
    path("subventions/nouvelle/", grants.grant_create, name="grant-create"),
    path("subventions/<int:pk>/", grants.grant_detail, name="grant-detail"),
    path("subventions/<int:pk>/compte-rendu.pdf", grants.grant_report_pdf, name="grant-report-pdf"),
    path("subventions/<int:pk>/accorder/", grants.grant_award, name="grant-award"),
    path("subventions/<int:pk>/refuser/", grants.grant_refuse, name="grant-refuse"),
    path("subventions/<int:pk>/versements/", grants.instalment_add, name="instalment-add"),
    path("subventions/versements/<int:pk>/encaisser/", grants.instalment_receive, name="instalment-receive"),
    path("subventions/<int:pk>/echeances/", grants.deadline_add, name="deadline-add"),
    path("subventions/echeances/<int:pk>/fait/", grants.deadline_done, name="deadline-done"),
    path("subventions/<int:pk>/budget/", grants.budget_set, name="budget-set"),
    path("subventions/<int:pk>/compte-rendu/", grants.report_update, name="report-update"),
    path("subventions/<int:pk>/fonds-dedies/report/", grants.funds_carry, name="funds-carry"),
    path("subventions/<int:pk>/fonds-dedies/utilisation/", grants.funds_use, name="funds-use"),
]
urlpatterns += [
    path("benevoles/", volunteering.volunteer_list, name="volunteer-list"),
    path("benevoles/export.<str:fmt>", volunteering.volunteer_export, name="volunteer-export"),
    path("benevoles/nouveau/", volunteering.volunteer_create, name="volunteer-create"),
    path("benevoles/activites/", volunteering.activities, name="volunteer-activities"),
    path("benevoles/heures/", volunteering.hours_list, name="hours-list"),
    path("benevoles/heures/export.<str:fmt>", volunteering.hours_export, name="hours-export"),
    path("benevoles/heures/saisir/", volunteering.hours_create, name="hours-create"),
    path("benevoles/heures/<int:pk>/supprimer/", volunteering.hours_delete, name="hours-delete"),
    path("benevoles/comptabilisation/", volunteering.postings, name="volunteer-postings"),
    path("benevoles/annexe/", volunteering.annex, name="volunteer-annex"),
    path("benevoles/annexe/export.<str:fmt>", volunteering.annex_export, name="volunteer-annex-export"),
    path("contributions-en-nature/", volunteering.in_kind_list, name="in-kind-list"),
    path("contributions-en-nature/export.<str:fmt>", volunteering.in_kind_export, name="in-kind-export"),
    path("contributions-en-nature/nouvelle/", volunteering.in_kind_create, name="in-kind-create"),
]
urlpatterns += [
    path("cpom/", cpom.cpom_list, name="cpom-list"),
    path("cpom/export.<str:fmt>", cpom.cpom_export, name="cpom-export"),
    path("cpom/nouveau/", cpom.cpom_create, name="cpom-create"),
    path("cpom/<int:pk>/", cpom.cpom_detail, name="cpom-detail"),
    path("cpom/<int:pk>/rapport-activite.pdf", cpom.cpom_report_pdf, name="cpom-report-pdf"),
    path("cpom/<int:pk>/objectifs/", cpom.objective_add, name="cpom-objective-add"),
    path("cpom/objectifs/<int:pk>/cible/", cpom.target_set, name="cpom-target-set"),
    path("cpom/<int:pk>/moyens/", cpom.means_set, name="cpom-means-set"),
    path("activite/", cpom.activity_list, name="activity-list"),
    path("activite/export.<str:fmt>", cpom.activity_export, name="activity-export"),
    path("activite/saisir/", cpom.activity_record, name="activity-record"),
]
urlpatterns += [
    path("rapports/", reports.reports, name="reports"),
    path("rapports/<slug:report>/export.<str:fmt>", reports.report_export, name="report-export"),
]
