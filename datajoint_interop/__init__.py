"""datajoint_interop: DataJoint pipelines shared by MATLAB/Octave and Python.

Use it as ``import datajoint_interop as dj``. Public names are imported lazily (PEP 562) so that
``import`` stays fast and a command-line tool does not pay for numpy/pandas it never touches.
"""
import importlib
import types

from .version import __version__
from . import schema as _definitions  # the subpackage; see _SchemaPackage below

__author__ = "DataJoint Contributors"
from .errors import DataJointError  # noqa: F401  (always needed, cheap)

# public name -> module that defines it. Add one line per new public name.
_LAZY = {
    # foundation
    "config": "settings",
    "Config": "settings",
    "conn": "connection",
    "Connection": "connection",
    "errors": None,
    # blobs
    "blob": None,
    "MatCell": "blob",
    "MatStruct": "blob",
    "MatChar": "blob",
    "AttributeAdapter": "attribute_adapter",
    # definitions, declaration, schemas
    "Schema": "schemas",
    "create_virtual_module": "schemas",
    "VirtualModule": "schemas",
    "list_schemas": "schemas",
    "Manual": "user_tables",
    "Lookup": "user_tables",
    "Imported": "user_tables",
    "Computed": "user_tables",
    "Part": "user_tables",
    "matlab_package": "matlab_package",
    "Diagram": "diagram",
    "ERD": "diagram",
    "Di": "diagram",
    # queries
    "FreeTable": "table",
    "Table": "table",
    "AndList": "condition",
    "Not": "condition",
    "Top": "condition",
    "U": "expression",
    "key": "fetch",
    "key_hash": "hash",
    # sharing
    "export": "archive",
    "import_archive": "archive",
    "set_password": "admin",
    "kill": "admin",
    # tools
    "logger": "logging",
    "cli": None,
}


class _SchemaPackage(types.ModuleType):
    """``dj.schema`` is two things: 0.14's lowercase alias of ``Schema`` (``schema = dj.schema('lab')``,
    common in older pipelines) and our definition-language subpackage ``datajoint_interop.schema``,
    which Python binds to the same attribute. The subpackage is therefore callable: calling it
    makes a Schema, and every import of its modules keeps working."""

    def __call__(self, *args, **kwargs):
        return __getattr__("Schema")(*args, **kwargs)


_definitions.__class__ = _SchemaPackage


#: 0.14's modules that ``import datajoint`` makes attributes of the package (``dj.settings.LOCALCONFIG``)
_MODULES = ("admin", "attribute_adapter", "autopopulate", "condition", "connection", "declare", "dependencies",
            "diagram", "expression", "external", "fetch", "hash", "heading", "jobs", "logging", "plugin",
            "preview", "s3", "schemas", "settings", "table", "user_tables", "utils", "version")


def __getattr__(name):
    if name not in _LAZY and name not in _MODULES:
        raise AttributeError(f"module 'datajoint_interop' has no attribute {name!r}")
    module = _LAZY.get(name)
    if module is None:
        return importlib.import_module(f"{__name__}.{name}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_MODULES))


__all__ = ["__author__", "__version__", "DataJointError", "schema", *_LAZY]
