"""The house rules over the import graph (pure functions; see test_architecture.py)."""
from importgraph import FRAMEWORK, cycles, reaches

# Modules that are the edge of the app by their name: they may use Flask, SQLAlchemy and the extensions.
EDGE_NAMES = {"views", "models", "forms", "services", "demo", "tasks", "blueprint", "access", "cli", "worker",
              "extensions", "watchdog", "__main__"}
# Infrastructure every layer may import (configuration and the unbound extensions).
FOUNDATION = {"config", "extensions"}
# Domains from the bottom up: a domain imports only domains listed before it (core imports none).
LAYERS = (("core",), ("audit", "mail"), ("accounts",), ("trainings",), ("jobs",), ("registration",),
          ("attendance", "action_plans", "materials"), ("zoom", "evaluation"), ("certificates",),
          ("announcements", "reports"))


def domain_of(graph, module):
    """'core', a domain name, 'foundation' (config, extensions) or 'app' (the package root, cli, demo …)."""
    parts = module.split(".")
    if len(parts) >= 2 and (graph.root / parts[1]).is_dir():
        return parts[1]
    if len(parts) == 2 and parts[1] in FOUNDATION:
        return "foundation"
    return "app"


def is_edge(module, declared=()):
    parts = module.split(".")
    name = parts[-1]
    return (name in EDGE_NAMES or name.endswith(("_views", "_services")) or "services" in parts[1:-1]
            or module in declared or len(parts) <= 1)


def pure_modules(graph, declared=()):
    """Every module that is not an edge module and not in the app layer: these must stay framework-free."""
    return sorted(m for m in graph.edges if not is_edge(m, declared) and domain_of(graph, m) not in ("app",))


def framework_violations(graph, declared=()):
    """{pure module: import chain} for pure modules that reach the framework or an edge module, transitively."""
    found = {}
    for module in pure_modules(graph, declared):
        chain = reaches(graph, module, lambda name: name.split(".")[0] in FRAMEWORK
                        or name.split(".")[0].startswith("flask_")
                        or (name in graph.edges and (is_edge(name, declared) or name.endswith("extensions"))))
        if chain:
            found[module] = " → ".join(chain)
    return found


def unexplained_local_imports(graph, local_imports):
    """'module: import statement' of imports inside functions that carry no comment saying why they are local
    (an optional dependency, a heavy import only some paths need, a cycle it breaks). The app layer
    (create_app's wiring, the CLI) imports locally by design."""
    return sorted(f"{module}: {source.strip()}" for module, _line, source in local_imports
                  if domain_of(graph, module) != "app" and "#" not in source)


def layer_of(domain):
    for level, names in enumerate(LAYERS):
        if domain in names:
            return level
    return None


def layer_violations(graph):
    """Sorted 'a → b' imports that go against LAYERS (core importing a domain, a domain importing upward)."""
    found = set()
    for module in graph.edges:
        source = domain_of(graph, module)
        if source in ("app", "foundation"):
            continue
        for target in graph.internal(module):
            dest = domain_of(graph, target)
            if dest == "foundation" or dest == source:
                continue
            if dest == "app" or layer_of(dest) is None or layer_of(source) is None \
                    or layer_of(dest) >= layer_of(source):
                found.add(f"{module} → {target}")
    return sorted(found)


def cycle_violations(graph):
    return [" ↔ ".join(cycle) for cycle in cycles(graph)]
