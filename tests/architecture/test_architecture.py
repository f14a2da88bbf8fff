"""Architecture rules, checked on the real import graph of `bimtek/` (transitively, every kind of import).

1. Pure modules (every module whose name does not mark it as an edge — views, models, forms, services …, see
   rules.EDGE_NAMES — and not in FRAMEWORK_MODULES below) reach neither Flask, SQLAlchemy, the extensions nor
   any edge module, through any chain of imports. A new module is pure unless it says otherwise.
2. `core` imports no domain; a domain imports only domains below it in rules.LAYERS.
3. No import cycles.
4. Every function of a service module (services, *_services, a services/ package, tasks, *_tasks) annotates its
   parameters and its return (hints.py).
5. Template context (globals, filters, context processors) is registered only by bimtek.register_template_context
   (and the date filters of core.i18n it calls), never by a blueprint (wiring.py).
KNOWN_VIOLATIONS lists what is still to be fixed; an entry that no longer occurs fails the test, so the list
can only shrink. The planted-violation tests at the end prove that each rule bites.
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import hints  # noqa: E402
import importgraph  # noqa: E402
import rules  # noqa: E402
import wiring  # noqa: E402

PACKAGE = Path(__file__).resolve().parents[2] / "bimtek"
# Modules that use the framework although their name does not say so. Each must exist and must really use it.
FRAMEWORK_MODULES = {
    "bimtek.core.database", "bimtek.core.i18n", "bimtek.core.models", "bimtek.core.ratelimit",
    "bimtek.core.security", "bimtek.core.web", "bimtek.core.forms", "bimtek.core.storage",
    "bimtek.accounts.sessions", "bimtek.accounts.throttle", "bimtek.accounts.tokens", "bimtek.accounts.twofactor",
    "bimtek.accounts.recovery", "bimtek.registration.signin", "bimtek.core.backup", "bimtek.core.filerefs",
    "bimtek.core.form_messages", "bimtek.registration.portal_phase", "bimtek.registration.seats",
    "bimtek.certificates.lookup", "bimtek.certificates.notices",
    "bimtek.certificates.signing_tasks",  # the bulk TTE job (i15a reworks tasks.py for the bulk issue job)
}
KNOWN_VIOLATIONS = set()  # all fixed; keep the mechanism for the next migration of a module
# Imports inside functions without a comment saying why; can only shrink.
KNOWN_LOCAL_IMPORTS: set[str] = set()  # all explained or moved; the mechanism stays for the next merge


@pytest.fixture(scope="module")
def graph():
    return importgraph.build(PACKAGE, "bimtek")


def test_declared_framework_modules_exist_and_use_the_framework(graph):
    for module in sorted(FRAMEWORK_MODULES):
        assert module in graph.edges, f"{module} is gone: remove it from FRAMEWORK_MODULES"
        uses = {name.split(".")[0] for name in graph.external(module)} & set(importgraph.FRAMEWORK) \
            or any(rules.is_edge(t) or t.endswith("extensions") for t in graph.internal(module))
        assert uses, f"{module} no longer uses the framework: remove it from FRAMEWORK_MODULES (it is pure)"


def test_pure_modules_stay_framework_free(graph):
    violations = rules.framework_violations(graph, FRAMEWORK_MODULES)
    assert violations == {}, "\n".join(f"{m}: {chain}" for m, chain in violations.items())


def test_pure_modules_are_many_and_include_the_known_ones(graph):
    pure = set(rules.pure_modules(graph, FRAMEWORK_MODULES))
    for module in ("bimtek.attendance.decoding", "bimtek.attendance.timeparse", "bimtek.attendance.segments",
                   "bimtek.action_plans.charts", "bimtek.core.dates", "bimtek.registration.nip",
                   "bimtek.certificates.overlay", "bimtek.accounts.passwords"):
        assert module in pure


def _current_violations(graph):
    return set(rules.layer_violations(graph)) | set(rules.cycle_violations(graph))


def test_layers_and_cycles(graph):
    current = _current_violations(graph)
    new = sorted(current - KNOWN_VIOLATIONS)
    assert new == [], "imports against the layer order or cycles:\n" + "\n".join(new)


def test_known_violations_list_only_shrinks(graph):
    fixed = sorted(KNOWN_VIOLATIONS - _current_violations(graph))
    assert fixed == [], "fixed — remove from KNOWN_VIOLATIONS:\n" + "\n".join(fixed)


def test_local_imports_say_why(graph):
    current = set(rules.unexplained_local_imports(graph, importgraph.local_imports(PACKAGE, "bimtek")))
    assert sorted(current - KNOWN_LOCAL_IMPORTS) == [], (
        "imports inside functions need a comment saying why (else move them to the top):\n"
        + "\n".join(sorted(current - KNOWN_LOCAL_IMPORTS)))
    assert sorted(KNOWN_LOCAL_IMPORTS - current) == [], "fixed — remove from KNOWN_LOCAL_IMPORTS"


def test_service_functions_are_annotated():
    missing = hints.missing_annotations(PACKAGE, "bimtek")
    assert missing == [], "service functions need parameter and return annotations:\n" + "\n".join(missing)


# The one place that declares template context, and the date filters it calls in (core.i18n.register_filters).
TEMPLATE_CONTEXT_MODULES = {"bimtek", "bimtek.core.i18n"}


def test_template_context_is_declared_in_one_place():
    outside = wiring.template_context_outside(PACKAGE, "bimtek", TEMPLATE_CONTEXT_MODULES)
    assert outside == [], ("register template globals/filters/context processors in "
                           "bimtek.register_template_context:\n" + "\n".join(outside))


def test_no_util_or_helpers_modules():
    assert not [p for p in PACKAGE.rglob("*.py") if p.stem in ("util", "utils", "helpers")]


# --- the rules bite: violations planted in a temporary tree -------------------------------------------------

def _tree(tmp_path, files):
    root = tmp_path / "app"
    for name, text in {"__init__.py": "", "extensions.py": "import flask\n", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(text)
    return importgraph.build(root, "app")


@pytest.mark.parametrize("source", [
    "import flask\n",
    "from flask import current_app\n",
    "def later():\n    from sqlalchemy import select\n",
    "from app import extensions\n",
    "from .. import extensions\n",
    "import app.core.helper_glue\n",  # transitively: helper_glue imports flask
    "from app.accounts import views\n",
])
def test_planted_framework_import_in_a_pure_module_is_caught(tmp_path, source):
    graph = _tree(tmp_path, {"core/dates.py": source, "core/helper_glue.py": "from flask import g\n",
                             "accounts/views.py": "import flask\n"})
    violations = rules.framework_violations(graph, {"app.core.helper_glue"})
    assert "app.core.dates" in violations


@pytest.mark.parametrize("module,source,expected", [
    ("core/web.py", "from app.trainings import models\n", "app.core.web → app.trainings.models"),
    ("trainings/services.py", "import app.attendance.services\n",
     "app.trainings.services → app.attendance.services"),
    ("accounts/services.py", "from ..registration import nip\n", "app.accounts.services → app.registration.nip"),
    ("jobs/worker.py", "from app import create_app\n", "app.jobs.worker → app"),
])
def test_planted_upward_import_is_caught(tmp_path, module, source, expected):
    graph = _tree(tmp_path, {module: source, "trainings/models.py": "", "attendance/services.py": "",
                             "registration/nip.py": ""})
    assert expected in rules.layer_violations(graph)


def test_planted_cycle_is_caught(tmp_path):
    graph = _tree(tmp_path, {"core/a.py": "def f():\n    from app.core import b\n", "core/b.py": "import app.core.a\n"})
    assert rules.cycle_violations(graph) == ["app.core.a ↔ app.core.b"]


def test_planted_unexplained_local_import_is_caught(tmp_path):
    files = {"core/a.py": "def f():\n    from app.core import b\n", "core/b.py": "",
             "core/c.py": "def g():\n    import json  # only the export path needs it\n"}
    graph = _tree(tmp_path, files)
    local = importgraph.local_imports(graph.root, "app")
    assert rules.unexplained_local_imports(graph, local) == ["app.core.a: from app.core import b"]


@pytest.mark.parametrize("module,source,expected", [
    ("trainings/services.py", "def f(a: int):\n    pass\n", ["app.trainings.services.f (line 1): return"]),
    ("trainings/services/plans.py", "def f(a, b: int = 1) -> None:\n    pass\n",
     ["app.trainings.services.plans.f (line 1): a"]),
    ("zoom/tasks.py", "class J:\n    def run(self, *args, **kw) -> None:\n        pass\n",
     ["app.zoom.tasks.run (line 2): args, kw"]),
    ("certificates/signing_tasks.py", "def job(job, progress) -> dict:\n    return {}\n",
     ["app.certificates.signing_tasks.job (line 1): job, progress"]),
    ("mail/reminder_services.py", "def f() -> None:\n    def inner(x):\n        pass\n",
     ["app.mail.reminder_services.inner (line 2): x, return"]),
    ("mail/reminder_services.py", "class A:\n    @classmethod\n    def f(cls, a: int) -> int:\n        return a\n", []),
    ("trainings/views.py", "def f(a):\n    pass\n", []),  # only the service layer is held to it
])
def test_planted_unannotated_service_function_is_caught(tmp_path, module, source, expected):
    graph = _tree(tmp_path, {module: source})
    assert hints.missing_annotations(graph.root, "app") == expected


@pytest.mark.parametrize("source,expected", [
    ("@bp.app_context_processor\ndef extra():\n    return {}\n", ["app.zoom.views:1 app_context_processor"]),
    ("@bp.app_template_global()\ndef helper():\n    pass\n", ["app.zoom.views:1 app_template_global"]),
    ("def wire(app):\n    app.jinja_env.globals['x'] = 1\n", ["app.zoom.views:2 globals"]),
    ("def wire(app):\n    app.add_template_filter(str, 's')\n", ["app.zoom.views:2 add_template_filter"]),
    ("def panel(session):\n    return None\n", []),
])
def test_planted_template_context_outside_the_one_place_is_caught(tmp_path, source, expected):
    root_wiring = "def wire(app):\n    app.add_template_global(len)\n"  # the one place may
    graph = _tree(tmp_path, {"zoom/views.py": source, "__init__.py": root_wiring})
    assert wiring.template_context_outside(graph.root, "app", {"app"}) == expected
