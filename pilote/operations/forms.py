from decimal import Decimal

from django import forms

from pilote.catalog.models import Product
from pilote.contacts.models import Contact
from pilote.core.forms import DATE_WIDGET, VersionedForm
from pilote.core.listing import WordsField
from pilote.lib.fields import FrenchDecimalFormField
from pilote.operations.models import Location, MoveKind, StockCategory, StockItem


def _quantity(label: str, **kwargs) -> FrenchDecimalFormField:
    return FrenchDecimalFormField(label=label, max_digits=12, decimal_places=3, min_value=Decimal("0.001"), **kwargs)


def _locations():
    return Location.objects.filter(is_active=True).order_by("code")


class ItemFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    category = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *StockCategory.choices])
    location = forms.ModelChoiceField(label="Emplacement", required=False, queryset=Location.objects.none(),
                                      empty_label="Tous")  # fmt: skip
    alert = forms.BooleanField(label="Sous le point de commande", required=False)
    date = forms.DateField(label="Valeur au", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()


class MoveFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    kind = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *MoveKind.choices])
    start = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    end = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["code", "name", "address"]


class ItemForm(VersionedForm):
    class Meta:
        model = StockItem
        fields = ["product", "category", "default_location", "reorder_point", "reorder_quantity", "supplier",
                  "tracking", "allow_negative"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["product"]
        else:
            self.fields["product"].queryset = Product.objects.filter(
                kind="goods", is_active=True, stock_item__isnull=True
            ).order_by("reference")
        self.fields["default_location"].queryset = _locations()
        self.fields["supplier"].queryset = Contact.objects.filter(is_active=True, is_supplier=True).order_by("name")

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "product")}


MANUAL_KINDS = [
    ("receipt", "Entrée (achat, retour)"),
    ("issue", "Sortie diverse (consommation, casse, don)"),
    ("adjustment_in", "Régularisation en plus"),
    ("adjustment_out", "Régularisation en moins"),
    ("transfer", "Transfert vers un autre emplacement"),
]


class MoveForm(forms.Form):
    kind = forms.ChoiceField(label="Mouvement", choices=MANUAL_KINDS)
    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    quantity = _quantity("Quantité")
    location = forms.ModelChoiceField(label="Emplacement", queryset=Location.objects.none())
    target = forms.ModelChoiceField(label="Vers (transfert)", queryset=Location.objects.none(), required=False)
    unit_cost = FrenchDecimalFormField(label="Coût unitaire HT (entrée)", max_digits=14, decimal_places=4,
                                       min_places=2, min_value=Decimal("0"), required=False)  # fmt: skip
    reference = forms.CharField(label="Pièce", max_length=60, required=False)
    note = forms.CharField(label="Motif", max_length=300, required=False)
    lots = forms.CharField(
        label="Lots ou numéros de série", max_length=2000, required=False,
        help_text="Lots : « L2401 : 5 ; L2402 : 3 ». Numéros de série : « SN-001, SN-002 ».",
    )  # fmt: skip

    def __init__(self, *args, tracked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()
        self.fields["target"].queryset = _locations()
        if not tracked:
            del self.fields["lots"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == "receipt" and data.get("unit_cost") is None:
            self.add_error("unit_cost", "Une entrée demande son coût unitaire.")
        if data.get("kind") == "transfer" and not data.get("target"):
            self.add_error("target", "Choisissez l'emplacement d'arrivée.")
        return data


class CountOpenForm(forms.Form):
    location = forms.ModelChoiceField(label="Emplacement", queryset=Location.objects.none())
    date = forms.DateField(label="Date de l'inventaire", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()


class YearForm(forms.Form):
    year = forms.ModelChoiceField(label="Exercice", queryset=None, empty_label=None)

    def __init__(self, *args, **kwargs):
        from pilote.ledger.models import FiscalYear

        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = FiscalYear.objects.order_by("-start_date")


# --- Production -------------------------------------------------------------------------------------------------


class WorkCentreForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=120)
    hourly_rate = FrenchDecimalFormField(label="Coût horaire (€)", max_digits=10, decimal_places=2, min_places=2,
                                         min_value=Decimal("0"))  # fmt: skip


def _stocked(category=None):
    items = StockItem.objects.select_related("product").order_by("product__reference")
    return items.filter(category=category) if category else items


class BomForm(forms.Form):
    name = forms.CharField(label="Intitulé", max_length=200)
    product = forms.ModelChoiceField(label="Produit fabriqué", queryset=StockItem.objects.none())
    quantity = _quantity("Quantité produite par la nomenclature", initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = _stocked()


class BomLineForm(forms.Form):
    component = forms.ModelChoiceField(label="Composant", queryset=StockItem.objects.none())
    quantity = _quantity("Quantité")
    scrap_percent = FrenchDecimalFormField(label="Rebut (%)", max_digits=5, decimal_places=2, initial=0,
                                           min_value=Decimal("0"), max_value=Decimal("99"))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = _stocked()


class BomOperationForm(forms.Form):
    work_centre = forms.ModelChoiceField(label="Poste de charge", queryset=None)
    hours = FrenchDecimalFormField(label="Heures", max_digits=8, decimal_places=2, min_value=Decimal("0.01"))

    def __init__(self, *args, **kwargs):
        from pilote.operations.models import WorkCentre

        super().__init__(*args, **kwargs)
        self.fields["work_centre"].queryset = WorkCentre.objects.order_by("name")


class ProductionOrderForm(forms.Form):
    bom = forms.ModelChoiceField(label="Nomenclature", queryset=None)
    quantity = _quantity("Quantité à produire")
    planned_date = forms.DateField(label="Date prévue", widget=DATE_WIDGET)
    location = forms.ModelChoiceField(label="Atelier", queryset=Location.objects.none())

    def __init__(self, *args, **kwargs):
        from pilote.operations.models import Bom

        super().__init__(*args, **kwargs)
        self.fields["bom"].queryset = Bom.objects.filter(is_active=True).order_by("name")
        self.fields["location"].queryset = _locations()


class ProductionFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    status = forms.ChoiceField(label="État", required=False)

    def __init__(self, *args, **kwargs):
        from pilote.operations.models import ProductionStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Tous"), *ProductionStatus.choices]


class DoneForm(forms.Form):
    date = forms.DateField(label="Terminé le", widget=DATE_WIDGET)


# --- Interventions ----------------------------------------------------------------------------------------------

WEEKDAYS = [(0, "lundi"), (1, "mardi"), (2, "mercredi"), (3, "jeudi"), (4, "vendredi"), (5, "samedi"), (6, "dimanche")]
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _people():
    from pilote.core.models import User

    return User.objects.filter(is_active=True).order_by("last_name", "first_name")


class InterventionForm(forms.Form):
    customer = forms.ModelChoiceField(label="Client ou personne servie", queryset=None)
    kind = forms.ChoiceField(label="Nature")
    subject = forms.CharField(label="Objet", max_length=200)
    address = forms.CharField(label="Adresse", max_length=300, help_text="Laissez vide pour l'adresse du client.",
                              required=False)  # fmt: skip
    technician = forms.ModelChoiceField(label="Intervenant", queryset=None, required=False, empty_label="Non affectée")
    day = forms.DateField(label="Jour", widget=DATE_WIDGET)
    at = forms.TimeField(label="Heure", widget=TIME_WIDGET)
    minutes = forms.IntegerField(label="Durée (minutes)", min_value=5, max_value=720, initial=60)
    required_skill = forms.CharField(label="Compétence requise", max_length=60, required=False)
    until = forms.DateField(label="Répéter jusqu'au", required=False, widget=DATE_WIDGET,
                            help_text="Laissez vide pour une seule visite ; les jours fériés sont sautés.")  # fmt: skip
    weekdays = forms.TypedMultipleChoiceField(label="Les", choices=WEEKDAYS, coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple, initial=[0, 1, 2, 3, 4])  # fmt: skip

    def __init__(self, *args, **kwargs):
        from pilote.contacts.models import Contact
        from pilote.operations.models import InterventionKind

        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Contact.objects.filter(is_customer=True).order_by("name")
        self.fields["kind"].choices = InterventionKind.choices
        self.fields["technician"].queryset = _people()


class MoveVisitForm(forms.Form):
    technician = forms.ModelChoiceField(label="Intervenant", queryset=None, required=False, empty_label="Non affectée")
    day = forms.DateField(label="Jour", widget=DATE_WIDGET)
    at = forms.TimeField(label="Heure", widget=TIME_WIDGET)
    minutes = forms.IntegerField(label="Durée (minutes)", min_value=5, max_value=720)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = _people()


class VisitFilterForm(forms.Form):
    q = WordsField(label="Recherche")
    technician = forms.ModelChoiceField(label="Intervenant", queryset=None, required=False, empty_label="Tous")
    status = forms.ChoiceField(label="État", required=False)
    unassigned = forms.BooleanField(label="Non affectées", required=False)
    start = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    end = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        from pilote.operations.models import InterventionStatus

        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = _people()
        self.fields["status"].choices = [("", "Tous"), *InterventionStatus.choices]


class ReportForm(forms.Form):
    report = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    signed_by = forms.CharField(label="Signé par (nom du client)", max_length=120)
    signature = forms.BooleanField(label="Le client a lu et signé le compte rendu", required=True)


class TechnicianForm(forms.Form):
    user = forms.ModelChoiceField(label="Personne", queryset=None)
    skills = forms.CharField(
        label="Compétences", max_length=300, required=False, help_text="Séparées par des virgules."
    )
    day_start = forms.TimeField(label="Début de journée", widget=TIME_WIDGET, initial="08:00")
    day_end = forms.TimeField(label="Fin de journée", widget=TIME_WIDGET, initial="17:30")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people()


class SectorForm(forms.Form):
    code = forms.CharField(label="Code", max_length=12, help_text="Un secteur qui porte déjà ce code est modifié.")
    name = forms.CharField(label="Nom", max_length=100)
    postcodes = forms.CharField(
        label="Codes postaux", max_length=500,
        help_text="Codes ou débuts de codes, séparés par des virgules : 69001, 69002, 6913.",
    )  # fmt: skip
    minutes_within = forms.IntegerField(label="Trajet dans le secteur (minutes)", min_value=0, max_value=600,
                                        initial=15)  # fmt: skip
