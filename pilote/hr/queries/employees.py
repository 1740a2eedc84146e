"""Reads on employees and the register: filtered lists, sort keys, export columns — a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.hr.models import Employee, RegisterEntry

SORTS = {
    "nom": [french("last_name"), french("first_names")],
    "entree": ["entry_date", "register_number"],
    "emploi": [french("job")],
    "contrat": ["contract_type"],
    "numero": ["register_number"],
}
DEFAULT_SORT = "nom"


def filter_employees(data: dict, today: dt.date | None = None):
    today = today or timezone.localdate()
    employees = Employee.objects.all()
    if text := (data.get("q") or "").strip():
        employees = employees.filter(
            Q(last_name__icontains=text) | Q(first_names__icontains=text) | Q(job__icontains=text)
        )
    status = data.get("statut") or "presents"
    if status == "presents":
        employees = employees.filter(entry_date__lte=today).filter(Q(exit_date__isnull=True) | Q(exit_date__gte=today))
    elif status == "sortis":
        employees = employees.filter(exit_date__lt=today)
    elif status == "a_venir":
        employees = employees.filter(entry_date__gt=today)
    if contract := data.get("contrat"):
        employees = employees.filter(contract_type=contract)
    if category := data.get("categorie"):
        employees = employees.filter(cse_category=category)
    return employees


def with_list_relations(employees):
    return employees.select_related("manager")


EXPORT_COLUMNS = [
    Column("N° d'ordre", lambda e: e.register_number),
    Column("Nom", lambda e: e.last_name),
    Column("Prénoms", lambda e: e.first_names),
    Column("Emploi", lambda e: e.job),
    Column("Qualification", lambda e: e.qualification),
    Column("Catégorie", lambda e: e.get_cse_category_display()),
    Column("Contrat", lambda e: e.get_contract_type_display()),
    Column("Temps partiel", lambda e: e.part_time),
    Column("Heures / semaine", lambda e: e.weekly_hours),
    Column("Établissement", lambda e: e.establishment),
    Column("Responsable", lambda e: e.manager.full_name if e.manager_id else ""),
    Column("Entrée", lambda e: e.entry_date),
    Column("Sortie", lambda e: e.exit_date),
]


def export_rows(employees):
    return with_list_relations(employees).iterator(chunk_size=500)


# --- The register -----------------------------------------------------------------------------------------
def register_lines(section: str):
    """The register's lines in hiring order (the person's entry date, then their number), each person's
    corrections under their first line in the order written. `section`: personnel or stagiaires."""
    return RegisterEntry.objects.filter(trainee=(section == "stagiaires")).order_by(
        "entry_date", "register_number", "id"
    )


def _mentions(line: RegisterEntry) -> str:
    parts = [line.contract]
    if line.hiring_authorisation_date:
        parts.append(f"autorisation d'embauche du {line.hiring_authorisation_date:%d/%m/%Y}")
    if line.work_permit:
        parts.append(f"titre de travail : {line.work_permit}")
    if line.temp_agency:
        parts.append(f"entreprise de travail temporaire : {line.temp_agency}")
    return " ; ".join(parts)


def _name(line: RegisterEntry) -> str:
    born = f" (née {line.birth_name})" if line.birth_name and line.sex == "F" else ""
    born = born or (f" (né {line.birth_name})" if line.birth_name else "")
    return f"{line.last_name}{born}"


REGISTER_COLUMNS = [
    Column("N°", lambda r: r.register_number),
    Column("Inscrit le", lambda r: r.recorded_on),
    Column("Nature", lambda r: r.get_kind_display()),
    Column("Nom", _name),
    Column("Prénoms", lambda r: r.first_names),
    Column("Nationalité", lambda r: r.nationality),
    Column("Né(e) le", lambda r: r.birth_date),
    Column("Sexe", lambda r: r.get_sex_display()),
    Column("Emploi", lambda r: r.job),
    Column("Qualification", lambda r: r.qualification),
    Column("Établissement", lambda r: r.establishment),
    Column("Entrée", lambda r: r.entry_date),
    Column("Sortie", lambda r: r.exit_date),
    Column("Contrat et mentions", _mentions),
    Column("Motif", lambda r: r.reason),
    Column("Inscrit par", lambda r: r.author),
]
TRAINEE_COLUMNS = [
    *REGISTER_COLUMNS[:9],
    Column("Début du stage", lambda r: r.entry_date),
    Column("Fin du stage", lambda r: r.exit_date),
    Column("Tuteur", lambda r: r.tutor),
    Column("Lieu du stage", lambda r: r.internship_place),
    Column("Motif", lambda r: r.reason),
    Column("Inscrit par", lambda r: r.author),
]
LEGAL_MENTION = (
    "Registre unique du personnel tenu en application des articles L1221-13 et D1221-23 à D1221-27 du Code du "
    "travail : salariés inscrits dans l'ordre des embauches, mentions portées de manière indélébile (toute "
    "rectification est une nouvelle ligne datée), stagiaires dans une partie distincte ; conservé cinq ans après "
    "le départ de chaque salarié."
)
