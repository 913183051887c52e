"""What an archive needs to know about tables, read from the server's catalog only.

Export and import rely on information_schema and raw row bytes, never on class definitions, so any
schema (declared from Python, MATLAB or by hand) can be moved between servers. Table models (what
CREATE TABLE is rebuilt from) are read and validated in archive_model.
"""
import re
from collections import defaultdict

from ..core.errors import ArchiveError, DataJointError, MissingTableError
from ..core import catalog as server_catalog
from ..core.sql import quote_identifier
from ..query import compiler

#: hidden tables never exported: the log describes the source server's history, not the data
ALWAYS_SKIPPED = ("~log",)
JOBS_TABLE = "~jobs"
_BINARY_TYPES = frozenset({"tinyblob", "blob", "mediumblob", "longblob", "binary", "varbinary", "bit"})
_GENERATED = re.compile(r"\b(VIRTUAL|PERSISTENT|STORED)\b", re.I)


def full_name(database, table):
    return quote_identifier(database) + "." + quote_identifier(table)


class ForeignKey:
    """One constraint: child columns -> parent columns."""

    def __init__(self, child, parent, columns, referenced):
        self.child, self.parent = child, parent
        self.columns, self.referenced = list(columns), list(referenced)

    def __repr__(self):
        return f"ForeignKey({self.child} {self.columns} -> {self.parent} {self.referenced})"


def schema_info(connection, schema):
    row = server_catalog.schema_charset(connection, schema)
    if row is None:
        raise MissingTableError(f"Schema {schema!r} does not exist or you are not permitted to see it")
    return dict(name=schema, charset=row[0], collation=row[1])


def list_tables(connection, schema, include_jobs=False):
    skipped = set(ALWAYS_SKIPPED) | (set() if include_jobs else {JOBS_TABLE})
    return [(schema, name) for name in server_catalog.base_tables(connection, schema) if name not in skipped]


def columns(connection, schema, table):
    """Heading information of the stored (non-generated) columns, in table order."""
    rows = server_catalog.column_headings(connection, schema, table)
    result = []
    for name, column_type, data_type, nullable, key, default, comment, extra in rows:
        if _GENERATED.search(extra or ""):
            continue  # computed by the server; it cannot be inserted
        result.append(dict(name=name, column_type=column_type, binary=data_type.lower() in _BINARY_TYPES,
                           nullable=nullable == "YES", key=key, default=default, comment=comment,
                           extra=extra))
    return result


def foreign_keys(connection, schemas):
    """Every foreign key whose child lies in one of `schemas`, as ForeignKey objects."""
    if not schemas:
        return []
    rows = server_catalog.foreign_keys_of_schemas(connection, schemas)
    grouped = defaultdict(lambda: ([], [], None))
    for db, tbl, constraint, col, ref_db, ref_tbl, ref_col in rows:
        cols, refs, _ = grouped[(db, tbl, constraint)]
        cols.append(col)
        refs.append(ref_col)
        grouped[(db, tbl, constraint)] = (cols, refs, (ref_db, ref_tbl))
    return [ForeignKey((db, tbl), parent, cols, refs)
            for (db, tbl, _), (cols, refs, parent) in grouped.items()]


def dependency_order(tables, fks):
    """Tables sorted parents first (ties by name); self-references do not constrain the order."""
    tables = sorted(set(tables))
    members = set(tables)
    parents = {t: set() for t in tables}
    for fk in fks:
        if fk.child in members and fk.parent in members and fk.child != fk.parent:
            parents[fk.child].add(fk.parent)
    order, done = [], set()
    while len(order) < len(tables):
        ready = [t for t in tables if t not in done and parents[t] <= done]
        if not ready:
            stuck = [f"{d}.{t}" for d, t in tables if (d, t) not in done]
            raise ArchiveError(f"Foreign keys form a cycle among {', '.join(stuck)}; cannot order the export")
        order.extend(ready)
        done.update(ready)
    return order


# ------------------------------------------------------------------------------ restrictions
def _snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name).lstrip("_")


def resolve_table(spec, tables, schemas):
    """Find the table a restriction names: `Table`, `Master.Part`, `schema.Table` or a raw table name."""
    text = spec.strip()
    schema = None
    head, dot, rest = text.partition(".")
    if dot and head in schemas:
        schema, text = head, rest
    candidates = [t for t in tables if schema is None or t[0] == schema]
    if "." in text:
        master, _, part = text.partition(".")
        snakes = {_snake(master) + "__" + _snake(part)}
        wanted = {p + s for p in ("", "#", "_", "__") for s in snakes}
    else:
        wanted = {text} | {p + _snake(text) for p in ("", "#", "_", "__")}
    found = [t for t in candidates if t[1] in wanted]
    exact = [t for t in found if t[1] == text]
    found = exact or found
    if len(found) != 1:
        where = f"schema {schema!r}" if schema else "the exported schemas"
        problem = "matches several tables" if found else "matches no table"
        raise DataJointError(f"Restriction target {spec!r} {problem} in {where}"
                             + (f": {', '.join(f'{d}.{t}' for d, t in found)}" if found else ""))
    return found[0]


def parse_restriction(text):
    """'Table: SQL condition' -> (table spec, condition)."""
    spec, colon, condition = text.partition(":")
    if not colon or not spec.strip() or not condition.strip():
        raise DataJointError(f"Invalid restriction {text!r}: write 'Table: condition', e.g. 'Session: session_id < 5'")
    if ";" in condition:
        raise DataJointError(f"Invalid restriction {text!r}: a condition is one SQL expression (no ';')")
    return spec.strip(), condition.strip()


def restricted_conditions(order, fks, user):
    """WHERE conditions per table for a restricted export (`user`: table -> [conditions]).

    The user's rows are kept; tables downstream of a restricted table keep only rows whose
    restricted parents are kept (as a delete would cascade); then every kept row's parents are
    added, recursively (the upstream closure), so that the archive never references a missing row.
    Other ancestors of kept tables contribute only those referenced rows, and tables unrelated to
    every restricted table contribute none (their definitions are still exported).
    """
    members = set(order)
    relevant = [fk for fk in fks if fk.child in members and fk.parent in members and fk.child != fk.parent]
    down = {}
    for table in order:
        if table in user:
            down[table] = compiler.all_of(f"({c})" for c in user[table])
            continue
        clauses = []
        for fk in relevant:
            if fk.child == table and down.get(fk.parent) is not None:
                clauses.append(compiler.referenced_by_condition(fk.columns, full_name(*fk.parent), fk.referenced,
                                                                down[fk.parent]))
        down[table] = compiler.all_of(clauses) if clauses else None
    final = {}
    for table in reversed(order):
        clauses = [f"({down[table]})"] if down[table] is not None else []
        for fk in relevant:
            if fk.parent == table:
                clauses.append(compiler.referencing_condition(fk.referenced, full_name(*fk.child), fk.columns,
                                                              final[fk.child]))
        final[table] = compiler.either_of(clauses) if clauses else "FALSE"
    return final
