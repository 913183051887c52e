"""Table model -> ``CREATE TABLE`` in the exact form DataJoint for Python 0.14 emits.

Both languages go through here, so a table declared from a MATLAB classdef file and the same table
declared from a Python class are byte-identical (schema-conventions §10): columns in line order with
foreign-key columns at their ``->`` line, then the primary key, the foreign keys, and the indexes,
joined by ``,\\n``, unnamed constraints, ``ENGINE=InnoDB, COMMENT "..."``.

Where 0.14 has bugs we deliberately differ (comments copied from a parent are escaped again, a
comment may contain backslashes or quotes, ``index_count`` is an attribute); types and defaults
are checked strictly so that no definition text can smuggle extra SQL into the statement.
"""
import hashlib
import re
from dataclasses import dataclass, field
from typing import List

from .definition import AttributeDef, ForeignKeyDef, IndexDef, TableModel, PYTHON, parse_definition
from ..core.errors import DataJointError, DefinitionError
from ..core.settings import config
from ..codec.adapter import get_adapter
from ..core import catalog
from . import ddl
from ..core.sql import full_table_name as full_name, quote_string, split_full_table_name

_Q1 = r"'(?:[^'\\]|\\.|'')*'"
_Q2 = r'"(?:[^"\\]|\\.|"")*"'
_SIZE = r"(\s*\(\s*\d+\s*(,\s*\d+\s*)?\))?"
_STORE = r"(?P<store>(?-i:[a-z][-\w]*))"

# category -> full-match pattern (case-insensitive)
TYPE_PATTERNS = {
    "integer": r"(tiny|small|medium|big)?int(eger)?(\s*\(\s*\d+\s*\))?(\s+unsigned)?(\s+zerofill)?(\s+auto_increment)?",
    "serial": r"serial",
    "bool": r"bool(ean)?",
    "decimal": rf"(decimal|numeric){_SIZE}(\s+unsigned)?",
    "float": rf"(float|double|real){_SIZE}(\s+unsigned)?",
    "string": r"(var)?char\s*\(\s*\d+\s*\)",
    "enum": rf"enum\s*\(\s*({_Q1}|{_Q2})(\s*,\s*({_Q1}|{_Q2}))*\s*\)",
    "temporal": r"(date|datetime|time|timestamp|year)(\s*\(\s*\d+\s*\))?",
    "json": r"json",
    "blob": r"(tiny|medium|long)?blob",
    "external_blob": rf"blob@{_STORE}",
    "attach": r"attach",
    "external_attach": rf"attach@{_STORE}",
    "filepath": rf"filepath@{_STORE}",
    "uuid": r"uuid",
    "adapted": r"<[A-Za-z_]\w*>",
}
_COMPILED = {category: re.compile(pattern, re.I) for category, pattern in TYPE_PATTERNS.items()}
SPECIAL = {"external_blob", "attach", "external_attach", "filepath", "uuid", "adapted"}
_NULL_DEFAULT_ONLY = {"blob", "json", "external_blob", "attach", "external_attach", "filepath", "uuid"}
_UNQUOTED_DEFAULTS = re.compile(r"^(null|current_timestamp(\s*\(\s*\d*\s*\))?)$", re.I)
_INT_WIDTH = re.compile(r"^((tiny|small|medium|big)?int)\(\d+\)", re.I)


def type_category(type_text):
    """Return (category, store or None) of a DataJoint type, or raise DefinitionError."""
    for category, pattern in _COMPILED.items():
        match = pattern.fullmatch(type_text)
        if match:
            store = match.groupdict().get("store")
            return category, store
    raise DefinitionError(f"Unsupported attribute type {type_text!r}")


@dataclass
class Column:
    """A column of an existing table as needed to copy it through a foreign key."""

    name: str
    sql_type: str  # as the server reports it, integer display width removed
    comment: str = ""  # full SQL comment, including any ``:type:`` marker

    def sql(self, name=None, nullable=False):
        return ddl.column(name or self.name, self.sql_type, "" if nullable else ddl.not_null(), self.comment)


@dataclass
class ParentInfo:
    full_table_name: str
    primary_key: List[Column] = field(default_factory=list)
    renames: dict = field(default_factory=dict)  # new -> parent name, when the reference is a projection


@dataclass
class Declaration:
    """Result of compiling a model: the statement plus what callers need to know about it."""

    sql: str
    external_stores: List[str]
    attributes: List[str]  # names in order
    primary_key: List[str]
    columns: dict  # name -> (sql_type, nullable, comment, default text or None) as declared
    parents: List[str]  # full table names referenced, in line order
    comment: str = ""  # table comment
    foreign_keys: list = field(default_factory=list)  # (parent, child columns, parent columns)
    indexes: list = field(default_factory=list)  # (unique, columns), unique-FK indexes included
    column_sql: dict = field(default_factory=dict)  # name -> the column's clause in CREATE TABLE


def split_full_name(name):
    """'`db`.`tbl`' or 'db.tbl' -> ('db', 'tbl')."""
    return split_full_table_name(name)


def parent_info_from_database(connection, full_table_name):
    """Primary-key columns of a live table, in key order, as a foreign key copies them."""
    database, table = split_full_name(full_table_name)
    columns = catalog.column_types(connection, database, table)
    if not columns:
        raise DefinitionError(f"Referenced table {full_name(database, table)} does not exist")
    key = catalog.key_columns_in_order(connection, database, table)
    primary_key = [Column(name, _INT_WIDTH.sub(r"\1", columns[name][1]), columns[name][2] or "") for name in key]
    return ParentInfo(full_name(database, table), primary_key)


def parent_info(obj, line=""):
    """Turn a resolved reference into a ParentInfo.

    Accepted: a ParentInfo, a table class or instance (unrestricted), or a projection of one
    (``renamed = Parent.proj(new='old')`` in the context), whose renames the foreign key takes over.
    """
    if isinstance(obj, ParentInfo):
        return obj
    if getattr(obj, "_restriction", None) or getattr(obj, "_left", None):
        raise DefinitionError(f"The reference in {line!r} is restricted or joined: reference the table itself")
    database = getattr(obj, "database", None)
    table_name = getattr(obj, "table_name", None)
    connection = getattr(obj, "connection", None)
    if isinstance(database, str) and isinstance(table_name, str) and connection is not None:
        return parent_info_from_database(connection, full_name(database, table_name))
    support = getattr(obj, "support", None) if not isinstance(obj, type) else None
    if isinstance(support, list) and len(support) == 1 and isinstance(support[0], str) and connection is not None:
        info = parent_info_from_database(connection, support[0])
        key = {column.name for column in info.primary_key}
        for attr in obj.heading.attributes.values():
            old = getattr(attr, "original_name", None) or attr.name
            if attr.in_key and old != attr.name and old in key:
                info.renames[attr.name] = old
        return info
    name = getattr(obj, "__name__", type(obj).__name__)
    raise DefinitionError(f"{name} in {line!r} is not a table declared in a schema")


def resolve_in_context(ref, context, line=""):
    """Find the Python object named by ``ref`` ('Parent', 'module.Parent', 'master') in ``context``."""
    head, *rest = ref.split(".")
    if context is None or head not in context:
        raise DefinitionError(f"Foreign key reference {ref!r} in {line!r}: {head!r} is not defined in the "
                              "declaring context")
    obj = context[head]
    for part in rest:
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise DefinitionError(f"Foreign key reference {ref!r} in {line!r}: no attribute {part!r}") from None
    return obj


def declare(full_table_name, definition, context=None, *, language=PYTHON, resolver=None):
    """Compile a definition into ``(sql, external_stores)`` (the signature of 0.14's declare).

    ``definition`` is a definition string or a parsed TableModel. Python references are looked up in
    ``context``; ``resolver(ref_text)`` overrides that (MATLAB's ``pkg.Class`` references).
    """
    declaration = compile_definition(full_table_name, definition, context, language=language, resolver=resolver)
    return declaration.sql, declaration.external_stores


def compile_definition(full_table_name, definition, context=None, *, language=PYTHON, resolver=None,
                       label=None):
    """Compile a definition (text or parsed model); `label` (a class name) prefixes FK errors."""
    model = definition if isinstance(definition, TableModel) else parse_definition(definition, language)
    where = f"{label}, line" if label else "line"

    def resolve(fk):
        try:
            target = resolver(fk.ref) if resolver else resolve_in_context(fk.ref, context, fk.line)
            return parent_info(target, fk.line)
        except DefinitionError as error:
            raise DefinitionError(f"{where} {fk.line_no}: {error}") from None

    return compile_model(full_table_name, model, resolve, lambda name: get_adapter(context, name))


def _fk_mapping(fk, parent, present, table):
    """Return [(child_name, parent_name)] in parent key order for one ``->`` line."""
    key = [column.name for column in parent.primary_key]
    where = f"line {fk.line_no} {fk.line!r} of {table}"
    if parent.renames and (fk.renames or fk.new_names):
        raise DefinitionError(f"{where}: the referenced projection already renames attributes; rename only once")
    if parent.renames:
        renames = dict(parent.renames)
    elif fk.renames:
        renames = dict(fk.renames)
    elif fk.new_names and fk.old_names:
        renames = dict(zip(fk.new_names, fk.old_names))
    elif fk.new_names:
        if len(fk.new_names) != 1:
            raise DefinitionError(f"{where}: name the referenced attributes, e.g. (a, b) -> pkg.Parent(x, y)")
        missing = [name for name in key if name not in present]
        if len(key) == 1:
            renames = {fk.new_names[0]: key[0]}
        elif len(missing) == 1:
            renames = {fk.new_names[0]: missing[0]}
        else:
            raise DefinitionError(f"{where}: ambiguous rename; the parent key is ({', '.join(key)}): "
                                  "name the referenced attribute, e.g. (new) -> pkg.Parent(old)")
    else:
        renames = {}
    for new, old in renames.items():
        if old not in key:
            raise DefinitionError(f"{where}: {old!r} is not a primary-key attribute of {parent.full_table_name} "
                                  f"(its key is {', '.join(key)})")
    if len(set(renames.values())) != len(renames):
        raise DefinitionError(f"{where}: a parent attribute is renamed twice")
    inverse = {old: new for new, old in renames.items()}
    return [(inverse.get(name, name), name) for name in key]


def hidden_timestamp_sql(table):
    """The hidden column 0.14 adds to every table it declares with ``config['add_hidden_timestamp']``:
    ``_<sha1 of db.table>_timestamp`` (hidden because it starts with ``_``), the time each row was
    inserted, kept by the server."""
    digest = hashlib.sha1(table.replace("`", "").encode("utf-8")).hexdigest()
    return ddl.column(f"_{digest}_timestamp", "timestamp", ddl.not_null("CURRENT_TIMESTAMP"))


def compile_model(full_table_name, model, resolve, adapter_of=None):
    """Compile a TableModel; ``resolve(fk)`` returns the ParentInfo a ForeignKeyDef refers to and
    ``adapter_of("<name>")`` the AttributeAdapter of an adapted attribute."""
    database, _ = split_full_name(full_table_name)
    table = full_name(*split_full_name(full_table_name))
    attribute_sql, primary_key, fk_sql, index_sql, stores = [], [], [], [], []
    columns, origin, parents, foreign_keys, indexes, column_sql = {}, {}, [], [], [], {}
    fk_indexes = []  # (line_no, sql) so unique-FK indexes and index lines interleave by line
    for item in model.items:
        if isinstance(item, ForeignKeyDef):
            parent = resolve(item)
            parents.append(parent.full_table_name)
            mapping = _fk_mapping(item, parent, columns, table)
            by_name = {column.name: column for column in parent.primary_key}
            for child, parent_name in mapping:
                if child in columns:
                    continue
                column = by_name[parent_name]
                attribute_sql.append(column.sql(child, nullable=item.nullable))
                column_sql[child] = attribute_sql[-1]
                columns[child] = (column.sql_type, item.nullable, column.comment, None)
                origin[child] = item.line_no
                if item.in_key:
                    primary_key.append(child)
            foreign_keys.append((parent.full_table_name, tuple(c for c, _ in mapping), tuple(p for _, p in mapping)))
            if item.unique:
                indexes.append((True, tuple(c for c, _ in mapping)))
            fk_sql.append(ddl.foreign_key([c for c, _ in mapping], parent.full_table_name, [p for _, p in mapping]))
            if item.unique:
                fk_indexes.append((item.line_no, ddl.index([c for c, _ in mapping], unique=True, upper=True)))
        else:
            if item.name in columns:
                raise DefinitionError(f"line {item.line_no} {item.line!r} of {table}: attribute {item.name!r} "
                                      f"is already added by the foreign key on line {origin[item.name]}")
            sql, store, column = _compile_attribute(item, table, database, adapter_of)
            if type_category(item.type)[0] == "serial":  # SERIAL implies a unique index of its own
                indexes.append((True, (item.name,)))
            attribute_sql.append(sql)
            column_sql[item.name] = sql
            columns[item.name] = column
            origin[item.name] = item.line_no
            if store:
                if store not in stores:
                    stores.append(store)
                fk_sql.append(ddl.external_reference(item.name, full_name(database, '~external_' + store)))
            if item.in_key:
                primary_key.append(item.name)
    if not primary_key:
        raise DefinitionError(f"Table {table} has no primary key: declare at least one attribute or foreign "
                              "key above the divider (---)")
    for index in model.indexes:
        for name in index.attributes:
            if name not in columns:
                raise DefinitionError(f"line {index.line_no} {index.line!r} of {table}: index attribute "
                                      f"{name!r} is not an attribute of the table")
        indexes.append((index.unique, tuple(index.attributes)))
        fk_indexes.append((index.line_no, ddl.index(index.attributes, index.unique)))
    index_sql = [sql for _, sql in sorted(fk_indexes, key=lambda pair: pair[0])]
    if config.get("add_hidden_timestamp", False):
        attribute_sql = attribute_sql + [hidden_timestamp_sql(table)]
    clauses = attribute_sql + [ddl.primary_key(primary_key)] + fk_sql + index_sql
    sql = ddl.create_table(table, clauses, model.comment)
    return Declaration(sql=sql, external_stores=stores, attributes=list(columns), primary_key=primary_key,
                       columns=columns, parents=parents, comment=model.comment, foreign_keys=foreign_keys,
                       indexes=indexes, column_sql=column_sql)


_RENAMED_FROM = re.compile(r"^\{\s*(\w+)\s*\}")


def alter_clauses(new, old):
    """The clauses of ``ALTER TABLE`` that turn declaration ``old`` into ``new`` (0.14's ``alter``).

    Only secondary attributes (added, dropped, changed, moved, or renamed by a comment starting
    with ``{old_name}``, as in 0.14) and the table comment can change; a different primary key,
    foreign key or index raises NotImplementedError as in 0.14.
    """
    if new.primary_key != old.primary_key:
        raise NotImplementedError("table.alter cannot alter the primary key (yet).")
    if sorted(new.foreign_keys) != sorted(old.foreign_keys):
        raise NotImplementedError("table.alter cannot alter foreign keys (yet).")
    if sorted(new.indexes) != sorted(old.indexes):
        raise NotImplementedError("table.alter cannot alter indexes (yet)")
    source = _alter_sources(new, old)
    clauses = [ddl.drop_column(name) for name in old.attributes if name not in source.values()]
    kept = [name for name in old.attributes if name in source.values()]
    previous = None  # (new name, old name) of the attribute before
    for name in new.attributes:
        was = source.get(name)
        if name not in new.primary_key:
            moved = previous is not None and was is not None and (
                kept.index(was) == 0 or kept[kept.index(was) - 1] != (previous[1] or previous[0]))
            after = ddl.position(previous[0] if previous else None)
            if was is None:
                clauses.append(ddl.add_column(new.column_sql[name], after))
            elif was != name:
                clauses.append(ddl.change_column(was, new.column_sql[name], after if moved else ""))
            elif moved or new.column_sql[name] != old.column_sql[name]:
                clauses.append(ddl.modify_column(new.column_sql[name], after if moved else ""))
        previous = (name, was)
    if new.comment != old.comment:
        clauses.append(ddl.table_comment(new.comment))
    return clauses


def _alter_sources(new, old):
    """{new attribute: the old attribute it continues} (renames from ``{old_name}`` comments)."""
    renames = {}
    for name in new.attributes:
        match = _RENAMED_FROM.match(new.columns[name][2] or "")
        if match and name not in new.primary_key:
            if match.group(1) in renames.values():
                raise DefinitionError(f"Alter attempted to rename attribute {{{match.group(1)}}} twice.")
            renames[name] = match.group(1)
    for was in renames.values():
        if was not in old.column_sql:
            raise DefinitionError(f"Attribute {was} does not exist in the original definition")
    return {name: renames.get(name, name) for name in new.attributes
            if name in renames or name in old.column_sql}


def _compile_attribute(attr: AttributeDef, table, database, adapter_of=None):
    """(column clause, store or None, (sql_type, nullable, comment, default)) of one attribute.

    An adapted attribute (``<name>``) is stored as its adapter's type, with ``:<name>:`` as the
    comment marker (0.14's layout); ``adapter_of(type)`` finds the adapter in the declaring context.
    """
    where = f"line {attr.line_no} {attr.line!r} of {table}"
    try:
        category, store = type_category(attr.type)
    except DefinitionError as error:
        raise DefinitionError(f"{where}: {error}") from None
    sql_type, comment = attr.type, attr.comment
    if category == "adapted":
        category, store, sql_type = _adapted_storage(attr, where, adapter_of)
        comment = f":{attr.type}:{comment}"
    elif category in SPECIAL:
        marker = attr.type.lower()
        comment = f":{marker}:{comment}"
        sql_type = "LONGBLOB" if category == "attach" else "binary(16)"
    if attr.default is None:
        default = ddl.not_null()
    elif attr.nullable:
        default = ddl.DEFAULT_NULL
    else:
        if category in _NULL_DEFAULT_ONLY:
            raise DefinitionError(f"{where}: a {category.replace('_', ' ')} attribute can only default to null")
        default = ddl.not_null(_default_literal(attr.default, where))
    sql = ddl.column(attr.name, sql_type, default, comment or None)
    return sql, store, (sql_type, attr.nullable, comment, attr.default)


def _adapted_storage(attr, where, adapter_of):
    """(category, store, SQL type) of the type an adapted attribute is stored as."""
    if adapter_of is None:
        raise DefinitionError(f"{where}: attribute adapters ({attr.type}) need the declaring context")
    try:
        stored = adapter_of(attr.type).attribute_type
        category, store = type_category(stored)
    except DataJointError as error:
        raise DefinitionError(f"{where}: {error}") from None
    if category in SPECIAL:
        return category, store, "LONGBLOB" if category == "attach" else "binary(16)"
    return category, store, stored


def _default_literal(text, where):
    if _UNQUOTED_DEFAULTS.match(text):
        return text
    if text[0] in "\"'":
        if not re.fullmatch(_Q1 if text[0] == "'" else _Q2, text):
            raise DefinitionError(f"{where}: the default {text} must be one quoted string")
        return text
    return quote_string(text)


# --- the reverse: a live table as a TableModel --------------------------------------------------
foreign_key_columns = catalog.foreign_key_columns  # schemas' drift check reads it from here too


def model_from_database(connection, database, table):
    """Rebuild the TableModel of an existing table (any declarer) from information_schema.

    Foreign keys keep the parent's full table name as ``ref`` and list only the renamed columns in
    ``renames``; rendering them as class names is up to the caller (see ``format_definition``).
    Redeclaring the result gives the same table; an implicit foreign-key index is not an index line.
    """
    columns = catalog.column_definitions(connection, database, table)
    if not columns:
        raise DefinitionError(f"Table {full_name(database, table)} does not exist")
    # hidden columns ("_...", e.g. add_hidden_timestamp's) are no part of the definition, as in 0.14
    columns = [row for row in columns if not row[0].startswith("_")]
    key = catalog.primary_key(connection, database, table)
    comment = catalog.table_comment(connection, database, table) or ""
    fks = {}
    for name, column, ref_db, ref_table, ref_column in foreign_key_columns(connection, database, table):
        fk = fks.setdefault(name, dict(parent=full_name(ref_db, ref_table), pairs=[]))
        fk["pairs"].append((column, ref_column))
    fks = [fk for _, fk in sorted(fks.items(), key=lambda item: _natural(item[0]))]
    external = [[c for c, _ in fk["pairs"]] for fk in fks if split_full_name(fk["parent"])[1].startswith("~external_")]
    fks = [fk for fk in fks if not split_full_name(fk["parent"])[1].startswith("~external_")]
    indexes = {}
    for row in catalog.index_rows(connection, database, table):
        if row["Key_name"] != "PRIMARY":
            indexes.setdefault(row["Key_name"], (not row["Non_unique"], []))[1].append(row["Column_name"])
    for name, (unique, cols) in list(indexes.items()):
        if not unique and cols in external:  # implicit index of an external-store reference
            del indexes[name]
    model = TableModel(comment=comment)
    nullable = {row[0]: row[2] == "YES" for row in columns}
    for fk in fks:
        columns_of_fk = [c for c, _ in fk["pairs"]]
        fk["def"] = ForeignKeyDef(ref=fk["parent"], renames={c: p for c, p in fk["pairs"] if c != p},
                                  in_key=set(columns_of_fk) <= set(key),
                                  nullable=all(nullable[c] for c in columns_of_fk))
        matches = sorted((not unique, name) for name, (unique, cols) in indexes.items() if cols == columns_of_fk)
        if matches:  # the FK's own index: implicit, or its [unique] option
            fk["def"].unique = not matches[0][0]
            del indexes[matches[0][1]]
    covered, pending = set(), list(fks)
    for name, column_type, is_nullable, default, column_comment, extra in columns:
        if name in covered:
            continue
        fk = next((f for f in pending if name in dict(f["pairs"])), None)
        if fk is not None:
            pending.remove(fk)
            model.items.append(fk["def"])
            covered.update(c for c, _ in fk["pairs"])
            for other in [f for f in pending if {c for c, _ in f["pairs"]} <= covered]:
                pending.remove(other)
                model.items.append(other["def"])
            continue
        covered.add(name)
        model.items.append(_attribute_from_column(name, column_type, is_nullable == "YES", default,
                                                  column_comment or "", extra or "", name in key))
    model.items.extend(f["def"] for f in pending)
    for name, (unique, cols) in indexes.items():
        model.indexes.append(IndexDef(attributes=cols, unique=unique))
    return model


def _natural(name):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _attribute_from_column(name, column_type, nullable, default, comment, extra, in_key):
    sql_type = _INT_WIDTH.sub(r"\1", column_type) if not column_type.startswith("tinyint(1)") else column_type
    match = re.match(r"^:([^:]+):(.*)$", comment, re.S)
    if match:
        sql_type, comment = match.group(1), match.group(2)
    if "auto_increment" in extra.lower():
        sql_type += " auto_increment"
    if nullable:
        text = "null"
    elif default is None:
        text = None
    elif re.fullmatch(r"current_timestamp(\(\d*\))?", default, re.I):
        text = default.upper().replace("()", "")
    elif default.startswith("'") or re.fullmatch(r"[-+]?\d*\.?\d+([eE][-+]?\d+)?", default):
        text = default
    else:
        text = quote_string(default)
    return AttributeDef(name=name, type=sql_type, default=text, comment=comment, in_key=in_key)
