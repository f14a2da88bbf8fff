"""Template context is declared in one place: `register_template_context` in bimtek/__init__.py (pure, `ast`).

A blueprint's `app_context_processor`/`app_template_global`/`app_template_filter` (or an `add_template_*`,
`context_processor` or `jinja_env.globals` call) elsewhere would give templates names that no one place lists.
"""
import ast
from pathlib import Path

from importgraph import module_name, parse

REGISTRARS = {"app_context_processor", "context_processor", "app_template_global", "template_global",
              "add_template_global", "app_template_filter", "template_filter", "add_template_filter",
              "app_template_test", "template_test", "add_template_test"}


def template_context_outside(root, package, allowed):
    """Sorted 'module:line name' of template context registered outside the `allowed` modules."""
    root = Path(root)
    found = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(root, package, path)
        if module in allowed:
            continue
        for node in parse(path).nodes:
            if not isinstance(node, ast.Attribute):
                continue
            jinja_dict = node.attr in ("globals", "filters", "tests") and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "jinja_env"
            if node.attr in REGISTRARS or jinja_dict:
                found.append(f"{module}:{node.lineno} {node.attr}")
    return sorted(found)
