"""Issue 12: an RTL attachment that is a zip bomb dressed as .docx is refused from the zip directory."""

import io
import zipfile

import pytest

from bimtek.action_plans.attachments import check_attachment
from bimtek.core.errors import ValidationError
from tests import hostile


def test_docx_that_unpacks_to_200mb_is_refused():
    data = hostile.zip_bomb_member("word/document.xml")
    with pytest.raises(ValidationError, match="terlalu besar setelah dibuka"):
        check_attachment("rtl.docx", data)


def test_docx_with_thousands_of_parts_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        for number in range(1_200):
            archive.writestr(f"word/media/{number}.xml", "")
    with pytest.raises(ValidationError, match="1000 bagian"):
        check_attachment("rtl.docx", out.getvalue())
