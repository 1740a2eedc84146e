from django.urls import path

from pilote.hr.views import cse, employees, interviews, leave, register

app_name = "hr"
urlpatterns = [
    path("", employees.employee_list, name="employee-list"),
    path("export.<str:fmt>", employees.employee_export, name="employee-export"),
    path("nouveau/", employees.employee_create, name="employee-create"),
    path("<int:pk>/", employees.employee_detail, name="employee-detail"),
    path("<int:pk>/modifier/", employees.employee_edit, name="employee-edit"),
    path("<int:pk>/sortie/", employees.employee_exit, name="employee-exit"),
    path("mon-dossier/", employees.my_file, name="me"),
    path("registre/", register.register, name="register"),
    path("registre/export.<str:fmt>", register.register_export, name="register-export"),
    path("conges/", leave.my_leave, name="leave-mine"),
    path("conges/<int:pk>/annuler/", leave.leave_cancel, name="leave-cancel"),
    path("conges/a-valider/", leave.team_requests, name="team-requests"),
    path("conges/<int:pk>/decider/", leave.leave_decide, name="leave-decide"),
    path("conges/calendrier/", leave.team_calendar, name="calendar"),
    path("absences/", leave.absence_list, name="absence-list"),
    path("absences/export.<str:fmt>", leave.absence_export, name="absence-export"),
    path("absences/nouvelle/", leave.absence_create, name="absence-create"),
    path("entretiens/", interviews.interview_list, name="interviews"),
    path("entretiens/export.<str:fmt>", interviews.interview_export, name="interview-export"),
    path("<int:pk>/entretien/", interviews.interview_create, name="interview-create"),
    path("<int:pk>/contrat/", employees.contract_edit, name="contract-edit"),
    path("cse/", cse.cse_home, name="cse"),
    path("cse/nouvelle/", cse.cse_create, name="cse-create"),
    path("cse/<int:pk>/", cse.cse_election, name="cse-election"),
    path("cse/<int:pk>/electeurs/", cse.cse_voters, name="cse-voters"),
    path("cse/<int:pk>/electeurs/export.<str:fmt>", cse.cse_voters_export, name="cse-voters-export"),
    path("cse/<int:pk>/proclamer/", cse.cse_proclaim, name="cse-proclaim"),
    path("cse/<int:pk>/proces-verbal.pdf", cse.cse_minutes, name="cse-minutes"),
    path("cse/college/<int:pk>/depouillement/", cse.cse_tally, name="cse-tally"),
]
