"""Employees: each file opened through `hr.services.employees.hire_employee` (the next number of the register,
its hiring line, the onboarding checklist), its contract through `hr.services.contracts.sign_contract` and a
departure through `record_exit`. Rows are checked by `Employee.full_clean()` (`hr.rules.check_employee`: the
NIR against sex and birth date, a part time under 35 hours, an intern's tutor…) and the contract by
`hr.contracts.problems` (a CDD's reason and end, its length), the pure rules the HR forms use."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.registry import lazy_module
from pilote.hr.models import ContractType, CseCategory, Employee, Sex
from pilote.lib.formats import format_date, format_eur
from pilote.takeover.framework import Column, Dataset, Link, row_error
from pilote.takeover.reading import normalise

# Read when a file is taken over, not when the app starts (core.registry.lazy_module).
contract_rules = lazy_module("pilote.hr.contracts")
contracts = lazy_module("pilote.hr.services.contracts")
employees = lazy_module("pilote.hr.services.employees")

SEXES = {"F": Sex.FEMALE, "femme": Sex.FEMALE, "M": Sex.MALE, "H": Sex.MALE, "homme": Sex.MALE}
TYPES = {**{value: value for value in ContractType.values}, **{label: value for value, label in ContractType.choices},
         "intérim": ContractType.TEMPORARY, "stagiaire": ContractType.INTERNSHIP}  # fmt: skip
CATEGORIES = {**{label: value for value, label in CseCategory.choices}, "ouvrier": CseCategory.WORKER,
              "employé": CseCategory.WORKER, "technicien": CseCategory.SUPERVISOR,
              "agent de maîtrise": CseCategory.SUPERVISOR, "cadre": CseCategory.EXECUTIVE,
              "ingénieur": CseCategory.EXECUTIVE}  # fmt: skip
CATEGORY_WORDS = "ouvrier / employé, technicien / agent de maîtrise, cadre"
TYPE_WORDS = "CDI, CDD, apprentissage, professionnalisation, intérim, stage"
REASONS = {**{code: code for code, _ in contract_rules.CDD_REASONS},
           **{label: code for code, label in contract_rules.CDD_REASONS}}  # fmt: skip
FIELDS = {"last_name": "last_name", "first_names": "first_names", "sex": "sex", "birth_date": "birth_date",
          "birth_place": "birth_place", "nationality": "nationality", "nir": "nir", "email": "email",
          "phone": "phone", "address": "address", "postal_code": "postal_code", "city": "city", "job": "job",
          "qualification": "qualification", "cse_category": "category", "establishment": "establishment",
          "contract_type": "contract", "part_time": "part_time", "weekly_hours": "hours", "entry_date": "entry_date",
          "iban": "iban", "temp_agency": "temp_agency", "tutor": "tutor",
          "internship_place": "internship_place"}  # fmt: skip


class Employees(Dataset):
    key = "personnel"
    title = "Personnel (salariés et contrats)"
    summary = (
        "Les dossiers des salariés, leur ligne au registre unique du personnel et leur contrat (nature, dates, "
        "emploi, salaire)."
    )
    perm = "hr.edit"
    notes = [
        "Chaque salarié reçoit le numéro suivant du registre, dans l'ordre du fichier : classez-le par date d'entrée."
    ]
    columns = [
        Column("last_name", "Nom", "Nom d'usage.", "Martin", True),
        Column("first_names", "Prénoms", "", "Claire Anne", True, ("prenom",)),
        Column("sex", "Sexe", "F ou M.", "F", True),
        Column("birth_date", "Date de naissance", "JJ/MM/AAAA.", "14/03/1988", True, ("naissance",)),
        Column("birth_place", "Lieu de naissance", "", "Lyon (69)"),
        Column("nationality", "Nationalité", "Vide : Française.", "Française"),
        Column("nir", "N° de sécurité sociale", "13 chiffres et la clé ; vérifié avec le sexe et la date de naissance.",
               "", False, ("nir", "numero de securite sociale")),
        Column("email", "E-mail", "Adresse personnelle.", "claire.martin@exemple.fr", False, ("email",)),
        Column("phone", "Téléphone", "", ""),
        Column("address", "Adresse", "", "4 rue des Lilas"),
        Column("postal_code", "Code postal", "", "69003"),
        Column("city", "Ville", "", "Lyon"),
        Column("job", "Emploi", "L'intitulé du poste.", "Comptable", True, ("poste", "fonction")),
        Column("qualification", "Qualification", "Ex. coefficient, niveau de la convention.", "Niveau 3"),
        Column("category", "Catégorie", "Ouvrier / employé, technicien / agent de maîtrise ou cadre (collèges du CSE).",
               "Ouvrier / employé", False, ("categorie", "college")),
        Column("establishment", "Établissement", "Vide : Siège.", "Siège"),
        Column("contract", "Contrat", "CDI, CDD, apprentissage, professionnalisation, intérim ou stage.", "CDI", True,
               ("nature du contrat", "type de contrat")),
        Column("entry_date", "Date d'entrée", "JJ/MM/AAAA.", "01/09/2021", True, ("entree", "date d embauche")),
        Column("end_date", "Fin du contrat", "Pour un CDD, un apprentissage… (JJ/MM/AAAA).", ""),
        Column("cdd_reason", "Motif du CDD", "remplacement, accroissement, saisonnier, usage, objet_defini…", ""),
        Column("part_time", "Temps partiel", "oui ou non (vide : non).", "non"),
        Column("hours", "Heures par semaine", "Vide : 35.", "35", False, ("duree hebdomadaire",)),
        Column("salary", "Salaire brut mensuel", "En euros ; vide : le dossier sans contrat (à saisir ensuite).",
               "2 850,00", False, ("salaire", "brut mensuel")),
        Column("iban", "IBAN", "Pour le remboursement des frais.", ""),
        Column("exit_date", "Date de sortie", "Pour un salarié parti (le registre le garde 5 ans).", ""),
        Column("exit_reason", "Motif de sortie", "Démission, fin de CDD, rupture conventionnelle…", ""),
        Column("temp_agency", "Entreprise de travail temporaire", "Nom et adresse, pour un intérimaire.", ""),
        Column("tutor", "Tuteur", "Pour un stagiaire.", ""),
        Column("internship_place", "Lieu du stage", "Pour un stagiaire.", ""),
    ]  # fmt: skip
    preview_headers = ["Nom", "Prénoms", "Emploi", "Contrat", "Entrée", "Sortie", "Salaire brut"]

    def context(self, options):
        rows = Employee.objects.values_list("last_name", "first_names", "birth_date", "nir")
        return {"nirs": {nir for *_, nir in rows if nir},
                "people": {(normalise(last), normalise(first), born) for last, first, born, _ in rows}}  # fmt: skip

    def parse(self, cells, ctx):
        fields = {
            "last_name": cells.text("last_name", max_length=100),
            "first_names": cells.text("first_names", max_length=150),
            "sex": cells.choice("sex", SEXES, shown="F ou M"),
            "birth_date": cells.date("birth_date"),
            "birth_place": cells.text("birth_place", max_length=100),
            "nationality": cells.text("nationality", max_length=60) or "Française",
            "nir": cells.text("nir"),
            "email": cells.text("email"),
            "phone": cells.text("phone", max_length=30),
            "address": cells.text("address", max_length=200),
            "postal_code": cells.text("postal_code", max_length=10),
            "city": cells.text("city", max_length=100),
            "job": cells.text("job", max_length=120),
            "qualification": cells.text("qualification", max_length=120),
            "cse_category": cells.choice("category", CATEGORIES, CseCategory.WORKER, CATEGORY_WORDS),
            "establishment": cells.text("establishment", max_length=120) or "Siège",
            "contract_type": cells.choice("contract", TYPES, shown=TYPE_WORDS),
            "part_time": cells.boolean("part_time"),
            "weekly_hours": cells.decimal("hours") or 35,
            "entry_date": cells.date("entry_date"),
            "iban": cells.text("iban"),
            "temp_agency": cells.text("temp_agency", max_length=250),
            "tutor": cells.text("tutor", max_length=150),
            "internship_place": cells.text("internship_place", max_length=150),
        }  # fmt: skip
        contract = {"end_date": cells.date("end_date"), "cdd_reason": cells.choice("cdd_reason", REASONS, ""),
                    "monthly_gross": cells.decimal("salary")}  # fmt: skip
        leaving = {"exit_date": cells.date("exit_date"), "exit_reason": cells.text("exit_reason", max_length=120)}
        if cells.errors:
            return None
        employee = Employee(**fields)
        try:
            employee.full_clean(exclude=["register_number"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            cells.model_errors(exc, FIELDS)
        fields["nir"], fields["iban"], fields["bic"] = employee.nir, employee.iban, employee.bic
        if contract["monthly_gross"] is not None and not cells.errors:
            terms = contract_rules.Terms(
                fields["contract_type"], fields["entry_date"], contract["end_date"], contract["cdd_reason"],
                float(fields["weekly_hours"]), fields["part_time"], 0,
            )  # fmt: skip
            for problem in contract_rules.problems(terms):
                cells.fail("contract", problem)
        if leaving["exit_date"] and fields["entry_date"] and leaving["exit_date"] < fields["entry_date"]:
            cells.fail("exit_date", "la date de sortie ne peut pas précéder la date d'entrée.")
        if fields["nir"] and fields["nir"] in ctx["nirs"]:
            cells.fail("nir", "un salarié porte déjà ce numéro de sécurité sociale dans Pilote.")
        elif self._person(fields) in ctx["people"]:
            cells.fail(
                None,
                f"{fields['first_names']} {fields['last_name']}, né(e) le {format_date(fields['birth_date'])}, "
                "a déjà son dossier dans Pilote.",
            )
        return fields | {"contract": contract, "leaving": leaving}

    @staticmethod
    def _person(row):
        return (normalise(row["last_name"]), normalise(row["first_names"]), row["birth_date"])

    def duplicate_key(self, row):
        return ("nir", row["nir"]) if row["nir"] else self._person(row)

    def duplicate_message(self, row, first_line):
        return f"ce salarié est déjà celui de la ligne {first_line}."

    def preview(self, row):
        exit_date, gross = row["leaving"]["exit_date"], row["contract"]["monthly_gross"]
        return [row["last_name"], row["first_names"], row["job"], ContractType(row["contract_type"]).label,
                format_date(row["entry_date"]), format_date(exit_date) if exit_date else "",
                format_eur(gross) if gross is not None else ""]  # fmt: skip

    def write(self, rows, *, actor, options, progress):
        for done, row in enumerate(rows, start=1):
            fields = {k: v for k, v in row.items() if k not in ("_line", "contract", "leaving")}
            contract, leaving = row["contract"], row["leaving"]
            try:
                employee = employees.hire_employee(actor=actor, **fields)
                if contract["monthly_gross"] is not None:
                    contracts.sign_contract(
                        actor=actor, employee=employee, kind=employee.contract_type,
                        effective_from=employee.entry_date, end_date=contract["end_date"],
                        cdd_reason=contract["cdd_reason"], part_time=employee.part_time,
                        weekly_hours=employee.weekly_hours, monthly_gross=contract["monthly_gross"],
                    )  # fmt: skip
                if leaving["exit_date"]:
                    employees.record_exit(actor=actor, employee=employee, **leaving)
            except (ValidationError, DomainError) as exc:
                raise row_error(row["_line"], exc) from exc
            if done % 100 == 0:
                progress(done)
        return f"{len(rows)} salarié(s) inscrit(s) au registre du personnel.", [
            Link("Voir le personnel", reverse("hr:employee-list")),
            Link("Voir le registre", reverse("hr:register")),
        ]


DATASET = Employees()
