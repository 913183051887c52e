"""datajoint_interop: DataJoint pipelines shared by MATLAB/Octave and Python.

Use it as ``import datajoint_interop as dj``. Public names are imported lazily (PEP 562) so that
``import`` stays fast and a command-line tool does not pay for numpy/pandas it never touches.
"""
import importlib
import sys
import types

from .version import __version__

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


class _Package(types.ModuleType):
    """The package module, with ``schema`` pinned to the 0.14 alias of ``Schema``.

    Our DDL code lives in the subpackage ``datajoint_interop.schema``; importing it makes Python bind
    the subpackage as the package attribute ``schema``, which would turn ``dj.schema("name")`` (the
    most common spelling in 0.14 pipelines) into ``'module' object is not callable`` as soon as
    anything imported the subpackage first. The property keeps the public name; code inside the
    package reaches the subpackage through ``from .schema.x import y`` (sys.modules), unaffected.
    """

    @property
    def schema(self):
        return importlib.import_module(f"{__name__}.schemas").Schema

    @schema.setter
    def schema(self, value):
        pass  # the import system binding the subpackage; the public alias stays


sys.modules[__name__].__class__ = _Package


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_MODULES))


__all__ = ["__author__", "__version__", "DataJointError", "schema", *_LAZY]
