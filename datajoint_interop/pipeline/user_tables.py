"""The table tiers users subclass: Manual, Lookup, Imported, Computed and Part.

A tier decides only two things that are stored: the prefix of the table name (which is how every
other program, MATLAB included, recognizes the tier) and, for parts, that the name hangs off the
master's. Everything else is behaviour: Imported/Computed populate, parts are changed through
their master.
"""
import inspect
import logging

from ..schema import naming
from ..compute.autopopulate import AutoPopulate
from ..schema.definition import MATLAB, PYTHON, TableModel, format_definition, parse_definition
from ..core.errors import DataJointError
from ..core.sql import split_full_table_name
from ..query import delete as _delete
from ..query.table import Table
from ..schema.declare import (alter_clauses, compile_definition, compile_model, model_from_database,
                              parent_info_from_database)
from ..core.sql import escape_percent, execute
from ..schema import ddl
from ..schema.heading import forget_heading
from ..query.delete import _ask
from ..codec.adapter import get_adapter

__all__ = ["UserTable", "Manual", "Lookup", "Imported", "Computed", "Part"]

logger = logging.getLogger(__name__.split(".")[0])

# instance attributes reachable on the class itself, so that ``Scan.populate()`` and
# ``Animal.insert1(row)`` work as in DataJoint 0.14 (the class stands for its whole table)
_CLASS_FORWARDED = frozenset((
    "full_table_name", "heading", "primary_key", "key_source", "describe", "populate", "progress",
    "proj", "aggr", "join", "restrict", "fetch", "fetch1", "head", "tail", "insert", "insert1", "update1",
    "delete", "delete_quick", "drop", "drop_quick", "parents", "children", "descendants", "ancestors",
    "is_declared", "size_on_disk", "make_sql", "cursor", "jobs", "matlab_classdef", "parts", "external",
    "alter",
))


class TableMeta(type):
    """Lets a table class be used where a table instance is expected (``Scan & key``, ``Scan.fetch()``)."""

    def __getattribute__(cls, name):
        if name in _CLASS_FORWARDED and type.__getattribute__(cls, "database") is not None:
            return getattr(cls(), name)
        # a class not bound to a schema (dj.Manual itself, an undecorated class) shows its plain
        # attributes, so that help() and inspect can list them instead of failing
        return super().__getattribute__(name)

    def __and__(cls, other):
        return cls() & other

    def __rand__(cls, other):
        return other & cls()

    def __sub__(cls, other):
        return cls() - other

    def __mul__(cls, other):
        return cls() * other

    def __rmul__(cls, other):
        return other * cls()

    def __add__(cls, other):
        return cls() + other

    def __xor__(cls, other):
        return cls() ^ other

    def __matmul__(cls, other):
        return cls() @ other

    def __len__(cls):
        return len(cls())

    def __bool__(cls):
        """A class is always true, as in 0.14: with __len__ defined, tools that test a class for
        truth (help(), pydoc, ``x or default``) would otherwise query the table, or fail for base
        classes that have no table."""
        return True

    def __iter__(cls):
        return iter(cls())

    def __repr__(cls):
        if super().__getattribute__("database") is None:
            return super().__repr__()
        return repr(cls())


class UserTable(Table, metaclass=TableMeta):
    """A table defined by a class: its name comes from the class name and tier.

    The definition is a Python string in ``definition``; classes created from MATLAB files set
    ``_definition_language = "matlab"`` and a ``_resolver`` for their ``pkg.Class`` references.
    """

    tier = None
    _definition_language = PYTHON
    _resolver = None
    _model = None

    @classmethod
    def _table_name_for_class(cls):
        return naming.table_name(cls.__name__, cls.tier)

    @classmethod
    def parsed_definition(cls):
        """The definition as a TableModel (parsed once per class)."""
        if cls.__dict__.get("_model") is None:
            definition = cls.__dict__.get("definition", cls.definition)
            if isinstance(definition, TableModel):
                model = definition
            elif definition is None:
                raise DataJointError(f"Class {cls.__name__} has no definition and its table "
                                     f"{cls.table_name!r} does not exist in schema {cls.database!r}")
            else:
                model = parse_definition(definition, cls._definition_language)
            cls._model = model
        return cls._model

    def __repr__(self):
        if self.database is None or self.connection is None:
            return f"<{type(self).__name__}: not associated with a schema>"
        return super().__repr__()

    def describe(self, context=None, printout=False, *, language=PYTHON, package=None):
        """The definition of the live table: 0.14's exact text in Python (parents named from
        ``context``, the caller's names by default), or MATLAB syntax with ``language="matlab"``.

        Declaring the text again re-creates the same table. For MATLAB, ``package`` names the package
        of this schema (default: the database name) or maps database names to packages.
        """
        if language != MATLAB:
            if context is None:
                frame = inspect.currentframe().f_back
                context = {**frame.f_globals, **frame.f_locals}
                del frame
            return super().describe(context, printout)
        text = describe_table(self.connection, self.database, self.table_name, language, package)
        if printout:
            print(text)
        return text

    def alter(self, prompt=True, context=None):
        """Change the live table to the class's current definition, as 0.14's ``alter``.

        Secondary attributes may be added, dropped, changed (type, default, comment) or reordered, and
        the table comment changed; the primary key, foreign keys and indexes cannot
        (NotImplementedError). ``context`` resolves the references (default: the caller's names).
        """
        connection = self._require_connection()
        if connection.in_transaction:
            raise DataJointError("Cannot update table declaration inside a transaction, "
                                 "e.g. from inside a populate/make call")
        if context is None:
            frame = inspect.currentframe().f_back
            context = {**frame.f_globals, **frame.f_locals}
            del frame
        cls = type(self)
        context = {**context, cls.__name__: cls, "self": cls}
        if getattr(cls, "master", None) is not None:
            context["master"] = cls.master
        definition = cls.__dict__.get("definition", cls.definition)
        model = definition if isinstance(definition, TableModel) else parse_definition(definition,
                                                                                       self._definition_language)
        new = compile_definition(self.full_table_name, model, context, resolver=self._resolver, label=cls.__name__)
        old = compile_model(self.full_table_name, model_from_database(connection, self.database, self.table_name),
                            lambda fk: parent_info_from_database(connection, fk.ref),
                            lambda name: get_adapter(context, name))
        clauses = alter_clauses(new, old)
        if not clauses:
            if prompt:
                logger.warning("Nothing to alter.")
            return
        sql = ddl.alter_table(self.full_table_name, clauses)
        if prompt and not _ask(sql + "\n\nExecute? [yes, no]: "):
            return
        schema = connection.schemas.get(self.database)
        for store in new.external_stores:
            if schema is not None and store not in old.external_stores:
                schema._declare_external(store)
        execute(connection, escape_percent(sql))
        forget_heading()
        cls._model = None
        if prompt:
            logger.info("Table altered")
        if schema is not None:
            schema.log(f"Altered {self.full_table_name}")

    def matlab_classdef(self, package=None):
        """Text of a MATLAB classdef file declaring this table (``package`` as in describe)."""
        return matlab_classdef(self.connection, self.database, self.table_name, package)


#: the body of a table name (snake_case), and each tier's table-name pattern as 0.14 exposes it in
#: ``tier_regexp`` (named groups: the tier, and master/part for parts)
_NAME_BODY = r"[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*"
_TIER_PREFIXES = (("manual", ""), ("lookup", "#"), ("imported", "_"), ("computed", "__"))


def _tier_regexp(tier):
    return f"(?P<{tier}>{dict(_TIER_PREFIXES)[tier]}{_NAME_BODY})"


class Manual(UserTable):
    """Data entered by hand or by external programs."""

    tier = "manual"
    tier_regexp = _tier_regexp("manual")


class Lookup(UserTable):
    """Small, rarely changing parameter tables; ``contents`` rows are inserted on declaration."""

    tier = "lookup"
    tier_regexp = _tier_regexp("lookup")


class Imported(UserTable, AutoPopulate):
    """Filled by ``populate`` from data outside the database."""

    tier = "imported"
    tier_regexp = _tier_regexp("imported")


class Computed(UserTable, AutoPopulate):
    """Filled by ``populate`` from other tables."""

    tier = "computed"
    tier_regexp = _tier_regexp("computed")


class Part(UserTable):
    """Detail rows that belong to one master row and are inserted and deleted with it.

    In Python a part is a class nested in its master (``Scan.Unit``), in MATLAB a class
    ``ScanUnit`` whose ``master`` property names ``Scan``; both give the table ``<master>__unit``.
    """

    tier = "part"
    tier_regexp = ("(?P<master>" + "|".join(_tier_regexp(t) for t, _ in _TIER_PREFIXES) + "){1,1}__(?P<part>"
                   + _NAME_BODY + ")")
    master = None

    @classmethod
    def _table_name_for_class(cls):
        if cls.master is None or cls.master.table_name is None:
            raise DataJointError(f"Part table {cls.__name__} must be nested in a master table class")
        name = cls.__dict__.get("_part_name") or cls.__name__  # MATLAB's PowerChannel is Power's "Channel"
        return naming.table_name(name, "part", cls.master.table_name)

    def delete(self, force=False, **kwargs):
        """Deleting from a part alone would leave masters incomplete; it needs ``force=True``."""
        if not force:
            raise DataJointError(f"Cannot delete from a Part directly. Delete from master instead "
                                 f"({self.master.__name__} for {self.full_table_name}), or pass force=True")
        kwargs.setdefault("force_parts", True)
        return super().delete(**kwargs)

    def drop(self, force=False, safemode=None):
        """Dropping a part alone leaves its master incomplete; ``force=True`` drops it (and its
        dependents, unless one of them is a part of another master not being dropped)."""
        if not force:
            raise DataJointError(f"Cannot drop a Part directly: drop its master {self.master.__name__} "
                                 f"instead of {self.full_table_name}, or pass force=True")
        return _delete.drop(self, safemode=safemode, forced_part=True)


_MATLAB_TIERS = {"manual": "dj.Manual", "lookup": "dj.Lookup", "imported": "dj.Imported",
                 "computed": "dj.Computed", "part": "dj.Part"}


def _packages(database, package):
    if isinstance(package, dict):
        return package
    return {database: package or database}


def matlab_class_name(table, package):
    """``pkg.Class`` of a table in MATLAB, parts as ``pkg.MasterPart``."""
    tier, master = naming.parse_table_name(table)
    if tier is None:
        raise DataJointError(f"Table {table!r} has no DataJoint class name")
    name = naming.class_name_of(table)
    if tier == "part":
        name = naming.class_name_of(master) + name
    return f"{package}.{name}"


def describe_table(connection, database, table, language=PYTHON, package=None, module_of=None):
    """The definition of a live table; in Python, tables of other schemas are ``db.Class`` or, with
    ``module_of(db)``, ``<module>.Class``."""

    packages = _packages(database, package)
    tier, master = naming.parse_table_name(table)

    def name_of(full_name):
        ref_db, ref_table = split_full_table_name(full_name)
        if language == MATLAB:
            return matlab_class_name(ref_table, packages.get(ref_db, ref_db))
        if tier == "part" and ref_db == database and ref_table == master:
            return "master"
        ref_tier, ref_master = naming.parse_table_name(ref_table)
        name = naming.class_name_of(ref_table) if ref_tier else ref_table
        if ref_tier == "part":
            name = f"{naming.class_name_of(ref_master)}.{name}"
        if ref_db == database:
            return name
        return f"{module_of(ref_db) if module_of else ref_db}.{name}"

    return format_definition(model_from_database(connection, database, table), language, name_of)


def matlab_classdef(connection, database, table, package=None):
    """A MATLAB classdef file for an existing table, so MATLAB users can work with it."""
    package = _packages(database, package).get(database, database)
    tier, master = naming.parse_table_name(table)
    if tier is None:
        raise DataJointError(f"Table {table!r} is not a DataJoint user table")
    name = matlab_class_name(table, package).split(".", 1)[1]
    definition = describe_table(connection, database, table, MATLAB, {database: package})
    lines = ["%{", definition.rstrip("\n"), "%}", f"classdef {name} < {_MATLAB_TIERS[tier]}"]
    if tier == "part":
        lines += ["    properties(SetAccess=protected)", f"        master = {matlab_class_name(master, package)}",
                  "    end"]
    if tier in ("imported", "computed"):
        lines += ["    methods(Access=protected)", "        function makeTuples(self, key)",
                  f"            error('{package}:notImplemented', 'write makeTuples of {package}.{name}')",
                  "        end", "    end"]
    lines.append("end")
    return "\n".join(lines) + "\n"
