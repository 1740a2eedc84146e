"""`cse_allocate --seats S --suffrages V --list NAME=v1,v2,… [--list …]`: the seats per list of a CSE college
at the electoral quotient then the highest average (R2314-19, R2314-20), as JSON — each list given by its
candidates' votes (crossings-out deducted), through the same functions as the results page (`hr.cse`)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from pilote.hr import cse


class Command(BaseCommand):
    help = "Répartition des sièges du CSE entre les listes (quotient électoral puis plus forte moyenne), en JSON."

    def add_arguments(self, parser):
        parser.add_argument("--seats", type=int, required=True, help="sièges à pourvoir dans le collège")
        parser.add_argument("--suffrages", type=int, required=True, help="suffrages valablement exprimés")
        parser.add_argument("--list", action="append", required=True, dest="lists",
                            help="NOM=voix du 1er candidat,voix du 2e,… (ratures déduites)")  # fmt: skip

    def handle(self, *args, seats, suffrages, lists, **options):
        try:
            parsed = [cse.parse_list_argument(text) for text in lists]
            names = [name for name, _ in parsed]
            if len(set(names)) != len(names):
                raise ValueError("Deux listes portent le même nom.")
            allocation = cse.allocate(seats, suffrages, [cse.make_list(name, votes) for name, votes in parsed])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(allocation.seats_by_list(), ensure_ascii=False))
