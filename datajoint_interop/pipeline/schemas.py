"""Schemas: one database each, a class decorator that declares tables, and virtual modules.

``@schema`` binds a class to its database, declares its table when missing (logging the event in
``~log`` as DataJoint 0.14 does), and checks an existing table against the definition so that an
edited definition never silently disagrees with the live table.
"""
import inspect
import logging
import platform
import re
import types
import logging
import warnings

from ..schema import naming
from ..schema.declare import compile_definition, compile_model, foreign_key_columns
from ..core.errors import AccessError, DataJointError, DefinitionError, MissingDefinitionError
from ..core.sql import check_identifier, escape_percent, execute, full_table_name, quote_identifier
from ..core.version import __version__
from ..core.connection import conn
from ..query.table import forget_heading, FreeTable
from ..schema.heading import register_adapters
from ..codec.adapter import adapters_in
from .user_tables import Computed, Imported, Lookup, Manual, Part, UserTable, describe_table
from ..schema.definition import parse_definition
from ..compute.jobs import JobTable
from ..storage.external import ExternalMapping
from ..storage.objects import EXTERNAL_DEFINITION
from ..core.settings import config
from ..core import catalog
from ..query import compiler
from ..schema import ddl

__all__ = ["Schema", "schema", "VirtualModule", "create_virtual_module", "list_schemas",
           "DefinitionMismatchWarning"]

logger = logging.getLogger(__name__.split(".")[0])
_SYSTEM_SCHEMAS = ("information_schema", "mysql", "performance_schema", "sys")
LOG_TABLE = "~log"
class DefinitionMismatchWarning(UserWarning):
    """A class definition differs from the table that already exists in the database."""

logger = logging.getLogger(__name__.split(".")[0])


def _connection(connection):
    if connection is not None:
        return connection

    return conn()


def _caller_context(depth=2):
    frame = inspect.currentframe()
    try:
        for _ in range(depth):
            frame = frame.f_back
        return {**frame.f_globals, **frame.f_locals}
    finally:
        del frame


def list_schemas(connection=None):
    """Names of the databases the user can see, without the server's own."""
    connection = _connection(connection)
    return [name for name in catalog.list_schemas(connection) if name not in _SYSTEM_SCHEMAS]


def _members(cls):
    """(name, value) of the class's attributes including inherited ones, base classes' first and
    each in declaration order: parts inherited from a base table class are declared too, as in 0.14."""
    seen = {}
    for klass in reversed(cls.__mro__):
        for name in vars(klass):
            seen.setdefault(name, None)
    static = {}
    for klass in cls.__mro__:  # the raw values (no property is evaluated), the subclass's first
        for name, value in vars(klass).items():
            static.setdefault(name, value)
    return [(name, static[name]) for name in seen if not name.startswith("__")]


def _document(cls):
    """Append the definition to the class docstring, as 0.14 does, so help(Table) shows it."""
    definition = cls.__dict__.get("definition")
    if isinstance(definition, str) and definition not in (cls.__doc__ or ""):
        cls.__doc__ = (cls.__doc__ or "") + "\nTable definition:\n\n" + definition


class Schema:
    """A database used as a class decorator: ``schema = dj.Schema('lab')`` then ``@schema``.

    Without a name the schema is inactive: decorated classes wait until ``activate(name)``.
    """

    def __init__(self, schema_name=None, context=None, *, connection=None, create_schema=True,
                 create_tables=True, add_objects=None):
        self.database = None
        self.context = context
        self.connection = connection
        self.create_schema = create_schema
        self.create_tables = create_tables
        self.add_objects = add_objects
        self._pending = []
        if schema_name is not None:
            self.activate(schema_name)

    # --- activation -----------------------------------------------------------------------------
    def activate(self, schema_name=None, *, connection=None, create_schema=None, create_tables=None,
                 add_objects=None):
        if schema_name is None:
            if self.database is None:
                raise DataJointError("Please provide a schema name to activate the schema")
            return
        if self.database is not None and self.exists:
            if schema_name == self.database:
                return
            raise DataJointError(f"The schema is already activated as {self.database!r}")
        check_identifier(schema_name, "schema name")
        if "`" in schema_name:
            raise DataJointError(f"Invalid schema name {schema_name!r}: backquotes are not allowed in schema names")
        if create_schema is not None:
            self.create_schema = create_schema
        if create_tables is not None:
            self.create_tables = create_tables
        if add_objects is not None:
            self.add_objects = add_objects
        self.connection = _connection(connection or self.connection)
        # named before the database is known to exist, as in 0.14: after a failed activation
        # drop() is a no-op and activate() may be called again
        self.database = schema_name
        if not catalog.schema_exists(self.connection, schema_name):
            if not self.create_schema:
                raise DataJointError(f"Schema `{schema_name}` does not exist; pass create_schema=True to "
                                     "create it")
            execute(self.connection, ddl.create_database(schema_name))
            self.log("created")
        self.connection.schemas[schema_name] = self
        self._forget_graph()
        pending, self._pending = self._pending, []
        for cls, context in pending:
            # add_objects given to activate() reach the classes decorated before it, overriding
            # the module's names as in 0.14 (elements pass their upstream tables this way)
            self._decorate(cls, {**context, **(self.add_objects or {})})

    def is_activated(self):
        """A method, as in 0.14 (``schema.is_activated()``)."""
        return self.database is not None

    def _require_active(self):
        if self.database is None:
            raise DataJointError("The schema is not activated: call schema.activate('name') first")

    def _forget_graph(self):
        if self.connection is not None:
            self.connection.dependencies.clear()

        forget_heading()

    @property
    def exists(self):
        self._require_active()
        return catalog.schema_exists(self.connection, self.database)

    def __repr__(self):
        return f"Schema `{self.database}`" if self.database else "Schema (not activated)"

    # --- ~log ------------------------------------------------------------------------------------
    @property
    def log(self):
        """The ``~log`` table (created on first use); calling it appends an event, as in 0.14."""
        self._require_active()
        return Log(self.connection, self.database)

    # --- the decorator ---------------------------------------------------------------------------
    def __call__(self, cls, *, context=None):
        if context is None:
            context = self.context if self.context is not None else _caller_context()
        if self.add_objects:
            context = {**self.add_objects, **context}

        if not (isinstance(cls, type) and issubclass(cls, UserTable)):
            raise DataJointError(f"{getattr(cls, '__name__', cls)!r} is not a table class: derive it from "
                                 "dj.Manual, dj.Lookup, dj.Imported or dj.Computed")
        if issubclass(cls, Part):
            raise DataJointError(f"Part table {cls.__name__} must be nested in its master class, which is "
                                 "the one to decorate")
        if self.database is None:
            self._pending.append((cls, context))
        else:
            self._decorate(cls, context)
        return cls

    def _decorate(self, cls, context):
        register_adapters(self.connection, self.database, adapters_in(context))

        self._bind(cls)
        _document(cls)
        self._declare(cls, {**context, cls.__name__: cls, "self": cls})  # `-> self.source` as in 0.14
        for name, part in _members(cls):
            if isinstance(part, type) and issubclass(part, Part) and name[:1].isupper():
                part.master = cls
                part._part_name = name
                self._bind(part)
                _document(part)
                self._declare(part, {**context, cls.__name__: cls, "master": cls, "self": part})

    def _bind(self, cls):
        naming.check_class_name(cls.__dict__.get("_part_name") or cls.__name__)
        cls.database = self.database
        cls.connection = self.connection
        cls._model = None
        cls.table_name = cls._table_name_for_class()

    def _declare(self, cls, context):
        exists = catalog.table_exists(self.connection, self.database, cls.table_name)
        if getattr(cls, "definition", None) is None:
            if exists:  # a class spawned from (or bound to) an existing table
                return
            raise MissingDefinitionError(f"Class {cls.__name__} has no definition and table "
                                         f"{full_table_name(self.database, cls.table_name)} does not exist")
        if exists:
            self._compare(cls, context)
        elif self.create_tables:
            if self.connection.in_transaction:
                raise DataJointError(f"Cannot declare {cls.__name__} inside a transaction: MySQL commits the open "
                                     "transaction implicitly on CREATE TABLE. Declare tables before starting it.")
            declaration = self._compile(cls, context)
            try:
                for store in declaration.external_stores:
                    self._declare_external(store)
                execute(self.connection, escape_percent(declaration.sql))
            except AccessError as error:
                # as 0.14: an account without CREATE privilege uses the schema as it is
                logger.warning("Not declaring %s: %s", cls.__name__, error)
                return
            self.log(f"Declared {full_table_name(self.database, cls.table_name)}")
            self._forget_graph()
        else:
            return  # as 0.14: a missing table is silent until the class is used
        if issubclass(cls, Lookup) and hasattr(cls, "contents"):
            self._fill_lookup(cls())

    @staticmethod
    def _fill_lookup(instance):
        """Insert a Lookup's ``contents`` when it has more rows than the table, as 0.14 does: only
        Lookup tiers, read from an instance (`contents` is often a @property), never into an
        auto_increment table (whose rows could never match the listed ones)."""
        contents = instance.contents
        rows = [] if contents is None else list(contents)
        if len(rows) <= len(instance):
            return
        if instance.heading.has_autoincrement:
            warnings.warn(f"Contents has changed but cannot be inserted because {type(instance).__name__} "
                          "has autoincrement.")
        else:
            instance.insert(rows, skip_duplicates=True)

    def _compile(self, cls, context):
        try:
            return compile_definition(full_table_name(self.database, cls.table_name), cls.parsed_definition(),
                                      context, resolver=cls._resolver, label=cls.__name__)
        except DefinitionError as error:
            if str(error).startswith(cls.__name__):
                raise
            raise DefinitionError(f"{cls.__name__}: {error}") from None

    def _declare_external(self, store):
        table = f"~external_{store}"
        if catalog.table_exists(self.connection, self.database, table):
            return

        model = parse_definition(EXTERNAL_DEFINITION)
        declaration = compile_model(full_table_name(self.database, table), model, lambda fk: None)
        execute(self.connection, escape_percent(declaration.sql))

    def _compare(self, cls, context):
        """Warn when an existing table differs from the class's definition. The table is used as
        it is, as in 0.14: a definition that no longer compiles (e.g. a reference the context
        lacks) does not stop the class from working, so compile failures are only logged."""
        try:
            declaration = self._compile(cls, context)
        except DataJointError as error:
            logger.debug("Not comparing %s with its existing table: %s", cls.__name__, error)
            return
        differences = definition_differences(self.connection, self.database, cls.table_name, declaration)
        if differences:
            warnings.warn(
                f"The definition of {cls.__name__} differs from the existing table "
                f"{full_table_name(self.database, cls.table_name)}; the table was left unchanged "
                f"(drop or alter it to apply the definition):\n  " + "\n  ".join(differences),
                DefinitionMismatchWarning, stacklevel=4)

    # --- introspection and maintenance ------------------------------------------------------------
    def list_tables(self):
        """User table names in dependency order (parents first), without ``~`` tables."""
        self._require_active()
        graph = self.connection.dependencies
        graph.load(force=True, schemas=[self.database])
        prefix = quote_identifier(self.database) + "."
        import networkx as nx

        ordered = [n for n in nx.lexicographical_topological_sort(graph) if n.startswith(prefix)]
        return [n[len(prefix):][1:-1].replace("``", "`") for n in ordered]

    @property
    def jobs(self):
        """The ``~jobs`` table of this schema (created on first use)."""
        self._require_active()

        return JobTable(self.connection, self.database)

    @property
    def external(self):
        """``schema.external[store]``: the ``~external_<store>`` table of this schema (see external.py)."""
        self._require_active()

        return ExternalMapping(self.connection, self.database)

    @property
    def log_table(self):
        return self.log

    @property
    def size_on_disk(self):
        """Bytes of data and indexes of all tables of the schema."""
        self._require_active()
        if not self.exists:
            raise DataJointError(f"Schema `{self.database}` does not exist")
        return catalog.schema_size(self.connection, self.database)

    @property
    def code(self):
        """The text of a Python module that declares this schema's tables (as ``save()`` returns it)."""
        return self.save()

    def save(self, python_filename=None):
        """Text of a Python module that re-creates this schema's tables; written to the file when given.

        Tables of other schemas are reached through virtual modules ``vmod0``, ``vmod1``... as in 0.14.
        """
        self._require_active()
        if not self.exists:
            raise DataJointError(f"Schema `{self.database}` does not exist")
        modules = {}

        def module_of(database):
            return modules.setdefault(database, f"vmod{len(modules)}")

        body = "\n\n".join(self._class_code(table, module_of) for table in self.list_tables())
        code = "\n\n".join((
            '"""This module was auto-generated by datajoint from an existing schema"""',
            f"import datajoint as dj\n\nschema = dj.Schema({self.database!r})",
            "\n".join(f"{module} = dj.VirtualModule({module!r}, {database!r})" for database, module in modules.items()),
            body))
        if python_filename is None:
            return code
        with open(python_filename, "wt", encoding="utf-8") as file:
            file.write(code)

    def _class_code(self, table, module_of):
        """One class statement of ``save``: parts indented (they follow their master in dependency order)."""
        tier, _master = naming.parse_table_name(table)
        if tier is None:
            raise DataJointError(f"Table {table!r} of schema `{self.database}` is not a DataJoint table")
        indent = "    " if tier == "part" else ""
        definition = describe_table(self.connection, self.database, table, module_of=module_of)
        definition = definition.rstrip("\n").replace("\n", "\n    " + indent)
        head = "" if tier == "part" else "\n@schema\n"
        return (f'{head}{indent}class {naming.class_name_of(table)}(dj.{tier.capitalize()}):\n'
                f'{indent}    definition = """\n{indent}    {definition}\n{indent}    """')

    def drop(self, force=False):
        """Drop the whole database; asks first unless ``force`` or safemode is off."""
        self._require_active()
        if not self.exists:
            warnings.warn(f"Schema `{self.database}` does not exist; nothing to drop")
            return

        if not force and config["safemode"]:
            try:
                answer = input(f"Proceed to delete entire schema `{self.database}`? [yes, No]: ")
            except EOFError:  # no terminal: never drop without an explicit yes
                answer = ""
            if answer.strip().lower() != "yes":
                return
        execute(self.connection, ddl.drop_database(self.database))
        self.connection.schemas.pop(self.database, None)
        self._forget_graph()

    def spawn_missing_classes(self, context=None):
        """Create classes for every table of the schema that has no class in ``context`` yet.

        Without ``context`` the classes go into the schema's context if it has one, else into the
        caller's namespace (module globals at module level). Part tables become attributes of their masters.
        """
        self._require_active()
        if context is None and self.context is not None:
            context = self.context  # as 0.14: the schema's own context comes first
        if context is None:
            frame = inspect.currentframe().f_back
            context = frame.f_locals
            del frame

        register_adapters(self.connection, self.database,
                          {**adapters_in(self.context), **adapters_in(self.add_objects), **adapters_in(context)})
        tiers = {"manual": Manual, "lookup": Lookup, "imported": Imported, "computed": Computed}
        tables = catalog.list_tables(self.connection, self.database)
        masters = {}
        parts = []
        for table in tables:
            tier, master = naming.parse_table_name(table)
            if tier is None:
                continue
            if tier == "part":
                parts.append((table, master))
                continue
            name = naming.class_name_of(table)
            cls = context.get(name)
            if not (isinstance(cls, type) and getattr(cls, "table_name", None) == table):
                cls = type(name, (tiers[tier],), {"__module__": context.get("__name__", __name__)})
                self._spawn(cls, table)
                context[name] = cls
            masters[table] = cls
        for table, master in parts:
            master_cls = masters.get(master)
            name = naming.class_name_of(table)
            if master_cls is None:
                continue
            if isinstance(getattr(master_cls, name, None), type):
                continue
            part = type(name, (Part,), {"__module__": master_cls.__module__, "master": master_cls})
            self._spawn(part, table)
            setattr(master_cls, name, part)
        return context

    def _spawn(self, cls, table):
        cls.database = self.database
        cls.connection = self.connection
        cls.table_name = table


schema = Schema


class Log(FreeTable):
    """The ``~log`` table of a schema; ``log(event)`` appends an event row, as 0.14's ``schema.log``."""

    def __init__(self, connection, database, skip_logging=False):
        super().__init__(connection, full_table_name(database, LOG_TABLE))
        self.skip_logging = skip_logging
        if not catalog.table_exists(connection, database, LOG_TABLE):
            execute(connection, escape_percent(ddl.log_table(self.full_table_name, database)))

    def __repr__(self):
        """The rows, as 0.14 shows ``schema.log`` (a table class there, not a FreeTable)."""
        return super(FreeTable, self).__repr__()

    def __call__(self, event, skip_logging=None):
        """Append ``event`` with the version, the server's user@host and this machine's name."""
        if self.skip_logging if skip_logging is None else skip_logging:
            return
        try:
            execute(
                self.connection, compiler.compile_log_event(self.full_table_name),
                (f"{__version__}py"[:12], platform.node()[:255], str(event)[:255]))
        except DataJointError:  # e.g. no INSERT privilege: the event is lost, the action is not (0.14)
            logger.info("could not log event in table ~log")

    def delete(self):
        """Delete all events without asking and without cascading (nothing depends on ~log)."""
        return self.delete_quick(get_count=True)

    def drop(self):
        """Drop ~log without asking."""
        self.drop_quick()


class VirtualModule(types.ModuleType):
    """A module whose classes are spawned from an existing schema (no Python code needed)."""

    def __init__(self, module_name, schema_name, *, create_schema=False, create_tables=False,
                 connection=None, add_objects=None):
        super().__init__(module_name)
        _schema = Schema(schema_name, connection=connection, create_schema=create_schema,
                         create_tables=create_tables)
        if add_objects:
            self.__dict__.update(add_objects)
        self.__dict__["schema"] = _schema
        _schema.spawn_missing_classes(context=self.__dict__)


def create_virtual_module(module_name, schema_name, create_schema=False, create_tables=False,
                          connection=None, add_objects=None):
    return VirtualModule(module_name, schema_name, create_schema=create_schema,
                         create_tables=create_tables, connection=connection, add_objects=add_objects)


# --- definition vs live table ----------------------------------------------------------------------
_TYPE_ALIASES = [
    (re.compile(r"^integer\b"), "int"),
    (re.compile(r"^bool(ean)?$"), "tinyint"),
    (re.compile(r"^real\b"), "double"),
    (re.compile(r"^numeric\b"), "decimal"),
    (re.compile(r"^serial$"), "bigint unsigned"),
    (re.compile(r"^decimal$"), "decimal(10,0)"),
    (re.compile(r"^decimal unsigned$"), "decimal(10,0) unsigned"),
    (re.compile(r"^year\(4\)$"), "year"),
    (re.compile(r"^json$"), "longtext"),  # MariaDB stores json as longtext with a check
]


def normalize_type(sql_type):
    """Comparable form of a column type as declared or as reported by the server."""
    text = re.sub(r"\s+", " ", sql_type.strip().lower())
    text = re.sub(r"\s*([(,])\s*", r"\1", text)
    text = re.sub(r"\s*\)", ")", text)
    text = re.sub(r" (auto_increment|zerofill)\b", "", text)
    text = re.sub(r"^((tiny|small|medium|big)?int(eger)?)\(\d+\)", r"\1", text)
    if text.startswith("enum("):
        text = re.sub(r'"((?:[^"\\]|\\.)*)"', lambda m: "'" + m.group(1).replace("'", "''") + "'", text)
    for pattern, replacement in _TYPE_ALIASES:
        text = pattern.sub(replacement, text)
    return text


def definition_differences(connection, database, table, declaration):
    """Human-readable differences between a compiled definition and the live table ([] if none)."""
    live = catalog.column_declarations(connection, database, table)
    live_key = catalog.primary_key(connection, database, table)
    table_comment = catalog.table_comment(connection, database, table) or ""
    out = []
    if table_comment != declaration.comment:
        out.append(f"table comment {table_comment!r} in the table, {declaration.comment!r} in the definition")
    declared = declaration.columns
    for name in declared:
        if name not in live:
            out.append(f"attribute {name!r} is in the definition but not in the table")
    for name in live:
        if name not in declared and not name.startswith("_"):
            out.append(f"attribute {name!r} is in the table but not in the definition")
    if live_key != declaration.primary_key:
        out.append(f"primary key ({', '.join(live_key)}) in the table, ({', '.join(declaration.primary_key)}) "
                   "in the definition")
    for name, (sql_type, nullable, comment, default) in declared.items():
        if name not in live:
            continue
        live_type, live_null, live_comment, live_default = live[name]
        if not nullable and _normalize_default(default) != _normalize_default(live_default):
            out.append(f"attribute {name!r}: default {live_default} in the table, {default} in the definition")
        if normalize_type(sql_type) != normalize_type(live_type):
            out.append(f"attribute {name!r}: type {live_type} in the table, {sql_type} in the definition")
        if nullable != (live_null == "YES"):
            out.append(f"attribute {name!r}: {'nullable' if live_null == 'YES' else 'not nullable'} in the "
                       f"table, {'nullable' if nullable else 'not nullable'} in the definition")
        if (comment or "") != (live_comment or ""):
            out.append(f"attribute {name!r}: comment {live_comment!r} in the table, {comment!r} in the definition")
    out.extend(_key_differences(connection, database, table, declaration))
    return out


def _normalize_default(text):
    """Comparable form of a default as declared (None: no default) or as information_schema reports it."""
    if text is None or text.upper() == "NULL":
        return None
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].replace(text[0] * 2, text[0])
        text = re.sub(r"\\(.)", r"\1", text)
    if re.fullmatch(r"current_timestamp(\(\d*\))?", text, re.I):
        return text.lower().replace("()", "")
    try:
        return float(text)
    except ValueError:
        return text


def _key_differences(connection, database, table, declaration):
    """Foreign keys and secondary indexes that differ between the table and the definition."""
    fks = {}
    for name, column, ref_db, ref_table, ref_column in foreign_key_columns(connection, database, table):
        if not ref_table.startswith("~"):
            fk = fks.setdefault(name, [full_table_name(ref_db, ref_table), [], []])
            fk[1].append(column)
            fk[2].append(ref_column)
    live_fks = sorted((parent, tuple(cols), tuple(refs)) for parent, cols, refs in fks.values())
    declared_fks = sorted(fk for fk in declaration.foreign_keys)
    out = []
    for fk in declared_fks:
        if fk not in live_fks:
            out.append(f"foreign key ({', '.join(fk[1])}) -> {fk[0]} is in the definition but not in the table")
    for fk in live_fks:
        if fk not in declared_fks:
            out.append(f"foreign key ({', '.join(fk[1])}) -> {fk[0]} is in the table but not in the definition")
    indexes = {}
    for row in catalog.index_rows(connection, database, table):
        if row["Key_name"] != "PRIMARY":
            indexes.setdefault(row["Key_name"], [not row["Non_unique"], []])[1].append(row["Column_name"])
    fk_columns = {fk[1] for fk in live_fks} | {fk[1] for fk in declared_fks}
    fk_columns |= {(name,) for name, (sql_type, *_rest) in declaration.columns.items() if sql_type == "binary(16)"}
    live_indexes = sorted((unique, tuple(cols)) for unique, cols in indexes.values()
                          if unique or tuple(cols) not in fk_columns)
    declared_indexes = sorted((unique, cols) for unique, cols in declaration.indexes
                              if unique or cols not in fk_columns)
    if live_indexes != declared_indexes:
        def show(items):
            return ", ".join(f"{'unique ' if u else ''}index({', '.join(c)})" for u, c in items) or "none"
        out.append(f"indexes: {show(live_indexes)} in the table, {show(declared_indexes)} in the definition")
    return out
