"""Activity report services: settings (letterhead, chapter texts), content (all figures), attendance sheets."""
from bimtek.reports.services import settings  # noqa: F401
from bimtek.reports.services.content import build_report  # noqa: F401
from bimtek.reports.services.output import report_docx, report_filename, report_pdf, sheet_pdf, sheet_xlsx  # noqa: F401
from bimtek.reports.services.settings import fields_for, letterhead_for, save_fields, save_letterhead, texts_of  # noqa: F401
from bimtek.reports.services.sheets import SHEET_HEADERS, attendance_sheet  # noqa: F401
