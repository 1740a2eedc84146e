"""Working time (issue 12 point 4): the shifts of the schedule (planning), which are also the hours worked once the
day is past; rh, direction and each manager for their team plan them; `worktime.py` computes weeks, overtime and
the alerts on maximum durations and rest."""

from __future__ import annotations

from django.db import models

from pilote.hr.worktime import Shift


class WorkShift(models.Model):
    employee = models.ForeignKey("hr.Employee", verbose_name="salarié", on_delete=models.PROTECT,
                                 related_name="shifts")  # fmt: skip
    day = models.DateField("jour")
    start = models.TimeField("début")
    end = models.TimeField("fin", help_text="Une fin avant le début finit le lendemain (travail de nuit).")
    break_minutes = models.PositiveSmallIntegerField("pause (minutes)", default=0)
    note = models.CharField("poste, lieu", max_length=120, blank=True)
    author = models.CharField("planifiée par", max_length=150, blank=True)

    class Meta:
        verbose_name = "plage de travail"
        verbose_name_plural = "plages de travail"
        ordering = ["employee", "day", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(start=models.F("end")),
                name="hr_workshift_not_empty",
                violation_error_message="Une plage de travail a un début et une fin différents.",
            )
        ]
        indexes = [models.Index(fields=["day", "employee"], name="hr_workshift_day_idx")]

    def __str__(self) -> str:
        return f"{self.employee} le {self.day:%d/%m/%Y} de {self.start:%H:%M} à {self.end:%H:%M}"

    @property
    def shift(self) -> Shift:
        return Shift(self.day, self.start, self.end, self.break_minutes)

    @property
    def hours(self):
        return self.shift.hours
