"""House rule 2: pure modules import nothing from Flask, SQLAlchemy, extensions or models."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bimtek"
PURE = [
    "core/dates.py", "core/errors.py", "core/pdf_fetch.py", "core/storage.py", "core/spreadsheet.py",
    "trainings/schedule.py", "trainings/ical.py", "accounts/permissions.py",
    "registration/nip.py", "registration/roster.py", "registration/numbering.py",
    "attendance/intervals.py", "attendance/matching.py", "attendance/rules.py", "attendance/engine.py",
    "action_plans/workflow.py", "action_plans/plan_rows.py",
    "certificates/numbering.py", "certificates/verification.py", "certificates/rendering.py",
    "certificates/design.py", "certificates/layout.py", "certificates/shaping.py", "certificates/overlay.py",
    "certificates/archive.py", "certificates/images.py", "core/limits.py", "core/guards.py", "core/xlsx_guard.py",
]
PURE_PACKAGES = ["attendance/parsers"]
FORBIDDEN = ("flask", "flask_", "sqlalchemy", "bimtek.extensions", "werkzeug")


def _pure_files():
    files = [PACKAGE / p for p in PURE if (PACKAGE / p).exists()]
    for pkg in PURE_PACKAGES:
        files += sorted((PACKAGE / pkg).glob("*.py"))
    return files


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_pure_module_has_no_framework_imports(path):
    bad = [name for name in _imports(path)
           if name.startswith(FORBIDDEN) or name.endswith(".models") or name == "bimtek.models"]
    # storage.app_storage() is the one documented Flask seam; it imports inside the function.
    if path.name == "storage.py":
        bad = [b for b in bad if b != "flask"]
    assert bad == [], f"{path.name} imports {bad}"


def test_no_util_or_helpers_modules():
    assert not [p for p in PACKAGE.rglob("*.py") if p.stem in ("util", "utils", "helpers")]
