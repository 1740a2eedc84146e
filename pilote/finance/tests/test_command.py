import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pilote.finance.tests.test_pages import books  # noqa: F401 - the fixture


def test_json_figures(books):  # noqa: F811
    out = StringIO()
    call_command("financial_diagnosis", "--year", "2026", "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["ebe"] == "7000.00" and figures["resultat_net"] == "6400.00"
    assert figures["caf_from_ebe"] == figures["caf_from_net_result"] == "7000.00"
    assert figures["tn"] == "20000.00" and figures["frng"] == "20000.00"
    out = StringIO()
    call_command("financial_diagnosis", "--year", "2026", "--date", "2026-03-15", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["resultat_net"] == "8000.00"


@pytest.mark.parametrize("args", [["--year", "1999"], ["--year", "2026", "--date", "2025-03-01"],
                                  ["--year", "2026", "--date", "demain"]])  # fmt: skip
def test_refusals_in_french(books, args):  # noqa: F811
    with pytest.raises(CommandError):
        call_command("financial_diagnosis", *args)
