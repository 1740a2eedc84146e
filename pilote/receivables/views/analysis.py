"""Customer analysis: revenue by month, customer and product (chart + table), ABC, RFM, DSO, churn."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from pilote.core.access import require_perm
from pilote.core.listing import EXPORT_FORMATS, export_response
from pilote.lib import charts
from pilote.receivables import analysis

EXPORTS = {
    "clients": (analysis.CUSTOMER_COLUMNS, "customers", "Chiffre d'affaires et segments par client"),
    "produits": (analysis.PRODUCT_COLUMNS, "products", "Chiffre d'affaires par article"),
    "mois": (analysis.MONTH_COLUMNS, "months", "Chiffre d'affaires par mois"),
}
TOP = 10


@require_perm("sales.analysis")
def analysis_page(request):
    today = timezone.localdate()
    result = analysis.customer_analysis(today)
    if request.GET.get("export") in EXPORT_FORMATS:
        table = request.GET.get("table", "clients")
        if table not in EXPORTS:
            raise Http404
        columns, attribute, title = EXPORTS[table]
        return export_response(getattr(result, attribute), columns, f"analyse-{table}", request.GET["export"],
                               title=title, subtitle=f"12 mois au {today:%d/%m/%Y}")  # fmt: skip
    months = [analysis.axis_label(row["month"], index) for index, row in enumerate(result.months)]
    year, previous = str(today.year), "Un an avant"
    series = [
        ("12 derniers mois", [r["revenue"] for r in result.months]),
        (previous, [r["previous"] for r in result.months]),
    ]
    context = {
        "result": result,
        "today": today,
        "year": year,
        "month_chart": charts.grouped_bar_chart(
            months, series, title="Chiffre d'affaires HT par mois, comparé à l'année précédente"
        ),
        "trend_chart": charts.line_chart(months, series, title="Tendance du chiffre d'affaires HT"),
        "customer_chart": charts.bar_chart(
            [(row.customer.display_name, row.revenue) for row in result.customers[:TOP]],
            title=f"Les {TOP} premiers clients par chiffre d'affaires HT",
        ),
        "product_chart": charts.bar_chart(
            [(f"{row['reference']} {row['label'] or ''}".strip(), row["revenue"]) for row in result.products[:TOP]],
            title=f"Les {TOP} premiers articles par chiffre d'affaires HT",
        ),
        "top_products": result.products[:TOP],
        "page": Paginator(result.customers, 50).get_page(request.GET.get("page")),
    }
    return render(request, "receivables/analysis.html", context)
