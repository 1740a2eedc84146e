"""pilote.lib.charts: accessible inline SVG, French figures, escaped labels, round axis ticks."""

from decimal import Decimal as D
from xml.etree import ElementTree

from pilote.lib.charts import bar_chart, format_value, grouped_bar_chart, line_chart, nice_ticks

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg):
    return ElementTree.fromstring(str(svg))


def test_nice_ticks():
    assert nice_ticks(D(0), D("8300")) == [D(0), D(5000), D(10000)]
    assert nice_ticks(D(0), D("7900")) == [D(0), D(2000), D(4000), D(6000), D(8000)]
    assert nice_ticks(D("-150"), D("420")) == [D(-200), D(0), D(200), D(400), D(600)]
    assert nice_ticks(D(0), D(0)) == [D(0), D(1)]


def test_bar_chart_is_accessible_and_escapes_labels():
    svg = bar_chart([("Dupont & <Fils>", D("1234.5")), ("Martin", D("-20"))], title="CA par client")
    root = _parse(svg)  # well-formed XML: labels are escaped
    assert root.get("role") == "img" and root.get("aria-label") == "CA par client"
    assert root.find(f"{NS}title").text == "CA par client"
    tips = [rect.find(f"{NS}title").text for rect in root.iter(f"{NS}rect")]
    assert tips == ["Dupont & <Fils> : 1\u202f234,50\u202f€", "Martin : -20,00\u202f€"]
    assert "<script" not in str(svg)


def test_grouped_bars_and_line_chart_have_one_shape_per_value():
    months = ["janv.", "févr.", "mars"]
    series = [("2026", [D(100), D(200), D(300)]), ("2025", [D(50), D(0), D(400)])]
    bars = _parse(grouped_bar_chart(months, series, title="CA mensuel"))
    shapes = [r for r in bars.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert len(shapes) == 6
    assert shapes[3].find(f"{NS}title").text == "janv. — 2025 : 50,00\u202f€"
    axis = [t.text for t in bars.iter(f"{NS}text")]
    assert "400\u202f€" in axis and "2026" in axis  # French axis labels and a legend
    line = _parse(line_chart(months, series, title="Tendance", unit=""))
    assert len(list(line.iter(f"{NS}circle"))) == 6 and len(list(line.iter(f"{NS}polyline"))) == 2
    assert format_value(D("1234.5"), "j", 1) == "1\u202f234,5\u202fj"
