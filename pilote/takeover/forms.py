from __future__ import annotations

from django import forms

from pilote.core.forms import DATE_WIDGET
from pilote.core.uploads import LimitedFileField
from pilote.ledger.models import FiscalYear
from pilote.lib.dates import local_today


def default_takeover_date():
    """The first day of the open fiscal year holding today (else of the first open one)."""
    today = local_today()
    year = FiscalYear.objects.filter(start_date__lte=today, end_date__gte=today, status="open").first()
    year = year or FiscalYear.objects.filter(status="open").order_by("start_date").first()
    return year.start_date if year else None


class UploadForm(forms.Form):
    fichier = LimitedFileField(
        kind="takeover",
        label="Fichier",
        help_text="Le modèle rempli, en CSV (UTF-8 ou Windows-1252, « ; » ou « , ») ou en XLSX (première feuille).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def __init__(self, *args, accounting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if accounting:
            self.fields["date"] = forms.DateField(
                label="Date de reprise",
                widget=DATE_WIDGET,
                initial=default_takeover_date,
                help_text=(
                    "Date de l'écriture d'ouverture : d'ordinaire le premier jour de l'exercice tenu dans Pilote."
                ),
            )

    def clean_date(self):
        day = self.cleaned_data["date"]
        year = FiscalYear.objects.filter(start_date__lte=day, end_date__gte=day).first()
        if year is None:
            raise forms.ValidationError(f"Aucun exercice ne couvre le {day:%d/%m/%Y} : ouvrez-le d'abord.")
        if not year.is_open:
            raise forms.ValidationError(f"{year} est clôturé.")
        if year.locked_until and day <= year.locked_until:
            raise forms.ValidationError(f"La période est verrouillée jusqu'au {year.locked_until:%d/%m/%Y}.")
        return day

    def options(self) -> dict:
        day = self.cleaned_data.get("date")
        return {"date": day.isoformat()} if day else {}
