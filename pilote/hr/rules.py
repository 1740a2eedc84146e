"""Row rules of an employee's file, shared by forms, services and the demo (French messages)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from pilote.lib.identifiers import clean_nir

FULL_TIME_HOURS = Decimal("35")


def check_employee(employee) -> None:
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if employee.nir:
        try:
            employee.nir = clean_nir(employee.nir, sex=employee.sex, birth_date=employee.birth_date)
        except ValidationError as exc:
            refuse("nir", exc.messages[0])
    if employee.needs_work_permit and not (employee.work_permit_type and employee.work_permit_number):
        # D1221-24: for a foreign worker, the type and number of the document that allows them to work.
        refuse("work_permit_number", "Indiquez le type et le numéro du titre autorisant ce salarié à travailler.")
    if employee.contract_type == "interim" and not employee.temp_agency:
        refuse("temp_agency", "Indiquez le nom et l'adresse de l'entreprise de travail temporaire.")
    if employee.contract_type == "stage" and not (employee.tutor and employee.internship_place):
        refuse("tutor", "Un stagiaire est inscrit avec son tuteur et le lieu du stage (D1221-23-1).")
    if employee.part_time and employee.weekly_hours is not None and employee.weekly_hours >= FULL_TIME_HOURS:
        refuse("weekly_hours", "Un temps partiel travaille moins de 35 heures par semaine.")
    if employee.manager_id and employee.pk and employee.manager_id == employee.pk:
        refuse("manager", "Un salarié ne peut pas être son propre responsable.")
    if employee.birth_date and employee.entry_date and (employee.entry_date - employee.birth_date).days < 14 * 365:
        refuse("birth_date", "La date de naissance donne moins de 14 ans à l'entrée : vérifiez la saisie.")
    if errors:
        raise ValidationError(errors)


def contract_mentions(employee) -> str:
    """The contract mentions the register carries (D1221-24, D1221-25): CDD, temporary worker, part time,
    apprentice or professionalisation contract."""
    parts = [employee.get_contract_type_display()]
    if employee.part_time:
        parts.append(f"temps partiel ({employee.weekly_hours.normalize():f} h/semaine)".replace(".", ","))
    return ", ".join(parts)
