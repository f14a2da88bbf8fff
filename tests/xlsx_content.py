"""What a user sees in an exported XLSX, read back with openpyxl: pinned by the export tests so that making a
writer faster cannot change a file's content."""

import io

from openpyxl import load_workbook


def xlsx_content(data):
    """{sheet title, frozen pane, filter range, column widths, header bold flags, rows of (value, type, format)}."""
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[(cell.value, cell.data_type, cell.number_format) for cell in row] for row in sheet.iter_rows()]
    return {
        "title": sheet.title, "freeze": sheet.freeze_panes, "filter": sheet.auto_filter.ref,
        "widths": {key: dim.width for key, dim in sorted(sheet.column_dimensions.items())},
        "bold": [[cell.font.bold for cell in row] for row in sheet.iter_rows()],
        "rows": rows,
    }
