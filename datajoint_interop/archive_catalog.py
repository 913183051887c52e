"""What an archive needs to know about tables, read from the server's catalog only.

Export and import rely on SHOW CREATE TABLE, information_schema and raw row bytes, never on class
definitions, so any schema (declared from Python, MATLAB or by hand) can be moved between servers.
"""
import re
from collections import defaultdict

from .errors import ArchiveError, DataJointError, MissingTableError
from .sql import quote_identifier

#: hidden tables never exported: the log describes the source server's history, not the data
ALWAYS_SKIPPED = ("~log",)
JOBS_TABLE = "~jobs"
_BINARY_TYPES = frozenset({"tinyblob", "blob", "mediumblob", "longblob", "binary", "varbinary", "bit"})
_GENERATED = re.compile(r"\b(VIRTUAL|PERSISTENT|STORED)\b", re.I)
_TOKEN = re.compile(r"""'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`(?:[^`]|``)*`|\s+|\w+|.""", re.S)


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
    row = connection.query(
        "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA "
        "WHERE SCHEMA_NAME=%s", (schema,)).fetchone()
    if row is None:
        raise MissingTableError(f"Schema {schema!r} does not exist or you are not permitted to see it")
    return dict(name=schema, charset=row[0], collation=row[1])


def list_tables(connection, schema, include_jobs=False):
    rows = connection.query(
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s AND TABLE_TYPE='BASE TABLE' "
        "ORDER BY TABLE_NAME", (schema,)).fetchall()
    skipped = set(ALWAYS_SKIPPED) | (set() if include_jobs else {JOBS_TABLE})
    return [(schema, row[0]) for row in rows if row[0] not in skipped]


def columns(connection, schema, table):
    """Heading information of the stored (non-generated) columns, in table order."""
    rows = connection.query(
        "SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_KEY, COLUMN_DEFAULT, "
        "COLUMN_COMMENT, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=%s AND TABLE_NAME=%s "
        "ORDER BY ORDINAL_POSITION", (schema, table)).fetchall()
    result = []
    for name, column_type, data_type, nullable, key, default, comment, extra in rows:
        if _GENERATED.search(extra or ""):
            continue  # computed by the server; it cannot be inserted
        result.append(dict(name=name, column_type=column_type, binary=data_type.lower() in _BINARY_TYPES,
                           nullable=nullable == "YES", key=key, default=default, comment=comment,
                           extra=extra))
    return result


def primary_key(connection, schema, table):
    rows = connection.query(
        "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA=%s AND TABLE_NAME=%s "
        "AND CONSTRAINT_NAME='PRIMARY' ORDER BY ORDINAL_POSITION", (schema, table)).fetchall()
    return [row[0] for row in rows]


def table_comment(connection, schema, table):
    row = connection.query("SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s "
                           "AND TABLE_NAME=%s", (schema, table)).fetchone()
    return row[0] if row else ""


def show_create(connection, schema, table):
    return connection.query(f"SHOW CREATE TABLE {full_name(schema, table)}").fetchone()[1]


def foreign_keys(connection, schemas):
    """Every foreign key whose child lies in one of `schemas`, as ForeignKey objects."""
    if not schemas:
        return []
    marks = ", ".join(["%s"] * len(schemas))
    rows = connection.query(
        "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, "
        "REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
        f"WHERE TABLE_SCHEMA IN ({marks}) AND REFERENCED_TABLE_NAME IS NOT NULL "
        "ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION", tuple(schemas)).fetchall()
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


# ------------------------------------------------------------------------------ DDL rewriting
def _unquote(token):
    return token[1:-1].replace("``", "`")


_FORBIDDEN_OPTIONS = frozenset({"SELECT", "AS", "LIKE", "IGNORE", "REPLACE", "UNION", "WITH", "VALUES", "TABLE",
                                "DIRECTORY", "CONNECTION", "PARTITION", "PARTITIONS", "SUBPARTITION"})


def _refuse(sql, why):
    raise ArchiveError(f"Refusing the table model in the archive ({why}): {sql[:120]!r}")


def rewrite_create(sql, source_schema, target_schema, rename, table=None, schemas=None):
    """Retarget SHOW CREATE TABLE text: qualify the table with `target_schema` and point every
    REFERENCES clause at the renamed schema (unqualified references belong to `source_schema`).

    Tokenizes so that text inside comments and string literals is never touched. An archive is
    data from elsewhere, so the text must look like what SHOW CREATE TABLE produces: one plain
    CREATE TABLE of `table` with a column list and table options, no comments, no second
    statement, no SELECT/LIKE, and references only to `schemas` (the archive's own).
    """
    tokens = _TOKEN.findall(sql)
    words = [i for i, tok in enumerate(tokens) if not tok.isspace()]
    out = list(tokens)
    if len(words) < 4 or [tokens[w].upper() for w in words[:2]] != ["CREATE", "TABLE"] \
            or not tokens[words[2]].startswith("`") or tokens[words[3]] != "(":
        _refuse(sql, "not a CREATE TABLE statement")
    if table is not None and _unquote(tokens[words[2]]) != table:
        _refuse(sql, f"it creates a table other than {table!r}")
    depth, body_end = 0, None
    for pos, index in enumerate(words):
        tok = tokens[index]
        nxt = tokens[words[pos + 1]] if pos + 1 < len(words) else ""
        if tok in (";", "#") or (tok == "/" and nxt == "*") or (tok == "-" and nxt == "-"):
            _refuse(sql, "comments or several statements")
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
            if depth == 0 and body_end is None:
                body_end = pos
        elif body_end is not None and depth == 0 and tok.upper() in _FORBIDDEN_OPTIONS:
            _refuse(sql, f"unexpected {tok.upper()} after the column list")
    if body_end is None or depth != 0:
        _refuse(sql, "unbalanced parentheses")
    name_at = words[2]
    out[name_at] = full_name(target_schema, _unquote(tokens[name_at]))
    for pos, index in enumerate(words):
        if tokens[index].upper() != "REFERENCES" or pos + 1 >= len(words):
            continue
        first = words[pos + 1]
        if not tokens[first].startswith("`"):
            continue
        qualified = pos + 3 < len(words) and tokens[words[pos + 2]] == "." and tokens[words[pos + 3]].startswith("`")
        db = _unquote(tokens[first]) if qualified else source_schema
        if schemas is not None and db not in schemas:
            _refuse(sql, f"it references schema {db!r}, which is not in the archive")
        if qualified:
            out[first] = quote_identifier(rename.get(db, db))
        else:
            out[first] = full_name(rename.get(db, db), _unquote(tokens[first]))
    return "".join(out)


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


def _tuple(columns):
    return "(" + ", ".join(quote_identifier(c) for c in columns) + ")"


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
            down[table] = " AND ".join(f"({c})" for c in user[table])
            continue
        clauses = []
        for fk in relevant:
            if fk.child == table and down.get(fk.parent) is not None:
                sub = (f"SELECT {', '.join(quote_identifier(c) for c in fk.referenced)} FROM "
                       f"{full_name(*fk.parent)} WHERE {down[fk.parent]}")
                clauses.append(f"{_tuple(fk.columns)} IN ({sub})")
        down[table] = " AND ".join(clauses) if clauses else None
    final = {}
    for table in reversed(order):
        clauses = [f"({down[table]})"] if down[table] is not None else []
        for fk in relevant:
            if fk.parent == table:
                child_condition = final[fk.child]
                where = f" WHERE {child_condition}" if child_condition is not None else ""
                clauses.append(f"{_tuple(fk.referenced)} IN (SELECT {', '.join(quote_identifier(c) for c in fk.columns)} "
                               f"FROM {full_name(*fk.child)}{where})")
        final[table] = " OR ".join(clauses) if clauses else "FALSE"
    return final
