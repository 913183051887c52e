"""Use a MATLAB package folder (``+lab``) of classdef table files directly from Python.

``dj.matlab_package(schema, "path/to/+lab")`` reads every classdef file, builds one Python class
per table with the MATLAB definition, declares the tables in dependency order (each ``-> lab.X``
resolved to the class built from ``X.m``) and returns them in a module. A lab that writes its
pipeline in MATLAB can thus create or open it from Python without translating a single line.
"""
import os
import re
import sys
import types

import networkx as nx

from ..schema.definition import parse_matlab_class
from ..core.errors import DefinitionError
from .user_tables import Computed, Imported, Lookup, Manual, matlab_class_name, matlab_classdef, Part

__all__ = ["matlab_package", "read_matlab_package", "write_matlab_package"]


def read_matlab_package(path):
    """Parse the folder; return (package name, {class name: MatlabClass}) for its table classes."""
    path = os.path.abspath(os.fspath(path))
    if not os.path.isdir(path):
        raise DefinitionError(f"MATLAB package folder {path!r} does not exist")
    package = os.path.basename(path.rstrip(os.sep)).lstrip("+")
    if not package:
        raise DefinitionError(f"Cannot tell the package name of {path!r}")
    classes = {}
    for filename in sorted(os.listdir(path)):
        if not filename.endswith(".m"):
            continue
        file_path = os.path.join(path, filename)
        source = _read_source(file_path)
        try:
            parsed = parse_matlab_class(source, package, file_path)
        except DefinitionError as error:
            raise DefinitionError(f"{file_path}: {error}") from None
        if parsed is None:
            continue
        if parsed.name != filename[:-2]:
            raise DefinitionError(f"{file_path}: the file defines class {parsed.name}, expected {filename[:-2]}")
        classes[parsed.name] = parsed
    return package, classes


def _read_source(path):
    """Text of a .m file: UTF-8 (with or without BOM), else Latin-1 as older MATLAB wrote on Windows."""
    with open(path, "rb") as file:
        data = file.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _declaration_order(package, classes):
    """Masters (with their parts) in an order where every referenced table comes first."""
    owner = {}
    for name, parsed in classes.items():
        if parsed.tier == "part":
            master = _local_name(parsed.master, package)
            if master not in classes or classes[master].tier == "part":
                raise DefinitionError(f"{parsed.path}: the master {parsed.master} is not a table class of "
                                      f"package {package}")
            if not name.startswith(master) or len(name) == len(master):
                raise DefinitionError(f"{parsed.path}: a part class name must start with its master's name "
                                      f"({master}) followed by the part name")
            owner[name] = master
        else:
            owner[name] = name
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(set(owner.values())))
    for name, parsed in classes.items():
        for fk in parsed.model.foreign_keys:
            target = _local_name(fk.ref, package)
            if target is None:
                continue
            if target not in owner:
                raise DefinitionError(f"{parsed.path}, line {fk.line_no}: {fk.ref} is not a table class of "
                                      f"package {package}")
            if owner[target] != owner[name]:
                graph.add_edge(owner[target], owner[name])
    try:
        return list(nx.lexicographical_topological_sort(graph)), owner
    except nx.NetworkXUnfeasible:
        cycle = " -> ".join(a for a, _ in nx.find_cycle(graph))
        raise DefinitionError(f"Package {package} has cyclic references: {cycle}") from None


def _local_name(ref, package):
    pkg, _, name = ref.rpartition(".")
    return name if pkg == package else None


def matlab_package(schema, path, *, packages=None, module_name=None):
    """Declare (or bind to) the tables of a MATLAB package folder in ``schema``.

    ``packages`` maps other package names to objects holding their classes (a module, a dict, or a
    previous result of this function) so that ``-> other.Table`` can be resolved. Returns a module
    with one class per MATLAB class; parts are also nested in their masters (``Scan.Unit``). The
    module's ``__all__`` lists the class names in the order the tables were declared.
    """

    tiers = {"manual": Manual, "lookup": Lookup, "imported": Imported, "computed": Computed, "part": Part}
    package, parsed = read_matlab_package(path)
    order, owner = _declaration_order(package, parsed)
    module = types.ModuleType(module_name or package)
    module.__file__ = os.path.abspath(os.fspath(path))
    built = {}

    def resolver(ref):
        pkg, _, name = ref.rpartition(".")
        if pkg == package:
            if name not in built:
                raise DefinitionError(f"{ref} is not a table class of package {package}")
            return built[name]
        source = (packages or {}).get(pkg)
        if source is None:
            raise DefinitionError(f"Unknown MATLAB package {pkg!r} in reference {ref}: pass "
                                  f"packages={{'{pkg}': <module with its classes>}}")
        found = source.get(name) if isinstance(source, dict) else getattr(source, name, None)
        if found is None:
            raise DefinitionError(f"Package {pkg} has no table class {name}")
        return found

    for name, info in parsed.items():
        attributes = {"definition": info.model, "_definition_language": "matlab", "_resolver": staticmethod(resolver),
                      "__module__": module.__name__, "__doc__": info.model.comment or None}
        if info.contents is not None:
            attributes["contents"] = info.contents
        built[name] = type(name, (tiers[info.tier],), attributes)
    for name, info in parsed.items():
        if info.tier == "part":
            master = owner[name]
            setattr(built[master], name[len(master):], built[name])
    for master in order:
        schema(built[master], context={})
    for name, cls in built.items():
        setattr(module, name, cls)
    # declaration order: each master after the tables it references, its parts right after it
    module.__all__ = [name for master in order
                      for name in [master] + sorted(n for n in built if owner[n] == master and n != master)]
    module.schema = schema
    return module


def write_matlab_package(schema, folder, package=None, *, overwrite=False):
    """Write a MATLAB classdef file for every table of ``schema`` into ``folder`` (e.g. ``+lab``).

    The reverse of ``matlab_package``: a pipeline declared from Python (or by anyone) becomes a MATLAB
    package whose definitions re-create the same tables, plus the package's ``getSchema.m`` binding
    it to the database. Returns the paths written. References to other databases use their database
    names as package names.
    """

    schema._require_active()
    folder = os.fspath(folder)
    package = package or os.path.basename(folder.rstrip(os.sep)).lstrip("+") or schema.database
    os.makedirs(folder, exist_ok=True)
    written = [_write_new(os.path.join(folder, "getSchema.m"), _get_schema_text(package, schema.database),
                          overwrite)]
    for table in schema.list_tables():
        name = matlab_class_name(table, package).split(".", 1)[1]
        text = matlab_classdef(schema.connection, schema.database, table, package)
        written.append(_write_new(os.path.join(folder, f"{name}.m"), text, overwrite))
    return written


def _get_schema_text(package, database):
    """``+package/getSchema.m``: binds the package to its database, as every MATLAB table class expects."""
    if not re.fullmatch(r"[A-Za-z]\w{0,62}", package):
        raise DefinitionError(f"{package!r} is not a MATLAB package name (a letter, then letters, digits or _)")
    quoted = database.replace("'", "''")  # a MATLAB char literal
    return ("function obj = getSchema\n"
            "persistent schemaObject\n"
            "if isempty(schemaObject)\n"
            f"    schemaObject = dj.Schema(dj.conn, '{package}', '{quoted}');\n"
            "end\n"
            "obj = schemaObject;\n"
            "end\n")


def _write_new(path, text, overwrite):
    """Write a generated file, refusing to replace a different existing one unless asked to."""
    if os.path.exists(path) and not overwrite and not _has_text(path, text):
        raise DefinitionError(f"{path} exists; pass overwrite=True to replace it")
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
    return path


def _has_text(path, text):
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read() == text


class _CallableModule(types.ModuleType):
    """Importing this module binds ``datajoint_interop.matlab_package`` to the module, shadowing the
    public function of the same name; making the module callable keeps ``dj.matlab_package(...)``
    working either way."""

    def __call__(self, *args, **kwargs):
        return matlab_package(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
