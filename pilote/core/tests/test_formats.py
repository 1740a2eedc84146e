import datetime as dt
from decimal import Decimal

from pilote.lib.formats import NNBSP, decimal_comma, format_date, format_eur, format_number


def test_amounts_use_french_separators():
    assert format_eur(Decimal("1234.56")) == f"1{NNBSP}234,56{NNBSP}€"
    assert format_eur(Decimal("-1234567.8")) == f"-1{NNBSP}234{NNBSP}567,80{NNBSP}€"
    assert format_eur(Decimal("0")) == f"0,00{NNBSP}€"
    assert format_number(50000, 0) == f"50{NNBSP}000"


def test_dates_are_day_month_year():
    assert format_date(dt.date(2026, 11, 24)) == "24/11/2026"


def test_csv_numbers_have_a_decimal_comma():
    assert decimal_comma(Decimal("1234.50")) == "1234,50"


def test_counts_agree_the_french_way_with_the_number_grouped():
    from pilote.core.templatetags.pilote import plural

    assert plural(0, "document") == "0 document"  # 0 and 1 take the singular in French
    assert plural(1, "document") == "1 document"
    assert plural(228, "document") == "228 documents"
    assert plural(1234, "écriture validée|écritures validées") == "1\u202f234 écritures validées"
