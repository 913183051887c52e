"""Table models in archives: read from the server's catalog on export, validated field by field
and turned into ``CREATE TABLE`` by the importer itself.

An archive is untrusted, so it never carries SQL. Each table travels as a structured model::

    {columns: [{name, type, values, nullable, default, on_update, auto_increment, comment,
                charset, collation}],
     primary_key: [column, ...],
     indexes: [{name, unique, columns: [[column, prefix length or None], ...]}],
     foreign_keys: [{name, columns, schema, table, referenced, on_update, on_delete}],
     comment, engine, charset, collation}

``type`` is a MySQL column type from an allow-list with range-checked parameters (``values``
holds the members of an ``enum``/``set``, bound as literals); ``default`` is None (no default),
``["null"]``, ``["string", text]`` (bound), ``["number", text]``, ``["bit", digits]`` or
``["expression", "current_timestamp(N)"]``. Names go through the one quoting function, strings
are bound parameters, and everything else must match a strict pattern, so no field can add SQL
of its own. Foreign keys may only point at tables earlier in the same archive (or at the table
itself), which is also the order in which the importer creates and fills them.
"""
import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from ..core.errors import ArchiveError, DataJointError
from ..schema.naming import is_system_schema
from ..core import catalog
from ..schema import ddl
from ..core.sql import quote_identifier

NAME_LIMIT = 64
_COMMENT_LIMIT = 2048
_BINARY = re.compile(r"^((tiny|medium|long)?blob|(var)?binary\(\d+\)|bit\(\d+\))\Z", re.ASCII)
# type pattern -> check of its parameters (None: no parameters)
# re.ASCII everywhere: \d must not accept other scripts' digits, which Python's int() would take
_TYPES = [
    (re.compile(r"(?:tiny|small|medium|big)?int(?:\((\d{1,3})\))?(?: unsigned)?(?: zerofill)?", re.ASCII),
     lambda w: w is None or 1 <= int(w) <= 255),
    (re.compile(r"decimal\((\d{1,2}),(\d{1,2})\)(?: unsigned)?(?: zerofill)?", re.ASCII),
     lambda p, s: 1 <= int(p) <= 65 and int(s) <= min(38, int(p))),
    (re.compile(r"(?:float|double)(?:\((\d{1,3}),(\d{1,2})\))?(?: unsigned)?(?: zerofill)?", re.ASCII),
     lambda p, s: p is None or (1 <= int(p) <= 255 and int(s) <= min(30, int(p)))),
    (re.compile(r"(?:char|binary)\((\d{1,3})\)", re.ASCII), lambda n: int(n) <= 255),
    (re.compile(r"(?:varchar|varbinary)\((\d{1,5})\)", re.ASCII), lambda n: int(n) <= 65535),
    (re.compile(r"bit\((\d{1,2})\)", re.ASCII), lambda n: 1 <= int(n) <= 64),
    (re.compile(r"(?:tiny|medium|long)?(?:blob|text)|date|json|uuid|inet4|inet6|year(?:\(4\))?", re.ASCII), None),
    (re.compile(r"(?:time|datetime|timestamp)(?:\(([0-6])\))?", re.ASCII), lambda n: True),
    (re.compile(r"enum|set", re.ASCII), None),
]
_EXPRESSION = re.compile(r"^current_timestamp(\([0-6]?\))?\Z", re.ASCII)
_NUMBER = re.compile(r"^[-+]?(\d{1,80}(\.\d{0,80})?|\.\d{1,80})([eE][-+]?\d{1,3})?\Z", re.ASCII)
_CHARSET = re.compile(r"^[a-z0-9_]{1,64}\Z", re.ASCII)
_RULES = ddl.REFERENTIAL_ACTIONS
ENGINES = ("InnoDB", "MyISAM", "Aria")


@dataclass
class Column:
    name: str
    type: str
    values: Optional[List[str]] = None
    nullable: bool = True
    default: Optional[tuple] = None
    on_update: Optional[str] = None
    auto_increment: bool = False
    comment: str = ""
    charset: Optional[str] = None
    collation: Optional[str] = None

    @property
    def binary(self):
        """Stored bytes travel as bytes; every other value as the server's text for it."""
        return bool(_BINARY.match(self.type))


@dataclass
class Index:
    name: str
    unique: bool
    columns: List[Tuple[str, Optional[int]]]


@dataclass
class ForeignKey:
    name: str
    columns: List[str]
    schema: str
    table: str
    referenced: List[str]
    on_update: str = "RESTRICT"
    on_delete: str = "RESTRICT"

    @property
    def parent(self):
        return self.schema, self.table


@dataclass
class TableModel:
    schema: str
    table: str
    columns: List[Column]
    primary_key: List[str] = field(default_factory=list)
    indexes: List[Index] = field(default_factory=list)
    foreign_keys: List[ForeignKey] = field(default_factory=list)
    comment: str = ""
    engine: str = "InnoDB"
    charset: Optional[str] = None
    collation: Optional[str] = None

    @property
    def label(self):
        return f"{self.schema}.{self.table}"

    @property
    def column_names(self):
        return [c.name for c in self.columns]

    @property
    def self_referencing(self):
        """Decided from the model's own foreign keys, never from a flag in the archive."""
        return any(fk.parent == (self.schema, self.table) for fk in self.foreign_keys)

    def to_record(self):
        """The plain-data form written into the archive."""
        return dict(
            columns=[dict(name=c.name, type=c.type, values=c.values, nullable=c.nullable,
                          default=list(c.default) if c.default else None, on_update=c.on_update,
                          auto_increment=c.auto_increment, comment=c.comment, charset=c.charset,
                          collation=c.collation) for c in self.columns],
            primary_key=list(self.primary_key),
            indexes=[dict(name=i.name, unique=i.unique, columns=[[n, p] for n, p in i.columns])
                     for i in self.indexes],
            foreign_keys=[dict(name=f.name, columns=f.columns, schema=f.schema, table=f.table,
                               referenced=f.referenced, on_update=f.on_update, on_delete=f.on_delete)
                          for f in self.foreign_keys],
            comment=self.comment, engine=self.engine, charset=self.charset, collation=self.collation)


# ------------------------------------------------------------------------------ validation
class _Checker:
    """Field-by-field validation that names the table and the field in every refusal."""

    def __init__(self, where):
        self.where = where

    def fail(self, what):
        raise ArchiveError(f"Refusing the table model {self.where}: {what}. The archive is corrupt or was "
                           "crafted; nothing of it is imported")

    def fields(self, value, label, required, optional=()):
        if not isinstance(value, dict):
            self.fail(f"{label} must be a map")
        unknown = set(value) - set(required) - set(optional)
        if unknown:
            self.fail(f"{label} has unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        missing = set(required) - set(value)
        if missing:
            self.fail(f"{label} lacks field(s) {', '.join(sorted(missing))}")
        return value

    def name(self, value, label):
        if not isinstance(value, str) or not value or len(value) > NAME_LIMIT or "\x00" in value \
                or value != value.rstrip(" "):
            self.fail(f"{label} {value!r} is not a valid name (1 to {NAME_LIMIT} characters, no NUL, "
                      "no trailing space)")
        return value

    def text(self, value, label, limit=_COMMENT_LIMIT):
        if not isinstance(value, str) or len(value) > limit:
            self.fail(f"{label} must be text of at most {limit} characters")
        return value

    def flag(self, value, label):
        if not isinstance(value, bool):
            self.fail(f"{label} must be true or false")
        return value

    def names(self, value, label, known=None, allow_empty=False):
        if not isinstance(value, list) or (not value and not allow_empty) or len(value) > 4096:
            self.fail(f"{label} must be a list of column names")
        result = [self.name(v, label) for v in value]
        if len({v.lower() for v in result}) != len(result):
            self.fail(f"{label} names a column twice")
        if known is not None:
            missing = [v for v in result if v.lower() not in known]
            if missing:
                self.fail(f"{label} names unknown column(s) {', '.join(missing)}")
        return result

    def charset(self, value, label):
        if value is not None and (not isinstance(value, str) or not _CHARSET.match(value)):
            self.fail(f"{label} {value!r} is not a character set or collation name")
        return value


def _column_type(check, value, label):
    if not isinstance(value, str):
        check.fail(f"{label} must be a type name")
    for pattern, valid in _TYPES:
        match = pattern.fullmatch(value)
        if match:
            if valid is not None and not valid(*match.groups()):
                check.fail(f"{label} {value!r} has parameters out of range")
            return value
    check.fail(f"{label} {value!r} is not an allowed MySQL column type")


def _default(check, value, label):
    if value is None:
        return None
    if not isinstance(value, list) or not value or not isinstance(value[0], str):
        check.fail(f"{label} must be null or [kind, value]")
    kind, rest = value[0], value[1:]
    if kind == "null" and not rest:
        return ("null",)
    if len(rest) != 1 or not isinstance(rest[0], str):
        check.fail(f"{label} must be [kind, text]")
    text = rest[0]
    if kind == "string":
        return ("string", check.text(text, label, limit=65535))
    if kind == "number" and _NUMBER.match(text):
        return ("number", text)
    if kind == "bit" and re.fullmatch(r"[01]{1,64}", text):
        return ("bit", text)
    if kind == "expression" and _EXPRESSION.match(text):
        return ("expression", text)
    check.fail(f"{label} {value!r} is not an allowed default (NULL, a literal, or CURRENT_TIMESTAMP)")


def _column(check, value, index):
    label = f"column {index + 1}"
    value = check.fields(value, label, ("name", "type", "nullable"),
                         ("values", "default", "on_update", "auto_increment", "comment", "charset", "collation"))
    name = check.name(value["name"], f"{label} name")
    label = f"column {name!r}"
    column = Column(name=name, type=_column_type(check, value["type"], f"{label} type"),
                    nullable=check.flag(value["nullable"], f"{label} nullable"),
                    auto_increment=check.flag(value.get("auto_increment", False), f"{label} auto_increment"),
                    comment=check.text(value.get("comment", ""), f"{label} comment"),
                    charset=check.charset(value.get("charset"), f"{label} charset"),
                    collation=check.charset(value.get("collation"), f"{label} collation"))
    values = value.get("values")
    if column.type in ("enum", "set"):
        if not isinstance(values, list) or not values or len(values) > (64 if column.type == "set" else 65535) \
                or not all(isinstance(v, str) and len(v) <= 255 for v in values):
            check.fail(f"{label} of type {column.type} needs its member values (strings of at most 255 characters)")
        column.values = list(values)
    elif values is not None:
        check.fail(f"{label} has member values but is not an enum or set")
    column.default = _default(check, value.get("default"), f"{label} default")
    on_update = value.get("on_update")
    if on_update is not None and not (isinstance(on_update, str) and _EXPRESSION.match(on_update)):
        check.fail(f"{label} on_update {on_update!r} is not CURRENT_TIMESTAMP")
    column.on_update = on_update
    return column


def _rule(check, value, label):
    if value not in _RULES:
        check.fail(f"{label} {value!r} is not one of {', '.join(_RULES)}")
    return value


def validate_table(record, header_schemas, known, where):
    """A TableModel from a table record, or ArchiveError naming the table and the offending field.

    `known` maps (schema, table) to the models of earlier tables: a foreign key must point at
    one of them (or at the table itself), never outside the archive.
    """
    check = _Checker(where)
    check.fields(record, "the table record", ("kind", "schema", "table", "model", "sha256"))
    schema, table = check.name(record["schema"], "schema"), check.name(record["table"], "table")
    if schema not in header_schemas:
        check.fail(f"table {table!r} belongs to schema {schema!r}, which the archive header does not list")
    check.where = f"of table {schema}.{table} {where}"
    model = check.fields(record["model"], "the model", ("columns", "primary_key"),
                         ("indexes", "foreign_keys", "comment", "engine", "charset", "collation"))
    if not isinstance(model["columns"], list) or not model["columns"] or len(model["columns"]) > 4096:
        check.fail("columns must be a non-empty list")
    columns = [_column(check, c, i) for i, c in enumerate(model["columns"])]
    lower = {c.name.lower(): c for c in columns}
    if len(lower) != len(columns):
        check.fail("two columns have the same name")
    result = TableModel(schema=schema, table=table, columns=columns,
                        primary_key=check.names(model["primary_key"], "primary_key", lower, allow_empty=True),
                        comment=check.text(model.get("comment", ""), "table comment"),
                        charset=check.charset(model.get("charset"), "table charset"),
                        collation=check.charset(model.get("collation"), "table collation"))
    engine = model.get("engine", "InnoDB")
    if engine not in ENGINES:
        check.fail(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
    result.engine = engine
    indexes = model.get("indexes", [])
    if not isinstance(indexes, list) or len(indexes) > 64:
        check.fail("indexes must be a list of at most 64 indexes")
    for i, index in enumerate(indexes):
        index = check.fields(index, f"index {i + 1}", ("name", "unique", "columns"))
        name = check.name(index["name"], f"index {i + 1} name")
        if name.upper() == "PRIMARY" or not isinstance(index["columns"], list) or not index["columns"]:
            check.fail(f"index {name!r} must be named other than PRIMARY and list its columns")
        parts = []
        for part in index["columns"]:
            if not (isinstance(part, list) and len(part) == 2 and (part[1] is None or (
                    isinstance(part[1], int) and not isinstance(part[1], bool) and 1 <= part[1] <= 3072))):
                check.fail(f"index {name!r} columns must be [column, prefix length or null]")
            parts.append((part[0], part[1]))
        check.names([p[0] for p in parts], f"index {name!r}", lower)
        result.indexes.append(Index(name=name, unique=check.flag(index["unique"], f"index {name!r} unique"),
                                    columns=parts))
    fks = model.get("foreign_keys", [])
    if not isinstance(fks, list) or len(fks) > 64:
        check.fail("foreign_keys must be a list of at most 64 foreign keys")
    for i, fk in enumerate(fks):
        fk = check.fields(fk, f"foreign key {i + 1}", ("name", "columns", "schema", "table", "referenced"),
                          ("on_update", "on_delete"))
        label = f"foreign key {check.name(fk['name'], f'foreign key {i + 1} name')!r}"
        parent = (check.name(fk["schema"], f"{label} schema"), check.name(fk["table"], f"{label} table"))
        if parent == (schema, table):
            parent_columns = lower
        elif parent in known:
            parent_columns = {c.name.lower(): c for c in known[parent].columns}
        else:
            check.fail(f"{label} references {parent[0]}.{parent[1]}, which is not a table earlier in the archive "
                       "(an archive may only reference its own tables, parents before children)")
        key = ForeignKey(name=fk["name"], columns=check.names(fk["columns"], f"{label} columns", lower),
                         schema=parent[0], table=parent[1],
                         referenced=check.names(fk["referenced"], f"{label} referenced columns", parent_columns),
                         on_update=_rule(check, fk.get("on_update", "RESTRICT"), f"{label} on_update"),
                         on_delete=_rule(check, fk.get("on_delete", "RESTRICT"), f"{label} on_delete"))
        if len(key.columns) != len(key.referenced):
            check.fail(f"{label} has {len(key.columns)} columns but references {len(key.referenced)}")
        result.foreign_keys.append(key)
    return result


class ArchiveCatalog:
    """The archive's header and the models of the tables read so far; checks each new table
    against both (its schema is listed, it comes in the announced order, its parents precede it)."""

    def __init__(self, header, name):
        self.name = name
        check = _Checker(f"in the header of {name}")
        schemas, tables, counts = header.get("schemas"), header.get("tables"), header.get("row_counts")
        if not isinstance(schemas, list) or not schemas or not isinstance(tables, list) \
                or not isinstance(counts, list) or len(counts) != len(tables) \
                or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts):
            raise ArchiveError(f"{name} has a malformed header: it is corrupt or was not written by "
                               "datajoint-interop")
        self.schemas = {}
        for info in schemas:
            check.fields(info, "a schema entry", ("name",), ("charset", "collation"))
            self.schemas[check.name(info["name"], "schema")] = (
                check.charset(info.get("charset"), "schema charset"),
                check.charset(info.get("collation"), "schema collation"))
        if len(self.schemas) != len(schemas):
            raise ArchiveError(f"{name} has a malformed header: a schema is listed twice")
        if not all(isinstance(t, str) for t in tables) or len(set(tables)) != len(tables):
            raise ArchiveError(f"{name} has a malformed header: table names must be text, each listed once")
        self.announced = list(tables)
        self.counts = list(counts)
        self.models = {}
        self.constraints = {}  # schema -> foreign-key names used so far

    def add(self, record, where):
        model = validate_table(record, self.schemas, self.models, where)
        position = len(self.models)
        if position >= len(self.announced) or self.announced[position] != model.label:
            raise ArchiveError(f"Table {model.label} {where} is not the table the header announces at position "
                               f"{position + 1}: the archive is corrupt")
        used = self.constraints.setdefault(model.schema, set())
        for key in model.foreign_keys:
            if key.name in used:
                raise ArchiveError(f"Table {model.label} {where} names its foreign key {key.name!r} like an earlier "
                                   f"table of schema {model.schema!r}; the server needs constraint names unique in a "
                                   "schema: the archive is corrupt or was crafted")
            used.add(key.name)
        self.models[(model.schema, model.table)] = model
        return model

    def check_count(self, model, rows, where):
        """The header announced each table's row count; the rows found must agree."""
        announced = self.counts[self.announced.index(model.label)]
        if announced != rows:
            raise ArchiveError(f"Table {model.label} holds {rows} rows but the header announces {announced} "
                               f"(end of table {where}): the archive is corrupt")

    def finish(self, where):
        if len(self.models) != len(self.announced):
            raise ArchiveError(f"The trailer {where} comes after {len(self.models)} tables, but the header "
                               f"announces {len(self.announced)}: the archive is corrupt")


def check_target_schema(name, what="target schema"):
    """Refuse names the server owns or cannot hold, before any statement is sent."""
    if not isinstance(name, str) or not name or len(name) > NAME_LIMIT or name != name.strip() \
            or any(c in name for c in "`\x00/\\"):
        raise DataJointError(f"Invalid {what} {name!r}: a schema name has 1 to {NAME_LIMIT} characters and "
                             "no backquote, NUL, slash, backslash or surrounding spaces")
    if is_system_schema(name):
        raise DataJointError(f"Refusing to import into the system schema {name!r}: it belongs to the server "
                             "(accounts, privileges, catalog). Choose another name with --rename OLD=NEW.")
    return name


# ------------------------------------------------------------------------------ export side
_GENERATED = re.compile(r"\b(VIRTUAL|PERSISTENT|STORED|INVISIBLE)\b", re.I)
_ON_UPDATE = re.compile(r"^on update (current_timestamp(\([0-6]?\))?)$", re.I)


class _Unsupported(ArchiveError):
    pass


def _refuse(schema, table, what):
    raise _Unsupported(f"Cannot export {schema}.{table}: {what}. An archive carries no SQL expressions, "
                       "only columns, keys, indexes and foreign keys (see docs/sharing.md)")


def _unquote_literal(text):
    """The value of a MariaDB quoted string as information_schema shows a default: 'it''s \\\\'."""
    body, out, i = text[1:-1], [], 0
    escapes = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
    while i < len(body):
        char = body[i]
        if char == "'" and body[i + 1:i + 2] == "'":
            out.append("'")
            i += 2
        elif char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append(escapes.get(nxt, "\\" + nxt if nxt in "%_" else nxt))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _export_default(schema, table, name, default, nullable):
    """information_schema's COLUMN_DEFAULT (MariaDB form) as a model default."""
    if default is None:
        return None
    if default.upper() == "NULL":
        return ("null",) if nullable else None
    if len(default) >= 2 and default[0] == default[-1] == "'":
        return ("string", _unquote_literal(default))
    if _NUMBER.match(default):
        return ("number", default)
    bits = re.fullmatch(r"b'([01]{1,64})'", default)
    if bits:
        return ("bit", bits.group(1))
    if _EXPRESSION.match(default.lower()):
        return ("expression", default.lower())
    _refuse(schema, table, f"column {name!r} has the default {default!r}; only NULL, literals and "
                           "CURRENT_TIMESTAMP can be archived")


def _json_columns(connection, schema, table):
    """Columns that are MariaDB's JSON (longtext + json_valid check); any other CHECK is refused."""
    try:
        rows = catalog.check_constraints(connection, schema, table)
    except DataJointError:
        return set()  # MySQL: no LEVEL column, and JSON is a type of its own there
    json = set()
    for name, level, clause in rows:
        if level == "Column" and clause == f"json_valid({quote_identifier(name)})":
            json.add(name)
        else:
            _refuse(schema, table, f"it has the CHECK constraint {name!r}")
    return json


def _export_column(schema, table, row, json):
    name, column_type, nullable, default, comment, extra, charset, collation = row
    extra = (extra or "").strip()
    if _GENERATED.search(extra):
        _refuse(schema, table, f"column {name!r} is generated or invisible ({extra})")
    column = Column(name=name, type=column_type, nullable=nullable == "YES", comment=comment or "",
                    charset=charset, collation=collation)
    for part in filter(None, (p.strip() for p in re.split(r"\bauto_increment\b|\bDEFAULT_GENERATED\b", extra,
                                                           flags=re.I))):
        match = _ON_UPDATE.match(part)
        if not match:
            _refuse(schema, table, f"column {name!r} has the attribute {part!r}")
        column.on_update = match.group(1).lower()
    column.auto_increment = "auto_increment" in extra.lower()
    if name in json:
        column.type, column.charset, column.collation = "json", None, None
    enum = re.fullmatch(r"(enum|set)\((.*)\)", column_type, re.S)
    if enum:
        column.type = enum.group(1)
        column.values = [_unquote_literal(v) for v in re.findall(r"'(?:[^']|'')*'", enum.group(2))]
    column.default = _export_default(schema, table, name, default, column.nullable)
    check = _Checker(f"of {schema}.{table}")
    try:
        _column_type(check, column.type, f"column {name!r} type")
    except ArchiveError:
        _refuse(schema, table, f"column {name!r} has the type {column_type!r}, which archives do not carry")
    return column


def model_from_server(connection, schema, table):
    """The TableModel of an existing table, from information_schema and SHOW INDEX. Raises
    ArchiveError for what a model cannot express (generated columns, CHECK constraints other than
    JSON's, functional or full-text indexes, partitions, other engines)."""
    rows = catalog.column_models(connection, schema, table)
    json = _json_columns(connection, schema, table)
    engine, collation, options, comment, charset = catalog.table_options(connection, schema, table)
    if engine not in ENGINES:
        _refuse(schema, table, f"its engine is {engine}")
    if "partitioned" in (options or "").lower():
        _refuse(schema, table, "it is partitioned")
    model = TableModel(schema=schema, table=table, columns=[_export_column(schema, table, r, json) for r in rows],
                       comment=comment or "", engine=engine, charset=charset, collation=collation)
    indexes = {}
    for row in catalog.index_rows(connection, schema, table):
        if row["Index_type"] != "BTREE" or row["Column_name"] is None:
            _refuse(schema, table, f"index {row['Key_name']!r} is a {row['Index_type']} or functional index")
        if row["Key_name"] == "PRIMARY":
            model.primary_key.append(row["Column_name"])
            continue
        index = indexes.setdefault(row["Key_name"], Index(row["Key_name"], not row["Non_unique"], []))
        index.columns.append((row["Column_name"], row["Sub_part"]))
    model.indexes = list(indexes.values())
    rules = catalog.referential_rules(connection, schema, table)
    fks = {}
    for name, column, ref_schema, ref_table, ref_column in catalog.foreign_key_columns(connection, schema, table):
        update, delete = rules.get(name, ("RESTRICT", "RESTRICT"))
        fk = fks.setdefault(name, ForeignKey(name, [], ref_schema, ref_table, [], update, delete))
        fk.columns.append(column)
        fk.referenced.append(ref_column)
    model.foreign_keys = sorted(fks.values(), key=lambda fk: _natural(fk.name))
    return model


def _natural(name):
    """`t_ibfk_2` before `t_ibfk_10`, as the server lists them."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
