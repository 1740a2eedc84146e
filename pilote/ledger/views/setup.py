"""Chart of accounts, journals and fiscal years, and the verification page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, paginate, sort_queryset
from pilote.ledger import chain, heads, services
from pilote.ledger.forms import AccountForm, FiscalYearForm, JournalForm, LockForm
from pilote.ledger.models import Account, FiscalYear, Journal
from pilote.ledger.verify import verify_all

ACCOUNT_COLUMNS = [
    Column("Compte", lambda a: a.code),
    Column("Intitulé", lambda a: a.label),
    Column("Actif", lambda a: a.is_active),
]


@require_perm("ledger.view")
def account_list(request):
    accounts = Account.objects.all()
    query = request.GET.get("q", "").strip()
    if query:
        accounts = accounts.filter(Q(code__startswith=query) | Q(label__icontains=query))
    accounts = sort_queryset(
        accounts, request.GET.get("tri", ""), {"compte": ["code"], "intitule": ["label"]}, "compte"
    )
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(accounts, ACCOUNT_COLUMNS, "plan-comptable", request.GET["export"])
    form = AccountForm()
    return render(
        request, "ledger/account_list.html", {"page": paginate(request, accounts, 100), "form": form, "query": query}
    )


@require_POST
@require_perm("ledger.admin")
def account_create(request):
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            account = services.create_account(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Compte {account} créé.")
    else:
        messages.error(request, "Indiquez un numéro et un intitulé.")
    return redirect("ledger:account-list")


@require_perm("ledger.view")
def ledger_setup(request):
    context = {
        "years": FiscalYear.objects.all(),
        "journals": Journal.objects.select_related("account"),
        "year_form": FiscalYearForm(),
        "lock_form": LockForm(),
        "journal_form": JournalForm(),
        "has_chart": Account.objects.exists(),
    }
    return render(request, "ledger/setup.html", context)


@require_POST
@require_perm("ledger.admin")
def fiscal_year_open(request):
    form = FiscalYearForm(request.POST)
    if form.is_valid():
        try:
            year = services.open_fiscal_year(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:  # the shared fiscal-year rule (order, 24 months at most)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{year} ouvert.")
    else:
        messages.error(request, "Dates d'exercice invalides.")
    return redirect("ledger:setup")


@require_POST
@require_perm("ledger.admin")
def fiscal_year_lock(request, pk: int):
    year = get_object_or_404(FiscalYear, pk=pk)
    form = LockForm(request.POST)
    if form.is_valid():
        try:
            services.lock_period(actor=request.user, year=year, until=form.cleaned_data["locked_until"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Période verrouillée jusqu'au {form.cleaned_data['locked_until']:%d/%m/%Y}.")
    return redirect("ledger:setup")


@require_POST
@require_perm("ledger.admin")
def chart_install(request):
    count = services.install_chart(actor=request.user, kind=services.chart_kind(request.structure))
    messages.success(request, f"Plan comptable installé : {count} comptes ajoutés.")
    return redirect("ledger:setup")


class RecordedHeadForm(forms.Form):
    """A chain head written down outside the database (closing report, FEC export manifest, backup)."""

    head = forms.CharField(
        label="Tête de chaîne relevée",
        max_length=200,
        required=False,
        help_text="« indice:empreinte », tel qu'imprimé dans le rapport de clôture ou le manifeste d'export.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 80}),
    )

    def clean_head(self):
        text = self.cleaned_data["head"].strip()
        if not text:
            return None
        try:
            return chain.parse_head(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


@require_perm("ledger.view")
def verify(request):
    form = RecordedHeadForm(request.GET or None)
    recorded = form.cleaned_data["head"] if form.is_valid() else None
    context = {
        "form": form,
        "recorded": recorded,
        "results": {} if form.errors else verify_all(recorded=recorded),
        "head": chain.current_head(),
        "heads": list(reversed(heads.recorded()))[:10],
    }
    return render(request, "ledger/verify.html", context)


class ClosingConfirmForm(forms.Form):
    """The explicit confirmation of an irreversible closing: the user types the year's label or CLÔTURER."""

    WORD = "CLÔTURER"
    confirmation = forms.CharField(label="Confirmation", max_length=60)

    def __init__(self, *args, year: FiscalYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["confirmation"].help_text = f"Tapez « {self.WORD} » ou « {year} » pour confirmer."
        self.fields["confirmation"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean_confirmation(self):
        typed = " ".join(self.cleaned_data["confirmation"].split()).casefold()
        accepted = {self.WORD.casefold(), "cloturer", str(self.year).casefold()}
        if typed not in accepted:
            raise forms.ValidationError(
                f"Confirmation incorrecte : tapez « {self.WORD} » ou « {self.year} » pour clôturer."
            )
        return typed


def _closing_page(request, year: FiscalYear, form: ClosingConfirmForm, status: int = 200):
    from pilote.ledger.closing import closing_checks

    checks = closing_checks(year)
    context = {
        "year": year,
        "closing_heads": heads.recorded(heads.CLOSING, str(year)),
        "checks": checks,
        "blocking": [c for c in checks if c.is_blocking],
        "warnings": [c for c in checks if c.status == "warning"],
        "form": form,
    }
    return render(request, "ledger/closing.html", context, status=status)


@require_perm("ledger.view")
def closing_page(request, pk: int):
    year = get_object_or_404(FiscalYear, pk=pk)
    return _closing_page(request, year, ClosingConfirmForm(year=year))


@require_POST
@require_perm("ledger.admin")
def closing_confirm(request, pk: int):
    from pilote.ledger.closing import close_fiscal_year

    year = get_object_or_404(FiscalYear, pk=pk)
    form = ClosingConfirmForm(request.POST, year=year)
    if not form.is_valid():
        return _closing_page(request, year, form, status=400)
    try:
        entry = close_fiscal_year(actor=request.user, year=year)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _closing_page(request, year, form, status=400)
    messages.success(request, f"{year} clôturé." + (f" À-nouveaux : {entry}." if entry else ""))
    return redirect("ledger:closing", pk=year.pk)  # the closing report, with the chain head to keep


@require_perm("ledger.view")
def fec_download(request, pk: int):
    """The FEC of a fiscal year, streamed, under its legal file name."""
    from django.http import StreamingHttpResponse

    year = get_object_or_404(FiscalYear, pk=pk)
    name, chunks = heads.fec_export(year, getattr(request.structure, "siren", ""))
    response = StreamingHttpResponse(chunks, content_type="text/plain; charset=iso-8859-15")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_perm("ledger.view")
def fec_manifest(request, pk: int):
    """Beside the FEC (which stays exactly the DGFiP file): its SHA-256 and the chain head at export."""
    from django.http import HttpResponse

    year = get_object_or_404(FiscalYear, pk=pk)
    name, text = heads.fec_manifest(year, getattr(request.structure, "siren", ""))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@require_perm("ledger.admin")
def journal_create(request):
    from pilote.ledger.forms import JournalForm

    form = JournalForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        account = Account.objects.filter(code=data["account"].strip()).first() if data["account"] else None
        try:
            journal = services.create_journal(
                actor=request.user, code=data["code"], label=data["label"], kind=data["kind"], account=account
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Journal {journal} créé.")
    else:
        messages.error(request, "Indiquez le code, l'intitulé et le type du journal.")
    return redirect("ledger:setup")


@require_POST
@require_perm("ledger.edit")
def auxiliary_create(request):
    from pilote.ledger.forms import AuxiliaryForm

    form = AuxiliaryForm(request.POST)
    if form.is_valid():
        aux = services.auxiliary_for_contact(
            actor=request.user, contact=form.cleaned_data["contact"], control_code=form.cleaned_data["control"]
        )
        messages.success(request, f"Compte auxiliaire {aux} prêt.")
    else:
        messages.error(request, "Choisissez un contact client ou fournisseur.")
    return redirect("ledger:third-parties")
