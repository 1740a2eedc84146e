"""Skills and forward planning (GPEC), for rh and direction: the matrix with gaps, the skills held by one person,
departures ahead and trainings aimed at a skill; the repository and jobs' requirements; a person's assessment."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import Column, export_response
from pilote.hr.forms import JobSkillForm, SkillForm
from pilote.hr.gpec import LEVELS
from pilote.hr.models import Employee, Skill
from pilote.hr.queries import skills as queries
from pilote.hr.services import skills as services
from pilote.lib.dates import local_today


@require_perm("hr.view")
def skills_matrix(request):
    data = queries.matrix(local_today())
    names = {s.pk: s.name for s in data.skills}
    people = {e.pk: e for e, _ in data.rows}
    gaps = [(people[g.employee_id], names[g.skill_id], g) for g in data.gaps]
    context = {"m": data, "gaps": gaps, "skill_form": SkillForm(), "job_form": JobSkillForm()}
    return render(request, "hr/skills.html", context)


@require_perm("hr.view")
def skills_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    data = queries.matrix(local_today())
    columns = [Column("Salarié", lambda r: r[0].full_name), Column("Emploi", lambda r: r[0].job)]
    columns += [Column(s.name, lambda r, i=i: r[1][i][2]) for i, s in enumerate(data.skills)]
    return export_response(data.rows, columns, "matrice-des-competences", fmt, title="Matrice des compétences")


def _repository_change(request, form, call, success: str, invalid: str):
    if form.is_valid():
        try:
            call(**form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
    else:
        messages.error(request, invalid)
    return redirect("hr:skills")


@require_POST
@require_perm("hr.edit")
def skill_create(request):
    return _repository_change(request, SkillForm(request.POST),
                              lambda **data: services.create_skill(actor=request.user, **data),
                              "La compétence est ajoutée au référentiel.",
                              "Nommez la compétence (120 caractères au plus).")  # fmt: skip


@require_POST
@require_perm("hr.edit")
def job_skill(request):
    return _repository_change(request, JobSkillForm(request.POST),
                              lambda **data: services.require_skill(actor=request.user, **data),
                              "Le niveau requis est enregistré.",
                              "Choisissez l'emploi, la compétence et le niveau.")  # fmt: skip


@require_perm("hr.edit")
def employee_skills(request, pk: int):
    employee = get_object_or_404(Employee, pk=pk)
    skills = list(Skill.objects.order_by("family", "name"))
    current = {row.skill_id: row.level for row in employee.skills.all()}
    required = {row.skill_id: row.level for row in employee_required(employee)}
    if request.method == "POST":
        levels, bad = {}, False
        for skill in skills:
            raw = request.POST.get(f"skill-{skill.pk}", "")
            if raw == "":
                continue
            if raw not in {"0", "1", "2", "3", "4"}:
                bad = True
                continue
            levels[skill] = int(raw)
        if bad:
            messages.error(request, "Un niveau va de 0 à 4.")
        else:
            count = services.assess(actor=request.user, employee=employee, levels=levels)
            messages.success(request, f"Évaluation enregistrée ({count} compétence(s) modifiée(s)).")
            return redirect("hr:skills")
    rows = [(s, current.get(s.pk), required.get(s.pk)) for s in skills]
    return render(request, "hr/employee_skills.html", {"employee": employee, "rows": rows, "levels": LEVELS})


def employee_required(employee: Employee):
    from pilote.hr.models import JobSkill

    return JobSkill.objects.filter(job=employee.job)
