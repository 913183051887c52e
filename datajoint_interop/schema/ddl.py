"""The data definition statements: CREATE, ALTER and DROP of databases and tables.

Declaring (``declare.py``), altering, the job queue's side tables, ``~log`` and archive import all
render their DDL here from the structures they hold (clauses, declarations, archive table models),
so the statements that change the shape of a database are written in one module. Names go through
``quote_identifier``; comments, which cannot be bound, through ``quote_string``. Functions return
plain text (no %-doubling) unless they say otherwise; ``execute`` callers pass it through
``escape_percent``.
"""
import re

from ..core.sql import full_table_name, quote_identifier, quote_string, sql_name, sql_table

_q = quote_identifier

# --- databases ------------------------------------------------------------------------------------

def create_database(name):
    """``CREATE DATABASE`` of a schema (%-escaped: ready for ``execute``)."""
    return f"CREATE DATABASE {sql_name(name)}"


def drop_database(name):
    """``DROP DATABASE`` of a schema (%-escaped: ready for ``execute``)."""
    return f"DROP DATABASE {sql_name(name)}"


def create_database_like(name, charset=None, collation=None):
    """``CREATE DATABASE`` with the character set and collation an archive recorded (plain text)."""
    options = (f" CHARACTER SET {charset}" if charset else "") + (f" COLLATE {collation}" if collation else "")
    return f"CREATE DATABASE {_q(name)}{options}"


def drop_database_if_exists(name):
    """Undo of an archive import's ``CREATE DATABASE`` (plain text)."""
    return f"DROP DATABASE IF EXISTS {_q(name)}"


def drop_table_if_exists(full_name):
    """Undo of an archive import's ``CREATE TABLE`` of "`db`.`table`" (plain text)."""
    return f"DROP TABLE IF EXISTS {full_name}"


# --- declared tables (schema/declare.py) ----------------------------------------------------------

#: the column constraint of a nullable attribute
DEFAULT_NULL = " DEFAULT NULL"


def not_null(default=None):
    """The column constraint of a required attribute, with its default (an SQL literal) if any."""
    return " NOT NULL" if default is None else " NOT NULL DEFAULT " + default


def column(name, sql_type, constraint="", comment=None):
    """One column clause: name, type, constraint (``not_null()``, ``DEFAULT_NULL`` or ''), comment."""
    return f"{_q(name)} {sql_type}{constraint}" + ("" if comment is None else f" COMMENT {quote_string(comment)}")


def primary_key(names):
    """The PRIMARY KEY clause of a declaration."""
    return f"PRIMARY KEY ({','.join(_q(k) for k in names)})"


def foreign_key(children, parent, referenced):
    """A DataJoint foreign key: updates cascade, deletes are restricted."""
    return (f"FOREIGN KEY ({','.join(_q(c) for c in children)}) REFERENCES {parent} "
            f"({','.join(_q(p) for p in referenced)}) ON UPDATE CASCADE ON DELETE RESTRICT")


def external_reference(column, external_table):
    """The foreign key of an external-store column to its ``~external_<store>`` table."""
    return (f"FOREIGN KEY ({_q(column)}) REFERENCES {external_table} "
            "(`hash`) ON UPDATE RESTRICT ON DELETE RESTRICT")


def index(columns, unique=False, upper=False):
    """An index clause: ``unique index (...)`` as 0.14 writes index lines, ``UNIQUE INDEX (...)`` (upper)
    for a unique foreign key."""
    cols = ",".join(_q(a) for a in columns)
    if upper:
        return f"{'UNIQUE ' if unique else ''}INDEX ({cols})"
    return f"{'unique ' if unique else ''}index ({cols})"


def create_table(full_name, clauses, comment):
    """``CREATE TABLE IF NOT EXISTS`` of a declaration, in DataJoint 0.14's exact layout (plain text)."""
    return (f"CREATE TABLE IF NOT EXISTS {full_name} (\n" + ",\n".join(clauses)
            + f'\n) ENGINE=InnoDB, COMMENT {quote_string(comment)}')


def drop_column(name):
    return f"DROP {_q(name)}"


def add_column(column_sql, after):
    return f"ADD {column_sql}{after}"


def change_column(old_name, column_sql, after):
    return f"CHANGE {_q(old_name)} {column_sql}" + after


def modify_column(column_sql, after):
    return f"MODIFY {column_sql}" + after


def position(previous):
    """Where an added or moved column goes: after `previous`, or first."""
    return f" AFTER {_q(previous)}" if previous else " FIRST"


def table_comment(comment):
    return f"COMMENT={quote_string(comment)}"


def alter_table(full_name, clauses):
    """``ALTER TABLE`` with one clause per line, as 0.14 shows it before asking (plain text)."""
    return f"ALTER TABLE {sql_table(full_name)}\n\t" + ",\n\t".join(clauses)


# --- the hidden tables DataJoint keeps beside a schema's tables -----------------------------------

_JOBS = """CREATE TABLE IF NOT EXISTS {name} (
`table_name` varchar(255) NOT NULL COMMENT "className of the table",
`key_hash` char(32) NOT NULL COMMENT "key hash",
`status` enum('reserved','error','ignore') NOT NULL COMMENT "if tuple is missing, the job is available",
`key` blob DEFAULT NULL COMMENT "structure containing the key",
`error_message` varchar(2047) NOT NULL DEFAULT "" COMMENT "error message returned if failed",
`error_stack` mediumblob DEFAULT NULL COMMENT "error stack if failed",
`user` varchar(255) NOT NULL DEFAULT "" COMMENT "database user",
`host` varchar(255) NOT NULL DEFAULT "" COMMENT "system hostname",
`pid` int unsigned NOT NULL DEFAULT "0" COMMENT "system process id",
`connection_id` bigint unsigned NOT NULL DEFAULT "0" COMMENT "connection_id()",
`timestamp` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT "automatic timestamp",
PRIMARY KEY (`table_name`,`key_hash`)
) ENGINE=InnoDB, COMMENT {comment}"""

_RUNS = """CREATE TABLE IF NOT EXISTS {name} (
`run_id` bigint unsigned NOT NULL AUTO_INCREMENT,
`table_name` varchar(255) NOT NULL COMMENT "className of the table, as in ~jobs",
`key_hash` char(32) NOT NULL COMMENT "key hash, as in ~jobs",
`status` enum('success','error') NOT NULL,
`duration` double NOT NULL COMMENT "seconds in make(), transaction included",
`code_version` varchar(255) NOT NULL DEFAULT "" COMMENT "the worker's --code-version tag",
`error_message` varchar(2047) NOT NULL DEFAULT "",
`host` varchar(255) NOT NULL DEFAULT "",
`pid` int unsigned NOT NULL DEFAULT 0,
`finished` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
PRIMARY KEY (`run_id`),
KEY `by_table` (`table_name`,`finished`),
KEY `by_key` (`table_name`,`key_hash`)
) ENGINE=InnoDB, COMMENT {comment}"""

_PRIORITY = """CREATE TABLE IF NOT EXISTS {name} (
`table_name` varchar(255) NOT NULL COMMENT "className of the table, as in ~jobs",
`key_hash` char(32) NOT NULL COMMENT "key hash, as in ~jobs",
`priority` int NOT NULL DEFAULT 0 COMMENT "higher first; keys without a row have 0",
`not_before` datetime DEFAULT NULL COMMENT "no worker of ours starts the key earlier",
PRIMARY KEY (`table_name`,`key_hash`)
) ENGINE=InnoDB, COMMENT {comment}"""

_LOG = """CREATE TABLE IF NOT EXISTS {name} (
`id` int unsigned auto_increment NOT NULL COMMENT "event order id",
`timestamp` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT "event timestamp",
`version` varchar(12) NOT NULL COMMENT "datajoint version",
`user` varchar(255) NOT NULL COMMENT "user@host",
`host` varchar(255) NOT NULL DEFAULT "" COMMENT "system hostname",
`event` varchar(255) NOT NULL DEFAULT "" COMMENT "event message",
PRIMARY KEY (`id`)
) ENGINE=InnoDB, COMMENT {comment}"""


def jobs_table(database, table_name):
    """``~jobs``, identical to DataJoint 0.14's (plain text)."""
    return _JOBS.format(name=full_table_name(database, table_name),
                        comment=quote_string(f"job reservation table for `{database}`"))


def runs_table(database, table_name):
    """``~jobs_runs``: dji workers' record of each make (plain text)."""
    return _RUNS.format(name=full_table_name(database, table_name),
                        comment=quote_string(f"make durations and outcomes of dji workers for `{database}`"))


def priority_table(database, table_name):
    """``~jobs_priority``: priorities and delayed starts of keys (plain text)."""
    return _PRIORITY.format(name=full_table_name(database, table_name),
                            comment=quote_string(f"priority and delayed start of jobs in `{database}`"))


def log_table(full_name, database):
    """``~log``, identical to DataJoint 0.14's (plain text)."""
    return _LOG.format(name=full_name, comment=quote_string(f"event logging table for `{database}`"))


# --- archive import: a table model read from another server (sharing/archive_model.py) ------------

#: what a foreign key may do on update or delete
REFERENTIAL_ACTIONS = ("RESTRICT", "CASCADE", "SET NULL", "NO ACTION", "SET DEFAULT")
_TEXTUAL = re.compile(r"^((var)?char\(\d+\)|(tiny|medium|long)?text|enum|set)\Z", re.ASCII)


class _Statement:
    """SQL text with bound parameters; every literal piece is %-escaped for the driver."""

    def __init__(self):
        self.parts, self.args = [], []

    def sql(self, text):
        self.parts.append(text.replace("%", "%%"))
        return self

    def bind(self, value):
        self.parts.append("%s")
        self.args.append(value)
        return self

    def text(self):
        return "".join(self.parts)


def _column_sql(out, column):
    out.sql(f"{quote_identifier(column.name)} ")
    if column.values is not None:
        out.sql(f"{column.type}(")
        for i, value in enumerate(column.values):
            if i:
                out.sql(",")
            out.bind(value)
        out.sql(")")
    else:
        out.sql(column.type)
    if column.charset and _TEXTUAL.match(column.type):
        out.sql(f" CHARACTER SET {column.charset}")
        if column.collation:
            out.sql(f" COLLATE {column.collation}")
    out.sql(" NULL" if column.nullable else " NOT NULL")
    if column.default is not None:
        kind = column.default[0]
        if kind == "null":
            out.sql(" DEFAULT NULL")
        elif kind == "string":
            out.sql(" DEFAULT ").bind(column.default[1])
        elif kind == "bit":
            out.sql(f" DEFAULT b'{column.default[1]}'")
        else:  # validated number or CURRENT_TIMESTAMP expression
            out.sql(f" DEFAULT {column.default[1]}")
    if column.on_update:
        out.sql(f" ON UPDATE {column.on_update}")
    if column.auto_increment:
        out.sql(" AUTO_INCREMENT")
    if column.comment:
        out.sql(" COMMENT ").bind(column.comment)


def archive_create_table(model, target_schema, rename):
    """(sql with %s placeholders, args): the CREATE TABLE of a validated model in `target_schema`,
    its foreign keys pointing at the renamed parents."""
    out = _Statement().sql(f"CREATE TABLE {full_table_name(target_schema, model.table)} (\n  ")
    for i, column in enumerate(model.columns):
        if i:
            out.sql(",\n  ")
        _column_sql(out, column)
    if model.primary_key:
        out.sql(",\n  PRIMARY KEY (" + ", ".join(quote_identifier(c) for c in model.primary_key) + ")")
    for index in model.indexes:
        cols = ", ".join(quote_identifier(n) + (f"({p})" if p else "") for n, p in index.columns)
        out.sql(f",\n  {'UNIQUE ' if index.unique else ''}KEY {quote_identifier(index.name)} ({cols})")
    for fk in model.foreign_keys:
        parent = full_table_name(rename.get(fk.schema, fk.schema), fk.table)
        out.sql(f",\n  CONSTRAINT {quote_identifier(fk.name)} FOREIGN KEY ("
                + ", ".join(quote_identifier(c) for c in fk.columns) + f") REFERENCES {parent} ("
                + ", ".join(quote_identifier(c) for c in fk.referenced)
                + f") ON DELETE {fk.on_delete} ON UPDATE {fk.on_update}")
    out.sql(f"\n) ENGINE={model.engine}")
    if model.charset:
        out.sql(f" DEFAULT CHARSET={model.charset}")
    if model.collation:
        out.sql(f" COLLATE={model.collation}")
    out.sql(" COMMENT=").bind(model.comment)
    return out.text(), out.args
