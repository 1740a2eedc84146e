"""Analytic accounting pages: the result per section of an axis (reconciled with the general ledger), and
the set-up — axes, sections, default distributions per account, applying them to posted lines."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.forms import DATE_WIDGET
from pilote.core.listing import EXPORT_FORMATS, Column, export_response
from pilote.core.registry import cost_chain_for, production_costs
from pilote.finance import queries
from pilote.ledger import analytics
from pilote.ledger.models import (
    Account,
    AnalyticAxis,
    AnalyticDefault,
    FiscalYear,
)
from pilote.ledger.models_analytic import SectionKind
from pilote.lib.dates import local_today
from pilote.lib.formats import format_eur
from pilote.lib.french import plural


class AnalyticForm(forms.Form):
    axe = forms.ModelChoiceField(label="Axe", queryset=AnalyticAxis.objects.filter(is_active=True), empty_label=None)
    exercice = forms.ModelChoiceField(
        label="Exercice", queryset=FiscalYear.objects.order_by("-start_date"), empty_label=None
    )
    date = forms.DateField(label="Cumul à fin du mois du", required=False, widget=DATE_WIDGET)


REPORT_COLUMNS = [
    Column("Section", lambda r: r.code),
    Column("Intitulé", lambda r: r.label),
    Column("Produits", lambda r: r.income),
    Column("Charges", lambda r: r.expenses),
    Column("Résultat", lambda r: r.result),
]


COSTING_COLUMNS = [
    Column("Produit", lambda p: p.code),
    Column("Intitulé", lambda p: p.label),
    Column("Chiffre d'affaires", lambda p: p.revenue),
    Column("Coût de production des ventes", lambda p: p.production),  # a product made in-house only
    Column("Charges directes", lambda p: p.direct),
    Column("Charges indirectes imputées", lambda p: p.indirect_total),
    Column(
        "Détail des charges indirectes", lambda p: " ; ".join(f"{c} {format_eur(a)}" for c, a in p.indirect.items())
    ),
    Column("Coût de revient", lambda p: p.cost_price),
    Column("Résultat analytique", lambda p: p.result),
]


@require_perm("finance.view")
def report(request):
    axis = AnalyticAxis.objects.filter(is_active=True).first()
    year = FiscalYear.objects.order_by("-start_date").first()
    # Bound only when the filters were sent: an export link on a first visit carries « export » alone.
    asked = any(name in request.GET for name in AnalyticForm.base_fields)
    form = AnalyticForm(request.GET if asked else None, initial={"axe": axis, "exercice": year})
    day = None
    if form.is_bound:
        if form.is_valid():
            axis, year, day = form.cleaned_data["axe"], form.cleaned_data["exercice"], form.cleaned_data["date"]
        else:
            messages.error(request, "La demande n'a pas pu être lue : voici le dernier exercice.")
    context = {"form": form, "axis": axis, "year": year}
    if axis and year:
        today = local_today()
        day = day if day and year.contains(day) else (today if year.contains(today) else year.end_date)
        result = queries.analytic_report(axis, year, day)
        fmt = request.GET.get("export")
        if fmt in EXPORT_FORMATS:
            rows = [*result.rows, result.undistributed]
            title = f"Résultat analytique — axe {axis.label} — {year}"
            return export_response(rows, REPORT_COLUMNS, f"analytique-{axis.code.lower()}", fmt, title=title)
        context |= {"report": result, "day": queries._month_end(day)}
    return render(request, "finance/analytic.html", context)


@require_perm("finance.view")
def setup(request):
    axes = list(AnalyticAxis.objects.prefetch_related("sections"))
    defaults: dict[int, dict[str, list]] = {}
    for default in AnalyticDefault.objects.select_related("section", "account", "product").order_by(
        "account__code", "product__reference", "section__code"
    ):
        owner = default.account.code if default.account else f"Article {default.product.reference}"
        defaults.setdefault(default.section.axis_id, {}).setdefault(owner, []).append(default)
    for axis in axes:
        axis.default_rows = sorted(defaults.get(axis.pk, {}).items())
    return render(
        request,
        "finance/analytic_setup.html",
        {"axes": axes, "kinds": SectionKind.choices, "years": FiscalYear.objects.filter(status="open")},
    )


def _back(request):
    return redirect("finance:analytic-setup")


@require_POST
@require_perm("finance.edit")
def axis_create(request):
    try:
        analytics.create_axis(
            actor=request.user, code=request.POST.get("code", ""), label=request.POST.get("label", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Axe créé.")
    return _back(request)


@require_POST
@require_perm("finance.edit")
def section_create(request, pk: int):
    axis = get_object_or_404(AnalyticAxis, pk=pk)
    try:
        analytics.create_section(
            actor=request.user, axis=axis, code=request.POST.get("code", ""), label=request.POST.get("label", ""),
            kind=request.POST.get("kind", "plain"),
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Section ajoutée à l'axe {axis.code}.")
    return _back(request)


@require_perm("finance.edit")
def section_edit(request, pk: int):
    """A section renamed, its nature or state changed; its code while nothing uses it (`analytics.update_section`)."""
    from pilote.finance.forms import SectionForm
    from pilote.ledger.models import AnalyticSection

    section = get_object_or_404(AnalyticSection.objects.select_related("axis"), pk=pk)
    initial = {"code": section.code, "label": section.label, "kind": section.kind, "is_active": section.is_active}
    form = SectionForm(request.POST or None, initial=initial | {"version": section.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            analytics.update_section(actor=request.user, section=section, expected_version=expected, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Section {section.code} enregistrée.")
            return _back(request)
    uses = analytics.section_uses(section)
    return render(request, "finance/analytic_section.html", {"section": section, "form": form, "uses": uses})


def _parse_percent(text: str) -> Decimal | None:
    text = (text or "").replace("%", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) >= 10**12:  # « NaN », « Infinity », « 1e400 »…
        raise DomainError(f"« {text[:20]} » n'est pas un nombre.")
    return value


@require_POST
@require_perm("finance.edit")
def defaults_set(request, pk: int):
    axis = get_object_or_404(AnalyticAxis, pk=pk)
    code = request.POST.get("compte", "").strip()
    try:
        account = Account.objects.filter(code=code).first()
        if account is None:
            raise DomainError(f"Compte « {code[:20]} » inconnu du plan comptable.")
        shares = []
        for section in axis.sections.filter(is_active=True):
            percent = _parse_percent(request.POST.get(f"part_{section.pk}", ""))
            if percent:
                shares.append((section, percent))
        analytics.set_defaults(actor=request.user, axis=axis, account=account, shares=shares)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        what = "enregistrée" if shares else "supprimée"
        messages.success(request, f"Ventilation par défaut du compte {account.code} sur l'axe {axis.code} {what}.")
    return _back(request)


@require_POST
@require_perm("finance.edit")
def defaults_apply(request):
    chosen = request.POST.get("exercice", "")
    year = (
        FiscalYear.objects.filter(pk=int(chosen), status="open").first()
        if chosen.isascii() and chosen.isdigit() and len(chosen) < 10
        else None
    )
    if year is None:
        messages.error(request, "Choisissez un exercice ouvert.")
        return _back(request)
    count = analytics.apply_defaults(actor=request.user, fiscal_year=year)
    messages.success(request, f"{plural(count, 'ligne analytique écrite', 'lignes analytiques écrites')} sur {year}.")
    return _back(request)


# --- Full costing -----------------------------------------------------------------------------------------


def _costing_axes(setup):
    if setup:
        return setup.centres_axis, setup.products_axis
    axes = list(AnalyticAxis.objects.filter(is_active=True).prefetch_related("sections"))
    centres = next((a for a in axes if any(s.kind == "main" for s in a.sections.all())), None)
    products = next((a for a in axes if a != centres), None)
    return centres, products


@require_perm("finance.view")
def costing(request):
    from pilote.finance.models import CostingSetup

    years = FiscalYear.objects.order_by("-start_date")
    year = (
        years.filter(pk=request.GET.get("exercice") or 0).first() if request.GET.get("exercice", "").isdigit() else None
    )
    # By default the latest year whose costing is set up (in January, the year just ended: the new one holds a few
    # days and no month-end costs yet), else the latest year.
    latest = CostingSetup.objects.order_by("-fiscal_year__start_date").values_list("fiscal_year", flat=True).first()
    year = year or years.filter(pk=latest).first() or years.first()
    setup = CostingSetup.objects.filter(fiscal_year=year).select_related("centres_axis", "products_axis").first()
    centres_axis, products_axis = _costing_axes(setup)
    context = {
        "years": years,
        "year": year,
        "setup": setup,
        "centres_axis": centres_axis,
        "products_axis": products_axis,
    }
    if year:  # the stock's and the workshop's figures (core.registry: finance never imports operations)
        context["cost_chain"] = [
            (source.label, source.rows(year.start_date, year.end_date)) for source in cost_chain_for(request.user)
        ]
    if setup:
        try:
            context["study"] = queries.costing_study(setup)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            fmt = request.GET.get("export")
            if fmt in EXPORT_FORMATS:
                study = context["study"]
                columns = (
                    COSTING_COLUMNS if study.production_incorporated else COSTING_COLUMNS[:3] + COSTING_COLUMNS[4:]
                )
                return export_response(study.products, columns, f"couts-complets-{year.end_date.year}", fmt,
                                       title=f"Coût de revient et résultat par produit — {year}")  # fmt: skip
    if centres_axis and products_axis:
        sections = list(centres_axis.sections.filter(is_active=True).exclude(kind="plain"))
        products = list(products_axis.sections.filter(is_active=True))
        keys = setup.keys if setup else {}
        units = setup.units if setup else {}
        linked = setup.production if setup else {}
        made = production_costs(year.start_date, year.end_date) if year else {}
        context |= {
            "made": [(p, linked.get(p.code, "")) for p in products] if made or linked else [],
            "made_articles": sorted(set(made) | set(linked.values())),
            "made_costs": made,
            "axes": AnalyticAxis.objects.filter(is_active=True),
            "auxiliaries": [
                (s, [(t, keys.get(s.code, {}).get(t.code, "")) for t in sections if t != s])
                for s in sections if s.kind == "auxiliary"
            ],
            "mains": [
                (s, units.get(s.code, {}), [(p, _usage(units, s, p)) for p in products])
                for s in sections if s.kind == "main"
            ],
        }  # fmt: skip
    return render(request, "finance/costing.html", context)


@require_POST
@require_perm("finance.edit")
def costing_save(request):
    from pilote.finance import services

    year = (
        FiscalYear.objects.filter(pk=request.POST.get("exercice") or 0).first()
        if request.POST.get("exercice", "").isdigit()
        else None
    )
    centres_axis = AnalyticAxis.objects.filter(pk=_int(request.POST.get("centres"))).first()
    products_axis = AnalyticAxis.objects.filter(pk=_int(request.POST.get("produits"))).first()
    if not (year and centres_axis and products_axis):
        messages.error(request, "Choisissez l'exercice, l'axe des centres et celui des produits.")
        return redirect("finance:costing")
    try:
        sections = list(centres_axis.sections.filter(is_active=True).exclude(kind="plain"))
        products = list(products_axis.sections.filter(is_active=True))
        keys, units = {}, {}
        for source in sections:
            if source.kind != "auxiliary":
                continue
            shares = {}
            for target in sections:
                value = _parse_percent(request.POST.get(f"cle_{source.code}_{target.code}", ""))
                if value:
                    shares[target.code] = value
            keys[source.code] = shares
        for main in (s for s in sections if s.kind == "main"):
            number = _parse_percent(request.POST.get(f"uo_{main.code}", "")) or Decimal(0)
            usage = {}
            for product in products:
                value = _parse_percent(request.POST.get(f"usage_{main.code}_{product.code}", ""))
                if value:
                    usage[product.code] = value
            units[main.code] = (request.POST.get(f"uo_label_{main.code}", "").strip(), number, usage)
        production = {p.code: request.POST.get(f"fabrique_{p.code}", "").strip()[:60] for p in products}
        services.save_costing_setup(
            actor=request.user, fiscal_year=year, centres_axis=centres_axis, products_axis=products_axis,
            keys=keys, units=units, production=production,
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Paramètres des coûts complets enregistrés.")
    return redirect(f"{reverse('finance:costing')}?exercice={year.pk}")


def _usage(units: dict, centre, product) -> str:
    return units.get(centre.code, {}).get("usage", {}).get(product.code, "")


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0
