"""`manage.py fec_import FICHIER [--actor identifiant]` — take over the books kept in another software."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pilote.core.roles import Role
from pilote.ledger.fec_import import FecImportError, import_fec, validate_fec


class Command(BaseCommand):
    help = (
        "Importe un Fichier des Écritures Comptables (FEC) : tout est vérifié avant d'écrire, puis chaque "
        "écriture est validée dans Pilote, en une seule transaction (tout ou rien)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier FEC (séparateur tabulation ou |, UTF-8 ou ISO-8859-15).")
        parser.add_argument("--actor", help="Identifiant de l'utilisateur qui importe (par défaut : un comptable).")
        parser.add_argument("--start", type=dt.date.fromisoformat, help="Début de l'exercice à créer (AAAA-MM-JJ).")
        parser.add_argument("--end", type=dt.date.fromisoformat, help="Fin de l'exercice à créer (AAAA-MM-JJ).")

    def handle(self, *args, path, actor=None, start=None, end=None, **options):
        user = self._actor(actor)
        if bool(start) != bool(end):
            raise CommandError("--start et --end vont ensemble.")
        try:
            report = validate_fec(path, fiscal_year=(start, end) if start else None)
        except OSError as exc:
            raise CommandError(f"Lecture impossible de {path} : {exc.strerror}.") from exc
        self.stdout.write(f"Fichier : {report.summary()}")
        for warning in report.warnings:
            self.stdout.write(f"  ! {warning}")
        if not report.is_valid:
            for problem in report.problems:  # the first messages of each cause, in full
                self.stdout.write(f"  - {problem}")
            for cause, count, lines in report.problem_causes:  # then each cause once, with its count
                if count > 1:
                    more = "…" if count > len(lines) else ""
                    where = f" (lignes {', '.join(map(str, lines))}{more})" if lines else ""
                    self.stdout.write(f"  = {count} fois : {cause}{where}")
            raise CommandError(f"Fichier refusé : {report.problem_count} anomalie(s) ; rien n'a été importé.")

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"Import : {done}/{total} écritures")

        try:
            result = import_fec(report, actor=user, progress=progress)
        except FecImportError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(result.summary()))

    def _actor(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"Aucun utilisateur actif « {username} ».")
            return user
        user = (
            users.filter(role=Role.COMPTABLE).order_by("pk").first()
            or users.filter(role=Role.DIRECTION).order_by("pk").first()
            or users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError("Aucun comptable ni membre de la direction : précisez --actor.")
        return user
