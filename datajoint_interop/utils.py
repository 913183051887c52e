"""The import path `datajoint_interop.utils` of DataJoint 0.14: its small helpers.

Naming helpers live in schema/naming.py and file helpers in storage/objects.py; this module gives
them 0.14's names and adds the few helpers 0.14 code imports from here and nothing else uses.
"""
from pathlib import Path

from .core.errors import DataJointError  # noqa: F401  (0.14 code imports it from here)
from .core.prompt import user_choice  # noqa: F401  (0.14's name)
from .schema.naming import from_camel_case, get_master, is_camel_case, to_camel_case  # noqa: F401
from .storage.objects import _copy_file, _write_new

__all__ = ["ClassProperty", "user_choice", "get_master", "is_camel_case", "to_camel_case",
           "from_camel_case", "safe_write", "safe_copy", "parse_sql", "DataJointError"]


class ClassProperty:
    """A read-only property computed from the class (``Table.full_table_name`` style)."""

    def __init__(self, f):
        self.f = f

    def __get__(self, obj, owner):
        return self.f(owner)


def safe_write(filepath, blob):
    """Write ``blob`` to ``filepath`` through a temporary file, unless the file exists already."""
    _write_new(filepath, blob)


def safe_copy(src, dest, overwrite=False):
    """Copy ``src`` to ``dest`` through a temporary file; an existing ``dest`` is kept unless ``overwrite``."""
    _copy_file(src, dest, overwrite=overwrite)


def parse_sql(filepath):
    """The statements of an SQL script, one string each, as 0.14 splits them.

    Comment lines (``--``) are skipped, ``delimiter X`` lines change the statement terminator, and
    a statement's lines are joined with single spaces.
    """
    delimiter = ";"
    statement = []
    with Path(filepath).open("rt") as f:
        for line in f:
            line = line.strip()
            if line.startswith("--") or len(line) <= 1:
                continue
            if line.startswith("delimiter"):
                delimiter = line.split()[1] if len(line.split()) > 1 else delimiter
                continue
            statement.append(line)
            if line.endswith(delimiter):
                yield " ".join(statement)
                statement = []
    if statement:
        yield " ".join(statement)
