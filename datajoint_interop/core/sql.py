"""SQL text helpers shared by every module that talks to the server.

Identifiers are quoted by exactly one function, ``quote_identifier``, so that a name can never
escape its backquotes; it refuses names MySQL could never store before anything is sent. Values
travel as bound parameters; the only text literals written into SQL are comments of DDL
statements (which cannot be bound), escaped by ``quote_string``.

Statement text is a *format string*: the driver applies ``text % params`` (pymysql, like DataJoint
0.14), so every literal ``%`` in it (a name such as ``lab%2`` included) is doubled. Code that builds
SQL escapes names with ``sql_name``/``sql_table`` and runs it through ``execute``, which works
whether or not parameters are bound.
"""
import functools
import re

from .errors import DataJointError

_FULL_NAME = re.compile(r"^`((?:[^`]|``)+)`\.`((?:[^`]|``)+)`$")


#: MySQL's limit for database, table, column and index names (characters)
MAX_IDENTIFIER = 64


def quote_identifier(name):
    """Backquote a database, table or column name, doubling embedded backquotes.

    Names MySQL cannot store are refused here, so the user learns what is wrong with the name
    instead of reading a server syntax error (or, worse, a statement built around it)."""
    if isinstance(name, str):
        return _quote_str(str(name))  # plain str: a subclass must not share the cache entry
    raise DataJointError(f"Invalid SQL identifier {name!r}: expected a non-empty string")


def check_identifier(name, kind="SQL identifier"):
    """Raise DataJointError unless MySQL can store `name` as a database/table/column name."""
    problem = _identifier_problem(name) if isinstance(name, str) else "expected a non-empty string"
    if problem:
        raise DataJointError(f"Invalid {kind} {name!r}: {problem}")
    return name


def _identifier_problem(name):
    """Why MySQL would refuse `name` (empty, NUL, too long, trailing space, outside the BMP), or ''."""
    if not name:
        return "expected a non-empty string"
    if "\x00" in name:
        return "contains a NUL character"
    if len(name) > MAX_IDENTIFIER:
        return f"{len(name)} characters, MySQL allows at most {MAX_IDENTIFIER}"
    if name.endswith(" "):
        return "ends with a space, which MySQL does not allow"
    if any(ord(c) > 0xFFFF or 0xD800 <= ord(c) <= 0xDFFF for c in name):
        return "contains a character outside the Unicode BMP (e.g. an emoji), which MySQL names cannot hold"
    return ""


@functools.lru_cache(maxsize=8192)
def _quote_str(name):
    """Cached: the same few names are quoted for every query."""
    check_identifier(name)
    return "`" + name.replace("`", "``") + "`"


def sql_name(name):
    """`name` quoted for statement text that is %-formatted (see the module docstring)."""
    return escape_percent(quote_identifier(name))


def sql_table(full_name):
    """An already quoted "`db`.`table`" for statement text that is %-formatted."""
    return escape_percent(full_name)


def quote_string(text):
    """A double-quoted SQL string literal holding `text` (for DDL comments, which cannot be bound).

    Backslash and double quote are escaped (the server's default mode, the one pymysql's own
    parameter escaping also assumes) and NUL written as \\0, so the text can never end the literal."""
    if not isinstance(text, str):
        raise DataJointError(f"Expected text for an SQL string literal, got {type(text).__name__}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\x00", "\\0") + '"'


def full_table_name(database, table_name):
    """The canonical "`db`.`table`" form used as node names and in FROM clauses."""
    return quote_identifier(database) + "." + quote_identifier(table_name)


def split_full_table_name(name):
    """Split "`db`.`tbl`" or "db.tbl" into (db, tbl)."""
    if not isinstance(name, str):
        raise DataJointError(f"Invalid table name {name!r}")
    m = _FULL_NAME.match(name.strip())
    if m:
        return m.group(1).replace("``", "`"), m.group(2).replace("``", "`")
    parts = name.strip().split(".")
    if len(parts) == 2 and all(parts) and "`" not in name:
        return parts[0], parts[1]
    raise DataJointError(f"Invalid table name {name!r}: expected `database`.`table` or database.table")


def escape_percent(sql):
    """Double % so that user SQL survives the driver's %-formatting of bound parameters."""
    return sql.replace("%", "%%")


def execute(connection, sql, params=(), **kwargs):
    """Run a statement whose text always has % doubled (a format string), with or without params.

    Internal SQL goes through here so its text never depends on whether parameters exist: with
    none, the doubling is undone here and the text is sent with ``args=None``, which the driver
    (pymysql, as in DataJoint 0.14) never formats, whatever ``Connection.query`` does with ``()``.
    """
    params = tuple(params)
    if not params:
        return connection.query(sql % (), None, **kwargs)
    return connection.query(sql, params, **kwargs)


def load_local(connection, sql, payload):
    """Run a ``LOAD DATA LOCAL INFILE`` statement (text with % doubled, no parameters) uploading
    `payload`, the bytes built in memory for it; the returned cursor has ``rowcount`` and
    ``warning_count``. Only callers that checked ``connection.can_load_local`` get here."""
    return connection.load_local(sql % (), payload)
