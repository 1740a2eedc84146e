"""Bank pages: accounts, statement import (with the CSV column mapping step), reconciliation, rules, report."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core import pending
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.forms import DATE_WIDGET
from pilote.core.listing import EXPORT_FORMATS, WordsField, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import to_int
from pilote.core.pickers import datalist_attrs
from pilote.core.uploads import LimitedFileField
from pilote.ledger import bank, bank_statements, queries
from pilote.ledger.forms import BankAccountChangeForm, BankAccountForm, BankRuleForm
from pilote.ledger.models import BankAccount, BankRule, EntryLine, StatementLine
from pilote.lib.dates import local_today
from pilote.lib.french import plural


def _pending_scope(account) -> str:
    """A CSV waiting for its columns belongs to one bank account: it is never imported into another."""
    return f"bank-csv:{account.pk}"


class UploadForm(forms.Form):
    file = LimitedFileField(label="Relevé (CAMT.053, OFX ou CSV)", kind="bank")


DATE_FORMATS = [
    ("%d/%m/%Y", "JJ/MM/AAAA"),
    ("%Y-%m-%d", "AAAA-MM-JJ"),
    ("%d/%m/%y", "JJ/MM/AA"),
    ("%d-%m-%Y", "JJ-MM-AAAA"),
    ("%d.%m.%Y", "JJ.MM.AAAA"),
]
MAX_SKIP_ROWS = 100  # a bank's preamble is a few lines; beyond, the count is a typing slip
COLUMN_ROLES = (
    "amount_column", "debit_column", "credit_column", "value_date_column", "reference_column", "currency_column",
)  # fmt: skip
INVERT_LABEL = "Inverser les signes (le fichier écrit les dépenses en positif)"


class _LayoutChecks:
    """Shared by both layout forms: one signed amount column, or debit and credit columns."""

    def clean(self):
        data = super().clean()
        if data.get("amount_column") and (data.get("debit_column") or data.get("credit_column")):
            raise forms.ValidationError(
                "Choisissez soit une colonne de montant signé, soit les colonnes Débit et Crédit."
            )
        if not (data.get("amount_column") or data.get("debit_column") or data.get("credit_column")):
            raise forms.ValidationError("Indiquez la colonne du montant signé, ou les colonnes Débit et Crédit.")
        return data

    def mapping(self) -> bank_statements.CsvMapping:
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        data["decimal_comma"] = self.cleaned_data["decimal_comma"]
        data["invert_signs"] = self.cleaned_data.get("invert_signs", False)
        return bank_statements.CsvMapping(**data)


class MappingForm(_LayoutChecks, forms.Form):
    """The column screen for a file at hand: the columns are chosen among the file's header."""

    skip_rows = forms.IntegerField(
        label="Lignes d'en-tête de la banque à ignorer", min_value=0, max_value=MAX_SKIP_ROWS, initial=0
    )
    date_column = forms.ChoiceField(label="Colonne date")
    label_column = forms.ChoiceField(label="Colonne libellé")
    amount_column = forms.ChoiceField(label="Colonne montant (signé : -12,50 au débit)", required=False)
    debit_column = forms.ChoiceField(label="ou colonne débit", required=False)
    credit_column = forms.ChoiceField(label="et colonne crédit", required=False)
    value_date_column = forms.ChoiceField(label="Colonne date de valeur", required=False)
    reference_column = forms.ChoiceField(label="Colonne référence", required=False)
    currency_column = forms.ChoiceField(
        label="Colonne devise", required=False, help_text="Une ligne dans une autre devise que l'euro est refusée."
    )
    date_format = forms.ChoiceField(label="Format de date", choices=DATE_FORMATS)
    decimal_comma = forms.BooleanField(label="Virgule décimale (1 234,56)", required=False, initial=True)
    invert_signs = forms.BooleanField(label=INVERT_LABEL, required=False)

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(c, c) for c in columns]
        for name in ("date_column", "label_column"):
            self.fields[name].choices = choices
        for name in COLUMN_ROLES:
            self.fields[name].choices = [("", "—"), *choices]


class LayoutForm(_LayoutChecks, forms.Form):
    """The saved layout edited without a file: column names typed as the bank writes them."""

    skip_rows = forms.IntegerField(
        label="Lignes d'en-tête de la banque à ignorer", min_value=0, max_value=MAX_SKIP_ROWS, initial=0
    )
    date_column = forms.CharField(label="Colonne date", max_length=100)
    label_column = forms.CharField(label="Colonne libellé", max_length=100)
    amount_column = forms.CharField(label="Colonne montant (signé)", max_length=100, required=False)
    debit_column = forms.CharField(label="ou colonne débit", max_length=100, required=False)
    credit_column = forms.CharField(label="et colonne crédit", max_length=100, required=False)
    value_date_column = forms.CharField(label="Colonne date de valeur", max_length=100, required=False)
    reference_column = forms.CharField(label="Colonne référence", max_length=100, required=False)
    currency_column = forms.CharField(label="Colonne devise", max_length=100, required=False)
    date_format = forms.ChoiceField(label="Format de date", choices=DATE_FORMATS)
    decimal_comma = forms.BooleanField(label="Virgule décimale (1 234,56)", required=False, initial=True)
    invert_signs = forms.BooleanField(label=INVERT_LABEL, required=False)


def _initial_layout(saved: dict | None, columns: list[str], sample: list[list[str]], skip: int) -> dict:
    """The saved layout when it fits this file's header, else a guess from the header and the sample."""
    names = {name.casefold() for name in columns}
    wanted = [saved.get(key) for key in ("date_column", "label_column", *COLUMN_ROLES)] if saved else []
    if saved and saved.get("skip_rows", 0) == skip and all(not w or w.casefold() in names for w in wanted):
        by_name = {name.casefold(): name for name in columns}
        initial = {k: v for k, v in saved.items() if k in MappingForm.base_fields and v is not None}
        for key in ("date_column", "label_column", *COLUMN_ROLES):
            if saved.get(key):
                initial[key] = by_name[saved[key].casefold()]
        return initial
    return {"skip_rows": skip, **bank_statements.guess_mapping(columns, sample)}


class BookForm(forms.Form):
    account = forms.CharField(
        label="Compte de contrepartie",
        max_length=20,
        widget=forms.TextInput(attrs={**datalist_attrs("comptes", "accounts"), "inputmode": "numeric"}),
    )
    auxiliary = forms.CharField(
        label="Compte auxiliaire",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=datalist_attrs("auxiliaires", "auxiliaries")),
    )
    label = forms.CharField(label="Libellé", max_length=200, required=False)
    make_rule = forms.BooleanField(label="Créer une règle pour les prochaines fois", required=False)
    rule_text = forms.CharField(label="quand le libellé contient", max_length=100, required=False)


@require_perm("ledger.view")
def bank_list(request):
    accounts = BankAccount.objects.select_related("journal", "account").annotate(
        pending=Count("statement_lines", filter=Q(statement_lines__entry_line__isnull=True))
    )
    return render(request, "ledger/bank_list.html", {"accounts": accounts, "form": BankAccountForm()})


@require_POST
@require_perm("ledger.admin")
def bank_create(request):
    form = BankAccountForm(request.POST)
    if form.is_valid():
        try:
            account = bank.create_bank_account(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
        else:
            messages.success(request, f"Compte bancaire {account} créé.")
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("ledger:bank-list")


@require_perm("ledger.admin")
def bank_edit(request, pk: int):
    """A bank account's name, IBAN, BIC and state changed (`bank.update_bank_account`)."""
    account = get_object_or_404(BankAccount.objects.select_related("journal", "account"), pk=pk)
    initial = {"name": account.name, "iban": account.iban, "bic": account.bic, "is_active": account.is_active}
    form = BankAccountChangeForm(request.POST or None, initial=initial | {"version": account.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            bank.update_bank_account(actor=request.user, bank_account=account, expected_version=expected, **data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or " ".join(exc.messages))
        else:
            messages.success(request, f"Compte bancaire {account.name} enregistré.")
            return redirect("ledger:bank-list")
    imported = account.imports.exists()
    return render(request, "ledger/bank_edit.html", {"account": account, "form": form, "imported": imported})


class StatementLineFilterForm(forms.Form):
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)
    q = WordsField(label="Libellé, référence ou tiers", required=False)
    sens = forms.ChoiceField(
        label="Sens", required=False, choices=[("", "Tous"), ("credit", "Encaissements"), ("debit", "Décaissements")]
    )


@require_perm("ledger.view")
def bank_detail(request, pk: int):
    account = get_object_or_404(BankAccount.objects.select_related("journal", "account"), pk=pk)
    state = request.GET.get("etat", "a-rapprocher")
    form = StatementLineFilterForm(request.GET or None)
    filters = filter_data(form)
    lines = queries.statement_lines(account, state, **filters)
    lines = sort_queryset(lines, request.GET.get("tri", ""), queries.STATEMENT_LINE_SORTS, "-date")
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        rows = lines.iterator(chunk_size=2000)
        title = f"Relevés {account.name}"
        return export_response(rows, queries.STATEMENT_LINE_COLUMNS, "releves", fmt, title=title)
    context = {
        "account": account,
        "page": paginate(request, lines),
        "state": state,
        "form": form,
        "upload": UploadForm(),
        "imports": account.imports.all()[:10],
    }
    return render(request, "ledger/bank_detail.html", context)


def _import(request, account, upload, filename: str, mapping=None, token=None):
    """Import the uploaded file; a CSV without a layout, or whose header does not fit the saved layout, goes
    to the column screen with the file kept aside (core.pending: on disk, its token in the session)."""
    try:
        summary = bank.import_statement(
            actor=request.user, bank_account=account, data=upload, filename=filename, csv_mapping=mapping
        )
    except bank_statements.CsvMappingRequired as exc:
        if token is None:
            token = pending.keep(request, _pending_scope(account), {"name": filename[:200]}, upload=upload)
        if isinstance(exc, bank_statements.CsvMappingMismatch):
            messages.warning(request, str(exc))
        return redirect(reverse("ledger:bank-mapping", args=[account.pk]) + f"?fichier={token}")
    except bank_statements.StatementError as exc:
        for problem in exc.problems[:20] or [str(exc)]:
            messages.error(request, problem)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        pending.discard(request, _pending_scope(account), token)
        for note in summary.notes:
            messages.info(request, note)
        messages.success(
            request,
            plural(summary.imported, "ligne importée", "lignes importées")
            + (
                f", {plural(summary.skipped, 'ligne déjà présente ignorée', 'lignes déjà présentes ignorées')}"
                if summary.skipped
                else ""
            )
            + ".",
        )
    return redirect("ledger:bank-detail", pk=account.pk)


@require_POST
@require_perm("ledger.edit")
def bank_import(request, pk: int):
    account = get_object_or_404(BankAccount, pk=pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", ["Choisissez un fichier de relevé."]):
            messages.error(request, error)
        return redirect("ledger:bank-detail", pk=pk)
    upload = form.cleaned_data["file"]
    return _import(request, account, upload, upload.name)


@require_perm("ledger.edit")
def bank_mapping(request, pk: int):
    """The column screen for the CSV file waiting in the session: the saved layout when it fits the file,
    else a guess from the header; problems of the file are shown here, the user corrects and retries."""
    account = get_object_or_404(BankAccount, pk=pk)
    token = request.POST.get("fichier") or request.GET.get("fichier")
    waiting = pending.read(request, _pending_scope(account), token)
    path = pending.file_path(request, _pending_scope(account), token)
    if not waiting or path is None:
        messages.error(request, "Aucun fichier CSV en attente pour ce compte : déposez le relevé à nouveau.")
        return redirect("ledger:bank-detail", pk=pk)
    with path.open("rb") as data:
        return _mapping_screen(request, account, token, waiting, data)


def _mapping_screen(request, account, token, waiting, data):
    pk = account.pk
    skip = to_int(request.POST.get("skip_rows") or request.GET.get("skip_rows"), maximum=MAX_SKIP_ROWS)
    if skip is None:  # the bank's preamble: found in the file, else as saved
        found = bank_statements.guess_skip_rows(data)
        skip = found if found is not None else (account.csv_mapping or {}).get("skip_rows", 0)
    try:
        columns, sample = bank_statements.sniff_csv_columns(data, skip)
    except bank_statements.StatementError as exc:
        messages.error(request, str(exc))
        return redirect("ledger:bank-detail", pk=pk)
    initial = _initial_layout(account.csv_mapping, columns, sample, skip)
    submitted = request.method == "POST" and "relire" not in request.POST  # « relire »: new header, fresh form
    form = MappingForm(request.POST if submitted else None, columns=columns, initial=initial)
    checking = submitted and "apercu" in request.POST  # « Vérifier » : the preview below, nothing imported
    preview, preview_problems = [], []
    if submitted and form.is_valid():
        preview, preview_problems = bank_statements.preview_csv(data, form.mapping())
    elif not submitted:
        mapping = _mapping_or_none(initial)
        if mapping is not None:
            preview, preview_problems = bank_statements.preview_csv(data, mapping)
    if submitted and form.is_valid() and not checking:
        try:
            summary = bank.import_statement(
                actor=request.user, bank_account=account, data=data, filename=waiting["name"],
                csv_mapping=form.mapping(),
            )  # fmt: skip
        except bank_statements.StatementError as exc:
            for problem in exc.problems[:20] or [str(exc)]:
                form.add_error(None, problem)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            pending.discard(request, _pending_scope(account), token)
            for note in summary.notes:
                messages.info(request, note)
            imported = plural(summary.imported, "ligne importée", "lignes importées")
            messages.success(request, f"{imported} ; disposition des colonnes enregistrée.")
            return redirect("ledger:bank-detail", pk=pk)
    context = {
        "account": account, "form": form, "columns": columns, "sample": sample, "filename": waiting["name"],
        "token": token, "preview": preview, "preview_problems": preview_problems[:5],
    }  # fmt: skip
    return render(request, "ledger/bank_mapping.html", context)


def _mapping_or_none(data: dict) -> bank_statements.CsvMapping | None:
    """The mapping of a layout (saved or guessed) when it is complete enough to read the file, else None."""
    known = {name for name in bank_statements.CsvMapping.__dataclass_fields__}
    values = {key: value for key, value in data.items() if key in known and value not in ("", None)}
    try:
        mapping = bank_statements.CsvMapping(**values)
        bank_statements.check_mapping(mapping)
    except (TypeError, bank_statements.StatementError):
        return None
    return mapping


@require_perm("ledger.edit")
def bank_csv_layout(request, pk: int):
    """See, change or forget the CSV column layout saved for this bank account."""
    account = get_object_or_404(BankAccount, pk=pk)
    saved = account.csv_mapping
    form = LayoutForm(request.POST or None, initial=saved or {})
    if request.method == "POST":
        try:
            if "supprimer" in request.POST:
                bank.forget_csv_mapping(actor=request.user, bank_account=account)
                messages.success(request, "Disposition oubliée : le prochain relevé CSV demandera ses colonnes.")
                return redirect("ledger:bank-csv-layout", pk=pk)
            if form.is_valid():
                bank.save_csv_mapping(actor=request.user, bank_account=account, mapping=form.mapping())
                messages.success(request, "Disposition des colonnes enregistrée.")
                return redirect("ledger:bank-csv-layout", pk=pk)
        except bank_statements.StatementError as exc:
            form.add_error(None, str(exc))
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "ledger/bank_csv_layout.html", {"account": account, "form": form, "saved": saved})


@require_perm("ledger.view")
def statement_line(request, pk: int):
    line = get_object_or_404(StatementLine.objects.select_related("bank_account__account"), pk=pk)
    rule = bank.matching_rule(line) if not line.is_reconciled else None
    context = {
        "line": line,
        "suggestions": [] if line.is_reconciled else bank.suggestions(line),
        "rule": rule,
        "form": BookForm(initial={"label": line.label[:200], "rule_text": line.label[:40]}),
    }
    return render(request, "ledger/statement_line.html", context)


@require_POST
@require_perm("ledger.edit")
def statement_line_match(request, pk: int):
    line = get_object_or_404(StatementLine, pk=pk)
    chosen = to_int(request.POST.get("ligne"), minimum=1)
    if chosen is None:  # a tampered or empty form: a message, never a traceback
        messages.error(request, "Choisissez la ligne d'écriture à rapprocher.")
        return redirect("ledger:statement-line", pk=pk)
    target = get_object_or_404(EntryLine.objects.select_related("entry", "account", "auxiliary"), pk=chosen)
    try:
        bank.confirm_match(actor=request.user, statement_line=line, entry_line=target,
                           open_item=request.POST.get("kind") == "open_item")  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledger:statement-line", pk=pk)
    messages.success(request, "Ligne rapprochée.")
    return redirect("ledger:bank-detail", pk=line.bank_account_id)


@require_POST
@require_perm("ledger.edit")
def statement_line_book(request, pk: int):
    line = get_object_or_404(StatementLine, pk=pk)
    form = BookForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le compte de contrepartie.")
        return redirect("ledger:statement-line", pk=pk)
    data = form.cleaned_data
    try:
        bank.book_by_codes(
            actor=request.user, statement_line=line, account_code=data["account"], auxiliary_code=data["auxiliary"],
            label=data["label"], rule_text=data["rule_text"] if data["make_rule"] else "",
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledger:statement-line", pk=pk)
    messages.success(request, "Écriture passée et ligne rapprochée.")
    return redirect("ledger:bank-detail", pk=line.bank_account_id)


@require_POST
@require_perm("ledger.edit")
def statement_line_unmatch(request, pk: int):
    line = get_object_or_404(StatementLine, pk=pk)
    bank.unreconcile(actor=request.user, statement_line=line)
    messages.success(request, "Rapprochement défait (l'écriture reste passée ; contre-passez-la si elle est fausse).")
    return redirect("ledger:statement-line", pk=pk)


@require_POST
@require_perm("ledger.edit")
def bank_apply_rules(request, pk: int):
    """The rules applied to the lines the page lists: the account's lines to reconcile within the page's
    filters (dates, words, direction), sent back with the button — never every waiting line."""
    account = get_object_or_404(BankAccount, pk=pk)
    form = StatementLineFilterForm(request.POST)
    filters = {k: v for k, v in filter_data(form).items() if v}  # what the page lists: refused words left out alone
    shown = queries.statement_lines(account, "a-rapprocher", **filters)
    try:
        done = bank.apply_rules(actor=request.user, bank_account=account, lines=shown)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{plural(done, 'ligne comptabilisée', 'lignes comptabilisées')} par les règles.")
    query = urlencode({k: request.POST[k] for k in StatementLineFilterForm.base_fields if request.POST.get(k)})
    return redirect(reverse("ledger:bank-detail", args=[pk]) + (f"?{query}" if query else ""))


class ReportForm(forms.Form):
    au = forms.DateField(label="Au", widget=DATE_WIDGET, required=False)


@require_perm("ledger.view")
def bank_report(request, pk: int):
    account = get_object_or_404(BankAccount, pk=pk)
    form = ReportForm(request.GET or None)
    on = (form.cleaned_data.get("au") if form.is_valid() else None) or local_today()
    report = bank.reconciliation_report(account, on)
    return render(request, "ledger/bank_report.html", {"account": account, "report": report, "form": form})


@require_POST
@require_perm("ledger.edit")
def bank_reconcile_pairs(request, pk: int):
    """Reconcile the pairs the report showed and the user ticked — those of this account only."""
    account = get_object_or_404(BankAccount, pk=pk)
    form = ReportForm(request.POST)
    on = (form.cleaned_data.get("au") if form.is_valid() else None) or local_today()
    try:
        done = bank.reconcile_pairs(actor=request.user, bank_account=account, keys=request.POST.getlist("paire"), on=on)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{plural(done, 'ligne de relevé rapprochée', 'lignes de relevé rapprochées')}.")
    return redirect(reverse("ledger:bank-report", args=[pk]) + f"?au={on:%Y-%m-%d}")


@require_perm("ledger.view")
def bank_rules(request):
    return render(
        request, "ledger/bank_rules.html", {"rules": BankRule.objects.select_related("account", "bank_account")}
    )


@require_perm("ledger.edit")
def bank_rule_edit(request, pk: int):
    """A matching rule changed (`bank.update_rule`): lines it booked stay as they are."""
    rule = get_object_or_404(BankRule.objects.select_related("account", "auxiliary", "bank_account"), pk=pk)
    form = BankRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            bank.update_rule(actor=request.user, rule=rule, expected_version=expected, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Règle enregistrée.")
            return redirect("ledger:bank-rules")
    return render(request, "ledger/bank_rule_edit.html", {"rule": rule, "form": form})


@require_POST
@require_perm("ledger.edit")
def bank_rule_delete(request, pk: int):
    bank.delete_rule(actor=request.user, rule=get_object_or_404(BankRule, pk=pk))
    messages.success(request, "Règle supprimée.")
    return redirect("ledger:bank-rules")
