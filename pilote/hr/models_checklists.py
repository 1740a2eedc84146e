"""Onboarding and exit checklists (issue 12 point 1): the steps of a person's arrival or departure, copied from
`checklists.py` when the checklist is opened, each ticked with its date and author."""

from __future__ import annotations

from django.db import models

from pilote.hr.checklists import KIND_CHOICES


class ChecklistItem(models.Model):
    employee = models.ForeignKey("hr.Employee", verbose_name="salarié", on_delete=models.CASCADE,
                                 related_name="checklist")  # fmt: skip
    kind = models.CharField("parcours", max_length=8, choices=KIND_CHOICES)
    position = models.PositiveSmallIntegerField("ordre")
    code = models.CharField("étape", max_length=20)
    label = models.CharField("intitulé", max_length=200)
    due_on = models.DateField("à faire pour le")
    done_on = models.DateField("fait le", null=True, blank=True)
    done_by = models.CharField("fait par", max_length=150, blank=True)

    class Meta:
        verbose_name = "étape d'arrivée ou de départ"
        verbose_name_plural = "étapes d'arrivée et de départ"
        ordering = ["employee", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "kind", "code"], name="hr_checklistitem_once",
                                    violation_error_message="Cette étape existe déjà pour ce salarié."),
        ]  # fmt: skip
        indexes = [models.Index(fields=["done_on", "due_on"], name="hr_checklist_open_idx")]

    def __str__(self) -> str:
        return f"{self.label} ({self.employee})"
