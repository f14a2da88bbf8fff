"""Type hints on the service layer, read from source with `ast` (pure, like importgraph).

Every function defined in a service module — `services.py`, `*_services.py`, a module of a `services/` package,
`tasks.py` or `*_tasks.py` — annotates each parameter (except `self`/`cls`) and its return: the signatures are where a
newcomer learns what a domain takes and gives back. Model types are imported under TYPE_CHECKING.
"""
import ast
from pathlib import Path

from importgraph import module_name, parse


def is_service_module(module):
    parts = module.split(".")
    name = parts[-1]
    return (name in ("services", "tasks") or name.endswith(("_services", "_tasks"))
            or "services" in parts[1:-1])


def missing_annotations(root, package):
    """['module.function (line n): what is missing'] for every service function short of full annotations."""
    root = Path(root)
    found = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(root, package, path)
        if not is_service_module(module):
            continue
        for node in parse(path).nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
                bare = [p.arg for p in params if p is not None and p.annotation is None
                        and p.arg not in ("self", "cls")]
                bare += ["return"] if node.returns is None else []
                if bare:
                    found.append(f"{module}.{node.name} (line {node.lineno}): {', '.join(bare)}")
    return sorted(found)
