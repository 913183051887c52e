"""The package's module map: layers that only look down, no import cycle, module-level imports only.

Imports are read from the source with ``ast`` (nothing is imported), so a cycle hidden inside a
function, or one that happens to import fine in today's order, is still found.
"""
import ast
import re
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "datajoint_interop"
NAME = "datajoint_interop"

# bottom to top; a module may import only from its own layer or lower ones. Most specific first.
LAYERS = [
    ("core",),
    ("codec",),
    ("schema",),
    ("query.condition",),
    ("query.compiler",),
    ("storage.objects",),
    ("query",),
    ("storage",),
    ("compute.jobs",),
    ("compute.worker",),
    ("compute.pool",),
    ("compute",),
    ("pipeline",),
    ("sharing",),
    ("server",),
    ("cli",),
]


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules():
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(importer, is_package, node):
    """Absolute module names a (relative or absolute) ImportFrom / Import node refers to."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:
        base = importer.split(".") if is_package else importer.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module
    return [prefix] + [f"{prefix}.{a.name}" for a in node.names]


def _targets(importer, is_package, node, known):
    """The package modules an import statement loads, leaving out packages the importer sits in
    (Python imports those first anyway) and a package whose submodule is what is named."""
    names = _resolve(importer, is_package, node)
    if isinstance(node, ast.ImportFrom) and any(n in known for n in names[1:]):
        names = names[1:]
    return [n for n in names if n in known and n != importer and not importer.startswith(n + ".")]


def _walk(tree, in_function=False):
    """(node, inside_a_function) for every import statement."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, in_function
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        yield from _walk(node, inner)


def imports(known):
    """{module: {(imported package module, inside_a_function)}}, package modules only."""
    graph = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(), str(path))
        edges = set()
        for node, in_function in _walk(tree):
            for target in _targets(name, path.name == "__init__.py", node, known):
                edges.add((target, in_function))
        graph[name] = edges
    return graph


def find_cycle(graph):
    """One import cycle as a list of modules, or None (iterative depth-first search)."""
    state = {}
    for start in graph:
        if start in state:
            continue
        stack = [(start, iter(sorted(graph[start])))]
        state[start] = "open"
        path = [start]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = "done"
                stack.pop()
                path.pop()
            elif state.get(child) == "open":
                return path[path.index(child):] + [child]
            elif child not in state:
                state[child] = "open"
                path.append(child)
                stack.append((child, iter(sorted(graph[child]))))
    return None


def layer(module):
    """Rank of a module; the top-level compatibility modules and __init__ rank above everything."""
    rest = module[len(NAME) + 1:]
    for rank, (prefix,) in enumerate(LAYERS):
        if rest == prefix or rest.startswith(prefix + "."):
            return rank
    return len(LAYERS)


def module_graph(in_functions=False):
    known = modules()
    return {m: {t for t, f in edges if in_functions or not f} for m, edges in imports(known).items()}


def test_cycle_finder_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    graph = module_graph(in_functions=True)
    assert len(graph) > 40
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_imports_only_point_down():
    wrong = [(m, t) for m, targets in module_graph(in_functions=True).items() for t in targets
             if layer(t) > layer(m)]
    assert not wrong, "imports pointing up a layer: " + ", ".join(f"{m} -> {t}" for m, t in sorted(wrong))


def test_module_level_imports_only():
    """Only the command line imports lazily (start-up time); everything else imports at the top."""
    late = sorted((m, t) for m, edges in imports(modules()).items() for t, in_function in edges
                  if in_function and not m.startswith(f"{NAME}.cli"))
    assert not late, "imports inside functions: " + ", ".join(f"{m} -> {t}" for m, t in late)


@pytest.mark.parametrize("old, new", [("table", "query.table"), ("blob", "codec.blob"), ("jobs", "compute.jobs"),
                                      ("schemas", "pipeline.schemas"), ("errors", "core.errors")])
def test_old_paths_name_the_same_module(old, new):
    import importlib
    assert importlib.import_module(f"{NAME}.{old}") is importlib.import_module(f"{NAME}.{new}")


def test_every_datajoint_014_module_path_exists():
    """Each module of DataJoint 0.14 that this package implements is importable by its 0.14 name."""
    import importlib
    for name in ["admin", "autopopulate", "blob", "condition", "connection", "declare", "dependencies", "diagram",
                 "errors", "expression", "external", "fetch", "hash", "heading", "jobs", "preview", "schemas",
                 "settings", "table", "user_tables", "version", "utils", "cli"]:
        importlib.import_module(f"{NAME}.{name}")


def test_all_sql_goes_through_execute():
    """Connection.query is called only by sql.execute (and the connection itself): every statement's
    text is a format string with % doubled, whether or not it has parameters."""
    allowed = {f"{NAME}.core.sql", f"{NAME}.core.connection"}
    direct = []
    for name, path in modules().items():
        if name in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "query":
                direct.append(f"{name}:{node.lineno}")
    assert not direct, "Connection.query called directly: " + ", ".join(direct)


# --- all SQL in two places ------------------------------------------------------------------------
# Statements over user tables come from the compilers, statements about the server's catalog (and
# its accounts and sessions) from the catalog modules, data definition from the DDL module.
SQL_MODULES = {f"{NAME}.query.compiler", f"{NAME}.query.compiler_jobs", f"{NAME}.core.catalog",
               f"{NAME}.core.accounts", f"{NAME}.schema.ddl"}

# a string constant (or a literal piece of an f-string) that opens a statement, or names a catalog table
_STATEMENT = re.compile(r"^\W*(SELECT|INSERT|REPLACE|UPDATE|DELETE|CREATE|ALTER|DROP|SHOW|GRANT|REVOKE|SET|KILL"
                        r"|EXPLAIN|START TRANSACTION|COMMIT|ROLLBACK|TRUNCATE|RENAME|LOCK|UNLOCK|FLUSH|CALL|DESCRIBE"
                        r"|USE)\b")
_CLAUSE = re.compile(r"\b(SELECT .+ FROM|INSERT (IGNORE )?INTO|DELETE FROM|REPLACE INTO|UPDATE \S+ SET"
                     r"|(CREATE|DROP|ALTER) (TABLE|DATABASE|SCHEMA|USER)|ON DUPLICATE KEY|IN \(SELECT"
                     r"|EXISTS ?\(SELECT)\b"
                     r"|\b(information_schema|INFORMATION_SCHEMA)\.[A-Za-z_]"
                     r"|\bmysql\.(user|db|global_priv|tables_priv|columns_priv|roles_mapping)\b")
# calls whose text arguments are messages to people (errors, warnings, logs, prompts, help)
_MESSAGE_CALLS = re.compile(r"(Error|Warning|Exception|Exit|_?error|_?warn|warning|info|debug|exception|critical"
                            r"|print|_log|log|_ask|input|_refuse|say|add_argument|add_parser|ArgumentParser)$")
_MESSAGE_KEYWORDS = {"help", "description", "epilog", "prompt", "msg", "message"}


def looks_like_sql(text):
    return bool(_STATEMENT.match(text) or _CLAUSE.search(text))


def _call_name(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _message_nodes(tree):
    """ids of the string nodes that are docstrings or arguments of message calls."""
    allowed = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)):
            allowed.add(id(body[0].value))
        if isinstance(node, ast.Call):
            parts = []
            if _MESSAGE_CALLS.search(_call_name(node)):
                parts = list(node.args) + [k.value for k in node.keywords]
            parts += [k.value for k in node.keywords if k.arg in _MESSAGE_KEYWORDS]
            for part in parts:
                allowed.update(id(n) for n in ast.walk(part))
    return allowed


def sql_literals(source, filename="<source>"):
    """(line, text) of every string constant in `source` that reads as SQL and is not a message."""
    tree = ast.parse(source, filename)
    allowed = _message_nodes(tree)
    return sorted((node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in allowed
            and looks_like_sql(node.value))


def test_sql_scan_sees_statements_and_spares_messages():
    found = sql_literals(
        'def f(c, t):\n'
        '    """Runs SELECT * FROM x."""\n'
        '    execute(c, "SELECT COUNT(*) FROM information_schema.TABLES")\n'
        '    execute(c, f"DELETE FROM {t} WHERE 1")\n'
        '    execute(c, "SET autocommit=0")\n'
        '    q = "x IN (SELECT a FROM " + t + ")"\n'
        '    raise DataJointError(f"Cannot DROP TABLE {t}: it is referenced")\n'
        '    logger.info("DELETE FROM %s done", t)\n'
        '    parser.add_argument("--x", help="SHOW the GRANT statements")\n')
    assert sorted(line for line, _ in found) == [3, 4, 5, 6]
    assert not looks_like_sql("select the rows you need") and not looks_like_sql("information_schema")


def test_sql_only_in_compiler_catalog_and_ddl_modules():
    """No SQL text outside the compilers, the catalog modules and the DDL module (docstrings and
    messages to people aside), so every statement the package sends can be found in five files."""
    stray = []
    for name, path in modules().items():
        if name in SQL_MODULES:
            continue
        stray += [f"{name}:{line}: {text[:60]!r}" for line, text in sql_literals(path.read_text(), str(path))]
    assert not stray, "SQL text outside the compiler/catalog/ddl modules:\n" + "\n".join(stray)
