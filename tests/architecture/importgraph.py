"""The package's real import graph, read from source with `ast` (pure: no imports of the code under test).

Every import counts: module-level and function-level, `import a.b.c`, `from a import b` (b a module or a name),
and relative imports. Rules over the graph are plain functions returning violations, so tests can plant
violations in a temporary tree and see each rule fail.
"""
import ast
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FRAMEWORK = ("flask", "flask_login", "flask_wtf", "flask_babel", "flask_limiter", "flask_migrate",
             "flask_sqlalchemy", "sqlalchemy", "werkzeug", "wtforms", "alembic")


@dataclass
class Graph:
    root: Path
    package: str
    edges: dict = field(default_factory=dict)  # module -> {imported module or external name}

    def internal(self, module):
        return {name for name in self.edges.get(module, ()) if name in self.edges}

    def external(self, module):
        return {name for name in self.edges.get(module, ()) if name not in self.edges}


def module_name(root, package, path):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([package, *parts])


@dataclass(frozen=True)
class Source:
    text: str
    nodes: list  # every node of the syntax tree (one walk, shared by every rule)
    local_imports: list  # the import statements inside a function body


def parse(path):
    """The file's Source, parsed and walked once per test run however many rules read it."""
    stat = Path(path).stat()
    return _parse(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=None)
def _parse(path, _mtime_ns, _size):  # the file's stamp is part of the key: an edited file is parsed again
    text = Path(path).read_text(encoding="utf-8")
    nodes, local = [], []
    stack = [(ast.parse(text), False)]
    while stack:
        node, in_function = stack.pop()
        nodes.append(node)
        if in_function and isinstance(node, (ast.Import, ast.ImportFrom)):
            local.append(node)
        inside = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        stack.extend((child, inside) for child in ast.iter_child_nodes(node))
    return Source(text, nodes, local)


def build(root, package):
    """Graph of every .py module under `root` (the directory of `package`)."""
    root = Path(root)
    paths = {module_name(root, package, path): path for path in sorted(root.rglob("*.py"))}
    graph = Graph(root, package, {name: set() for name in paths})
    for name, path in paths.items():
        is_package = path.name == "__init__.py"
        for target in _imports(parse(path).nodes, name, is_package):
            graph.edges[name].add(_resolve(target, graph.edges))
    return graph


def local_imports(root, package):
    """[(module, line number, source line)] of every import inside a function body under `root`."""
    root = Path(root)
    found = []
    for path in sorted(root.rglob("*.py")):
        source = parse(path)
        lines = source.text.splitlines()
        found.extend((module_name(root, package, path), node.lineno, lines[node.lineno - 1])
                     for node in source.local_imports)
    return sorted(set(found))


def _imports(nodes, module, is_package):
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            for alias in node.names:  # a.b.c when c is a module, else resolved to a.b (c is a name in it)
                yield f"{base}.{alias.name}" if base else alias.name


def _absolute(node, module, is_package):
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    keep = len(parts) - node.level + (1 if is_package else 0)
    prefix = ".".join(parts[:keep])
    return f"{prefix}.{node.module}" if node.module else prefix


def _resolve(name, modules):
    """The longest known module that `name` starts with (a.b.func → a.b), or the external top-level name."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return parts[0]


def reaches(graph, start, is_target):
    """The first import chain from `start` to a module for which is_target(name) holds, or None."""
    seen, stack = {start}, [(start, (start,))]
    while stack:
        module, path = stack.pop()
        for name in sorted(graph.edges.get(module, ())):
            if is_target(name):
                return (*path, name)
            if name in graph.edges and name not in seen:
                seen.add(name)
                stack.append((name, (*path, name)))
    return None


def cycles(graph, modules=None):
    """Import cycles (strongly connected components of more than one module), each as a sorted tuple."""
    finder = _Tarjan(graph, set(modules or graph.edges))
    for module in sorted(finder.modules):
        if module not in finder.index:
            finder.visit(module)
    return sorted(finder.found)


class _Tarjan:
    """Tarjan's strongly connected components over the internal edges."""

    def __init__(self, graph, modules):
        self.graph, self.modules = graph, modules
        self.index, self.low, self.on_stack, self.stack, self.found = {}, {}, set(), [], []

    def visit(self, module):
        self.index[module] = self.low[module] = len(self.index)
        self.stack.append(module)
        self.on_stack.add(module)
        for target in sorted(self.graph.internal(module) & self.modules):
            if target not in self.index:
                self.visit(target)
                self.low[module] = min(self.low[module], self.low[target])
            elif target in self.on_stack:
                self.low[module] = min(self.low[module], self.index[target])
        if self.low[module] == self.index[module]:
            self._pop_component(module)

    def _pop_component(self, module):
        component = []
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            component.append(member)
            if member == module:
                break
        if len(component) > 1:
            self.found.append(tuple(sorted(component)))
