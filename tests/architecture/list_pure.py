"""Print the files of the pure modules (the same rule the architecture test uses), one per line.

`make typecheck` feeds them to mypy, so the type-checked set can never go stale.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import importgraph  # noqa: E402
import rules  # noqa: E402
from test_architecture import FRAMEWORK_MODULES, PACKAGE  # noqa: E402


def pure_files():
    graph = importgraph.build(PACKAGE, "bimtek")
    for module in rules.pure_modules(graph, FRAMEWORK_MODULES):
        relative = Path(*module.split(".")[1:])
        package_init = PACKAGE / relative / "__init__.py"
        yield package_init if package_init.exists() else (PACKAGE / relative).with_suffix(".py")


if __name__ == "__main__":
    root = PACKAGE.parent
    print("\n".join(str(path.relative_to(root)) for path in pure_files()))
