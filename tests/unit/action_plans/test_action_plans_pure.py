"""Pure RTL helpers: attachment sniffing and bar chart geometry."""
import io
import zipfile

import pytest

from bimtek.action_plans.attachments import check_attachment, safe_name, sniff_kind
from bimtek.action_plans.charts import bar_chart, count_by
from bimtek.core.errors import ValidationError


def _zip(*names):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


@pytest.mark.parametrize("data, kind", [
    (b"%PDF-1.7\n...", "pdf"),
    (_zip("[Content_Types].xml", "word/document.xml"), "docx"),
    (_zip("[Content_Types].xml", "xl/workbook.xml"), "xlsx"),
    (_zip("[Content_Types].xml", "ppt/presentation.xml"), None),
    (_zip("random.txt"), None),
    (b"PK\x03\x04broken", None),
    (b"MZ\x90\x00", None),
    (b"", None),
])
def test_sniff_kind(data, kind):
    assert sniff_kind(data) == kind


def test_check_attachment_limits_and_names():
    with pytest.raises(ValidationError, match="terlalu besar"):
        check_attachment("a.pdf", b"%PDF-" + b"0" * 100, max_bytes=50)
    with pytest.raises(ValidationError, match="kosong"):
        check_attachment("a.pdf", b"")
    assert check_attachment("C:\\x\\laporan.exe", b"%PDF-1.4") == ("laporan.pdf", "application/pdf")
    assert safe_name("../../<b>.docx", ".docx") == "b.docx"
    assert safe_name("", ".pdf") == "lampiran.pdf"


def test_bar_chart_geometry():
    chart = bar_chart([("A", 4), ("B", 2), ("C", 0)], width=520)
    assert [b.value for b in chart.bars] == [4, 2, 0]
    assert chart.bars[0].width == 472 and chart.bars[1].width == 236 and chart.bars[2].width == 0
    assert chart.bars[1].y > chart.bars[0].y and chart.height > chart.bars[2].y
    assert bar_chart([]).bars == () and bar_chart([("x", 0)]).bars[0].width == 0


def test_count_by_keeps_order_first():
    assert count_by(["b", "a", "b", "z"], order=("a", "c")) == [("a", 1), ("c", 0), ("b", 2), ("z", 1)]
