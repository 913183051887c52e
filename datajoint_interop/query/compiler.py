"""The one SQL compiler: query expression tree -> (sql, params).

Everything that reaches the server as a SELECT (fetch, len, bool, delete's restriction, INSERT ...
SELECT) is produced here, so there is one place where quoting and parameter binding happen.
Values only ever appear as ``%s`` placeholders with the value in ``params``; user SQL strings are
kept as given with ``%`` doubled, and so are names (``sql_name``): the text is a format string.
Subquery aliases are numbered in the order they are emitted
(`$1`, `$2`, ...), so the same expression always compiles to the same text.
"""
import re
import itertools

from .condition import And, Const, Eq, Exists, InQuery, Negate, Or, Sql
from ..core.errors import DataJointError
from ..core.sql import escape_percent, quote_identifier, sql_name, sql_table


class UnionSource:
    """Two or more SELECT blocks combined by UNION; only used as a source of a wrapping block."""

    def __init__(self, operands, names):
        self.operands = operands
        self.names = names


class _Context:
    __slots__ = ("aliases", "params")

    def __init__(self):
        self.aliases = 0
        self.params = []

    def alias(self):
        self.aliases += 1
        return sql_name(f"${self.aliases}")


def _field(attr):
    q = sql_name(attr.name)
    if attr.sql_expression is not None:
        return f"({escape_percent(attr.sql_expression)}) AS {q}"
    if attr.original_name != attr.name:
        return f"{sql_name(attr.original_name)} AS {q}"
    return q


def _source(src, ctx):
    if isinstance(src, str):
        return sql_table(src)
    if isinstance(src, UnionSource):
        parts = ["(" + _select(op, ctx, fields=src.names) + ")" for op in src.operands]
        return "(" + " UNION ".join(parts) + ") AS " + ctx.alias()
    return "(" + _select(src, ctx) + ") AS " + ctx.alias()


def _from(expr, ctx):
    support = expr.support
    clause = _source(support[0], ctx)
    for src, left in zip(support[1:], expr._left):
        clause += (" NATURAL LEFT JOIN " if left else " NATURAL JOIN ") + _source(src, ctx)
    return clause


def compile_condition(cond, ctx):
    if isinstance(cond, Const):
        return "TRUE" if cond.value else "FALSE"
    if isinstance(cond, Sql):
        return "(" + escape_percent(cond.text) + ")"
    if isinstance(cond, Eq):
        if cond.value is None:
            return f"({sql_name(cond.name)} IS NULL)"
        ctx.params.append(cond.value)
        return f"({sql_name(cond.name)}=%s)"
    if isinstance(cond, And):
        return "(" + " AND ".join(compile_condition(c, ctx) for c in cond.items) + ")"
    if isinstance(cond, Or):
        return "(" + " OR ".join(compile_condition(c, ctx) for c in cond.items) + ")"
    if isinstance(cond, Negate):
        return "(NOT " + compile_condition(cond.item, ctx) + ")"
    if isinstance(cond, InQuery):
        cols = ",".join(sql_name(n) for n in cond.names)
        query = cond.query
        if query._top is not None:  # MariaDB refuses LIMIT directly inside IN (...)
            query = query.make_subquery()
        return f"(({cols}) IN ({_select(query, ctx, fields=cond.names, distinct=False)}))"
    if isinstance(cond, Exists):
        return f"(EXISTS ({_select(cond.query, ctx)}))"
    raise DataJointError(f"Cannot compile condition {cond!r}")


def _where(expr, ctx):
    if not expr._restriction:
        return ""
    return " WHERE " + " AND ".join(compile_condition(c, ctx) for c in expr._restriction)


#: an order_by item that is one attribute name with an optional direction
_ORDER_ITEM = re.compile(r"(\w+)(?:\s+(asc|desc))?\Z", re.I)


def _order(order_by, expr):
    items = []
    for o in order_by:
        o = o.strip()
        up = o.upper()
        if up in ("KEY", "KEY ASC", "KEY DESC") and o[:3] == "KEY":  # as 0.14: `key desc` is an attribute
            suffix = " DESC" if up.endswith("DESC") else ""
            items += [sql_name(k) + suffix for k in expr.primary_key]
        else:
            named = _ORDER_ITEM.match(o)
            if named and named.group(1) in expr.heading:  # quoted: `select desc` works as in 0.14
                items.append(sql_name(named.group(1)) + (" " + named.group(2).upper() if named.group(2) else ""))
            else:
                items.append(escape_percent(o))
    return " ORDER BY " + ", ".join(items) if items else ""


def _limit(limit, offset, ctx):
    if limit is None and not offset:
        return ""
    ctx.params.append(18446744073709551615 if limit is None else int(limit))
    if offset:
        ctx.params.append(int(offset))
    return " LIMIT %s" + (" OFFSET %s" if offset else "")


def _select(expr, ctx, fields=None, distinct=None, top=None):
    heading = expr.heading
    if fields is None:
        cols = [_field(a) for a in heading.attributes.values()]
    else:
        cols = [_field(heading[n]) for n in fields]
    if distinct is None:
        distinct = expr._distinct
    sql = "SELECT " + ("DISTINCT " if distinct else "") + (", ".join(cols) if cols else "1")
    sql += " FROM " + _from(expr, ctx) + _where(expr, ctx)
    if expr._group_by is not None and expr._group_by:
        sql += " GROUP BY " + ", ".join(sql_name(n) for n in expr._group_by)
    t = expr._top
    if t is not None:
        sql += _order(t.order_by, expr) + _limit(t.limit, t.offset, ctx)
    return sql


def compile_query(expr, fields=None, order_by=None, limit=None, offset=None):
    """(sql, params) selecting `fields` (all heading attributes by default)."""
    ctx = _Context()
    if (order_by or limit is not None or offset) and expr._top is not None:
        expr = expr.make_subquery()
    sql = _select(expr, ctx, fields=fields)
    if order_by or limit is not None or offset:
        if isinstance(order_by, str):
            order_by = [order_by]
        if (limit is not None or offset) and not order_by:
            order_by = ["KEY"]  # a limit without an order would pick arbitrary rows
        sql += _order(order_by or [], expr) + _limit(limit, offset, ctx)
    return sql, ctx.params


def compile_count(expr):
    ctx = _Context()
    if expr._is_complex:
        return f"SELECT count(*) FROM ({_select(expr, ctx)}) AS {ctx.alias()}", ctx.params
    sql = "SELECT count(*) FROM " + _from(expr, ctx) + _where(expr, ctx)
    return sql, ctx.params


def compile_exists(expr):
    ctx = _Context()
    return f"SELECT EXISTS({_select(expr, ctx)})", ctx.params


def compile_delete(expr, full_table_name):
    """DELETE restricted by the expression's restriction (expression must be the table itself)."""
    ctx = _Context()
    sql = "DELETE FROM " + sql_table(full_table_name) + _where(expr, ctx)
    return sql, ctx.params


_NOTHING = object()  # no value stands for DEFAULT

# --- statements that change user tables ----------------------------------------------------------
# Values are always bound; the `default` marker in a row stands for the column's DEFAULT.

def insert_clauses(full_table_name, names, replace=False, skip_duplicates_on=None, touch_on_duplicate=None,
                   ignore=False):
    """(head, tail) of ``INSERT|REPLACE INTO t (cols) VALUES <rows><tail>``.

    Insert sizes its batches by these lengths, so the rows are compiled separately
    (``compile_insert_rows``). `skip_duplicates_on` names a key column: a duplicate row then
    updates that column to itself, i.e. is skipped without hiding other errors as IGNORE would.
    `touch_on_duplicate` names a timestamp column set to the current time on a duplicate instead;
    `ignore` (INSERT IGNORE) is for restoring rows that may exist again.
    """
    cols = ",".join(sql_name(n) for n in names)
    verb = "REPLACE" if replace else "INSERT IGNORE" if ignore else "INSERT"
    head = f"{verb} INTO {sql_table(full_table_name)} ({cols}) VALUES "
    tail = _on_duplicate(skip_duplicates_on, replace)
    if touch_on_duplicate is not None and not replace:
        tail = f" ON DUPLICATE KEY UPDATE {sql_name(touch_on_duplicate)}=CURRENT_TIMESTAMP"
    return head, tail


def _on_duplicate(skip_duplicates_on, replace, full_table_name=None):
    """The no-op update that skips a duplicate row. The column is qualified by the target table
    when given: after ``INSERT ... SELECT`` a bare name would be ambiguous whenever the source
    query has a column of the same name."""
    if skip_duplicates_on is None or replace:
        return ""
    k = sql_name(skip_duplicates_on)
    if full_table_name is not None:
        k = f"{sql_table(full_table_name)}.{k}"
    return f" ON DUPLICATE KEY UPDATE {k}={k}"


def compile_insert_row(full_table_name, row, **options):
    """(sql, params) inserting one row given as {column: value}; options as for insert_clauses."""
    clauses = insert_clauses(full_table_name, list(row), **options)
    return compile_insert_rows(clauses, [[v] for v in row.values()], default=_NOTHING)


def compile_lookup(full_table_name, fields, key):
    """(sql, params) of ``SELECT fields FROM t WHERE k=v AND ...`` for a table known by name."""
    ctx = _Context()
    where = " AND ".join(compile_condition(Eq(k, v), ctx) for k, v in key.items())
    cols = ", ".join(sql_name(f) for f in fields)
    return f"SELECT {cols} FROM {sql_table(full_table_name)} WHERE {where}", ctx.params


def compile_insert_rows(clauses, columns, default):
    """(sql, params) inserting rows given column by column (equal-length sequences of encoded
    scalars) between the `clauses`."""
    head, tail = clauses
    rows = zip(*columns)
    if any(default in c for c in columns):  # `in` tests identity first; encoded values are scalars
        parts, params = [], []
        for r in rows:
            parts.append("(" + ",".join("DEFAULT" if v is default else "%s" for v in r) + ")")
            params.extend(v for v in r if v is not default)
        return head + ",".join(parts) + tail, params
    template = "(" + ",".join(["%s"] * len(columns)) + ")"
    return head + ",".join([template] * len(columns[0])) + tail, list(itertools.chain.from_iterable(rows))


def compile_load_local(full_table_name, names, defaulted=(), replace=False):
    """``LOAD DATA LOCAL INFILE`` of tab-separated rows into `names` (no parameters: the rows
    travel as the upload). The upload is read as utf8mb4, the connection's charset, so text is
    converted to each column's charset as an INSERT's would be (binary columns take the bytes
    as they are), with backslash escapes and ``\\N`` for NULL. The columns in
    `defaulted` read into a variable, and a ``\\N`` there means the column's DEFAULT, as the
    ``DEFAULT`` keyword does in a multi-row INSERT."""
    defaulted = set(defaulted)
    fields, sets = [], []
    for i, n in enumerate(names):
        if n in defaulted:
            fields.append(f"@v{i}")
            sets.append(f"{sql_name(n)}=IF(@v{i} IS NULL,DEFAULT({sql_name(n)}),@v{i})")
        else:
            fields.append(sql_name(n))
    verb = " REPLACE" if replace else ""
    sql = (f"LOAD DATA LOCAL INFILE 'datajoint-insert'{verb} INTO TABLE {sql_table(full_table_name)} "
           f"CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' "
           f"LINES TERMINATED BY '\\n' ({','.join(fields)})")
    return sql + (" SET " + ",".join(sets) if sets else "")


def compile_insert_query(full_table_name, names, query, replace=False, skip_duplicates_on=None):
    """(sql, params) of ``INSERT|REPLACE INTO t (names) SELECT names FROM <query>``."""
    select, params = compile_query(query, fields=names)
    cols = ",".join(sql_name(n) for n in names)
    verb = "REPLACE" if replace else "INSERT"
    sql = f"{verb} INTO {sql_table(full_table_name)} ({cols}) {select}" + _on_duplicate(
        skip_duplicates_on, replace, full_table_name)
    return sql, params


def compile_update(expr, full_table_name, values, null, default=None):
    """(sql, params) of ``UPDATE t SET ... WHERE <expr's restriction>``; a value `null` sets NULL,
    a value `default` (when given) sets the column's DEFAULT (how 0.14's update1 treats None)."""
    if not values:
        raise DataJointError("An UPDATE needs at least one attribute to set")
    ctx = _Context()
    sets = []
    for name, value in values.items():
        if default is not None and value is default:
            sets.append(f"{sql_name(name)}=DEFAULT")
        elif value is null:
            sets.append(f"{sql_name(name)}=NULL")
        else:
            sets.append(f"{sql_name(name)}=%s")
            ctx.params.append(value)
    sql = f"UPDATE {sql_table(full_table_name)} SET {', '.join(sets)}" + _where(expr, ctx)
    return sql, ctx.params


def compile_drop(full_table_name):
    """``DROP TABLE t`` (no parameters)."""
    return f"DROP TABLE {sql_table(full_table_name)}", []


def compile_log_event(full_table_name):
    """One event into ``~log``, the account taken by the server: (version, host, event)."""
    return (f"INSERT INTO {sql_table(full_table_name)} (`version`, `user`, `host`, `event`) "
            "VALUES (%s, USER(), %s, %s)")


def compile_count_table(database, table_name):
    """``SELECT COUNT(*)`` of a whole table by name (no parameters)."""
    return f"SELECT COUNT(*) FROM {sql_name(database)}.{sql_name(table_name)}"


# --- archives: whole tables by name, restricted by conditions the archive computed -----------------
# Archives move rows without table classes (sharing/archive.py), so these take quoted full names
# and condition text and return %-escaped statement text.

def _tuple(columns):
    return "(" + ", ".join(quote_identifier(c) for c in columns) + ")"


def select_list_as_stored(columns):
    """(name, binary) pairs -> select list: binary columns as stored; everything else as the
    server's text, which it parses back exactly."""
    return ", ".join(quote_identifier(name) if binary else f"CAST({quote_identifier(name)} AS CHAR)"
                     for name, binary in columns)


def compile_table_rows(full_name, columns, condition=None):
    """Every row of a table (restricted by `condition` text) with the `columns` (name, binary)."""
    where = f" WHERE {condition}" if condition else ""
    return escape_percent(f"SELECT {select_list_as_stored(columns)} FROM {full_name}{where}")


def compile_table_count(full_name, condition=None):
    """The number of rows of a table (restricted by `condition` text)."""
    where = f" WHERE {condition}" if condition else ""
    return escape_percent(f"SELECT COUNT(*) FROM {full_name}{where}")


def compile_table_nonempty(full_name):
    """Whether a table has any row."""
    return escape_percent(f"SELECT EXISTS(SELECT 1 FROM {full_name})")


def compile_insert_head(full_name, columns):
    """``INSERT INTO t (columns) VALUES `` for rows appended as ``(%s, ...)`` groups."""
    return escape_percent(f"INSERT INTO {full_name} ({', '.join(quote_identifier(c) for c in columns)}) VALUES ")


def compile_dangling_count(child, columns, parent, referenced):
    """How many rows of `child` have a non-NULL foreign key (`columns` -> `parent`.`referenced`)
    that matches no parent row."""
    present = " AND ".join(f"c.{quote_identifier(c)} IS NOT NULL" for c in columns)
    match = " AND ".join(f"p.{quote_identifier(r)} = c.{quote_identifier(c)}" for c, r in zip(columns, referenced))
    return escape_percent(f"SELECT COUNT(*) FROM {child} AS c WHERE {present} AND NOT EXISTS "
                          f"(SELECT 1 FROM {parent} AS p WHERE {match})")


def referenced_by_condition(columns, parent, referenced, parent_condition):
    """Condition text: the row's foreign key `columns` point at a `parent` row meeting `parent_condition`."""
    return (f"{_tuple(columns)} IN (SELECT {', '.join(quote_identifier(c) for c in referenced)} FROM "
            f"{parent} WHERE {parent_condition})")


def referencing_condition(referenced, child, columns, child_condition=None):
    """Condition text: some `child` row (meeting `child_condition`) references this row."""
    where = f" WHERE {child_condition}" if child_condition is not None else ""
    return (f"{_tuple(referenced)} IN (SELECT {', '.join(quote_identifier(c) for c in columns)} "
            f"FROM {child}{where})")


def compile_probe(name):
    """A statement that reads no row and fails unless table `name` (escaped) exists and is readable."""
    return f"SELECT 1 FROM {name} LIMIT 0"


def referenced_hash_condition(table, column):
    """Condition text over an ``~external_*`` table: the object's `hash` is referenced by `column` of
    `table` (a quoted full name)."""
    return (f"`hash` IN (SELECT {quote_identifier(column)} FROM {table} "
            f"WHERE {quote_identifier(column)} IS NOT NULL)")


def all_of(conditions):
    """Condition texts joined by AND (each already parenthesized where it needs to be)."""
    return " AND ".join(conditions)


def either_of(conditions):
    """Condition texts joined by OR, unparenthesized."""
    return " OR ".join(conditions)


def any_of(conditions):
    """Condition texts joined by OR, as one parenthesized condition."""
    return "(" + either_of(conditions) + ")"


def none_of(conditions):
    """True where none of the condition texts holds."""
    return "NOT " + any_of(conditions)
