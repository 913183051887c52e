"""What the server says about itself: schemas, tables, columns, foreign keys, settings.

Every question the package asks ``information_schema`` or the server's variables, that more than
one module needs, is asked here, once, with bound values. Statements over the rows of user tables
come from the query compiler instead; the two together are where SQL is written.
"""
from .sql import execute, full_table_name, sql_name, sql_table


def schema_exists(connection, name):
    """Whether the database `name` exists (and is visible to this account)."""
    return execute(connection, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME=%s",
                   (name,)).fetchone()[0] > 0


def list_schemas(connection):
    """Names of every database this account sees, in order (system schemas included)."""
    return [row[0] for row in execute(
        connection, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME").fetchall()]


def table_exists(connection, database, table):
    """Whether `database`.`table` exists (and is visible to this account)."""
    return execute(connection, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s "
                   "AND TABLE_NAME=%s", (database, table)).fetchone()[0] > 0


def list_tables(connection, database, prefix=None):
    """Table names of `database` in order; with `prefix`, only those starting with it (taken literally)."""
    if prefix is None:
        cursor = execute(connection, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s "
                         "ORDER BY TABLE_NAME", (database,))
    else:
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        cursor = execute(connection, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s "
                         "AND TABLE_NAME LIKE %s ORDER BY TABLE_NAME", (database, pattern))
    return [row[0] for row in cursor.fetchall()]


def table_size(connection, database, table):
    """Bytes of data and indexes of the table, or None when it does not exist."""
    row = execute(connection, "SELECT data_length + index_length FROM information_schema.TABLES "
                  "WHERE TABLE_SCHEMA=%s AND TABLE_NAME=%s", (database, table)).fetchone()
    return None if row is None else int(row[0] or 0)


def schema_size(connection, database):
    """Bytes of data and indexes of all tables of a database (0 when it has none)."""
    row = execute(connection, "SELECT SUM(data_length + index_length) FROM information_schema.TABLES "
                  "WHERE TABLE_SCHEMA=%s", (database,)).fetchone()
    return int(row[0] or 0)


def secondary_indexes(connection, database, table):
    """{(columns...): {"unique": bool, "nullable": bool}} of every index but the primary key, in the
    server's order (DataJoint 0.14's ``heading.indexes``)."""
    rows = execute(connection, "SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, NULLABLE "
                   "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA=%s AND TABLE_NAME=%s "
                   "AND INDEX_NAME != 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX", (database, table)).fetchall()
    grouped = {}
    for name, _seq, column, non_unique, nullable in rows:
        grouped.setdefault(name, []).append((column, not int(non_unique), (nullable or "").upper() == "YES"))
    return {tuple(c for c, _, _ in cols): dict(unique=cols[0][1], nullable=any(n for _, _, n in cols))
            for cols in grouped.values()}


def table_comment(connection, database, table):
    """The table's comment ('' when none), or None when the table does not exist."""
    row = execute(connection, "SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s "
                  "AND TABLE_NAME=%s", (database, table)).fetchone()
    return None if row is None else row[0]


def column_max_length(connection, database, table, column):
    """The declared character length of a text column, or None (no such column, or not text)."""
    row = execute(connection, "SELECT CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS "
                  "WHERE TABLE_SCHEMA=%s AND TABLE_NAME=%s AND COLUMN_NAME=%s", (database, table, column)).fetchone()
    return int(row[0]) if row and row[0] else None


def referencing_columns(connection, database, table):
    """(database, table, column) of every foreign-key column that references `database`.`table`."""
    return [tuple(row) for row in execute(
        connection, "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
        "WHERE REFERENCED_TABLE_SCHEMA=%s AND REFERENCED_TABLE_NAME=%s", (database, table)).fetchall()]


def server_version(connection):
    """The server's version string (``SELECT VERSION()``)."""
    return execute(connection, "SELECT VERSION()").fetchone()[0]


def max_allowed_packet(connection):
    """The server's ``max_allowed_packet`` in bytes, read once per server session.

    The value is kept in the Connection's ``session_values``, which every (re)connect empties: a
    new session (possibly after ``SET GLOBAL max_allowed_packet``, or on a restarted server that
    hands out the old connection id again) reads it anew. Nothing is keyed by ``id(connection)``,
    which a new object may reuse. An object without ``session_values`` is asked every time.
    """
    values = getattr(connection, "session_values", None)
    if values is not None and "max_allowed_packet" in values:
        return values["max_allowed_packet"]
    size = int(execute(connection, "SELECT @@max_allowed_packet").fetchone()[0])
    if values is not None:
        values["max_allowed_packet"] = size
    return size


def table_engine(connection, database, table):
    """The storage engine of `database`.`table` as the server names it (``InnoDB``), or None."""
    row = execute(connection, "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s "
                  "AND TABLE_NAME=%s", (database, table)).fetchone()
    return row[0] if row else None


def primary_key(connection, database, table):
    """The table's primary-key column names, in key order ([] when it has none or does not exist)."""
    return [row[0] for row in execute(
        connection, "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA=%s "
        "AND TABLE_NAME=%s AND CONSTRAINT_NAME='PRIMARY' ORDER BY ORDINAL_POSITION", (database, table)).fetchall()]


# --- privileges, as information_schema lists them ------------------------------------------------
# A grantee is spelled as information_schema's GRANTEE column: 'user'@'host' (quotes included).

def current_grantees(connection):
    """(this account as a GRANTEE, the active role or None)."""
    return tuple(execute(connection, "SELECT CONCAT(\"'\", SUBSTRING_INDEX(CURRENT_USER(),'@',1), \"'@'\", "
                         "SUBSTRING_INDEX(CURRENT_USER(),'@',-1), \"'\"), CURRENT_ROLE()").fetchone())


def _grantee_clause(grantees, grantable):
    names = [name for name in grantees if name]
    clause = f"GRANTEE IN ({', '.join(['%s'] * len(names))})" + (" AND IS_GRANTABLE='YES'" if grantable else "")
    return clause, names


def global_privileges(connection, grantees, grantable=False):
    """Global privileges held by any of `grantees` (only those WITH GRANT OPTION if `grantable`)."""
    clause, names = _grantee_clause(grantees, grantable)
    if not names:
        return set()
    return {row[0] for row in execute(connection, "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES "
                                      f"WHERE {clause}", names).fetchall()}


def schema_privileges(connection, grantees, grantable=False):
    """{schema pattern: privileges} held by any of `grantees` (patterns keep their wildcards)."""
    clause, names = _grantee_clause(grantees, grantable)
    out = {}
    if names:
        for pattern, privilege in execute(connection, "SELECT TABLE_SCHEMA, PRIVILEGE_TYPE FROM "
                                          f"information_schema.SCHEMA_PRIVILEGES WHERE {clause}", names).fetchall():
            out.setdefault(pattern, set()).add(privilege)
    return out


def table_privileges(connection, grantees, database, table):
    """Privileges on `database`.`table` itself held by any of `grantees`."""
    clause, names = _grantee_clause(grantees, False)
    if not names:
        return set()
    return {row[0] for row in execute(connection, "SELECT PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES "
                                      f"WHERE {clause} AND TABLE_SCHEMA=%s AND TABLE_NAME=%s",
                                      (*names, database, table)).fetchall()}


# --- columns, keys and indexes of one table, as each reader needs them ----------------------------
# Texts are kept as each caller sent them before they moved here (a server log must not change).

def key_columns_in_order(connection, database, table):
    """The primary-key column names, in key order (the form a foreign key copies them in)."""
    return [row[0] for row in execute(
        connection, "SELECT column_name FROM information_schema.key_column_usage WHERE table_schema=%s "
        "AND table_name=%s AND constraint_name='PRIMARY' ORDER BY ordinal_position", (database, table)).fetchall()]


def column_types(connection, database, table):
    """{column: (name, type, comment)} of a table ({} when it does not exist)."""
    return {row[0]: row for row in execute(
        connection, "SELECT column_name, column_type, column_comment FROM information_schema.columns "
        "WHERE table_schema=%s AND table_name=%s", (database, table)).fetchall()}


def column_definitions(connection, database, table):
    """(name, type, nullable, default, comment, extra) of each column in table order."""
    return execute(
        connection, "SELECT column_name, column_type, is_nullable, column_default, column_comment, extra "
        "FROM information_schema.columns WHERE table_schema=%s AND table_name=%s ORDER BY ordinal_position",
        (database, table)).fetchall()


def column_declarations(connection, database, table):
    """{column: (type, nullable, comment, default)} in table order (drift checks)."""
    return {row[0]: row[1:] for row in execute(
        connection, "SELECT column_name, column_type, is_nullable, column_comment, column_default "
        "FROM information_schema.columns WHERE table_schema=%s AND table_name=%s ORDER BY ordinal_position",
        (database, table)).fetchall()}


def foreign_key_columns(connection, database, table):
    """(constraint, column, parent schema, parent table, parent column) rows of a live table's foreign
    keys, in constraint then column order: what both reverse engineering and drift checks read."""
    return execute(connection,
        "SELECT constraint_name, column_name, referenced_table_schema, referenced_table_name, "
        "referenced_column_name FROM information_schema.key_column_usage WHERE table_schema=%s AND "
        "table_name=%s AND referenced_table_name IS NOT NULL ORDER BY constraint_name, ordinal_position",
        (database, table)).fetchall()


def index_rows(connection, database, table):
    """``SHOW INDEX`` of a table as dicts (Key_name, Seq_in_index, Column_name, Non_unique, ...)."""
    return execute(connection, f"SHOW INDEX FROM {sql_table(full_table_name(database, table))}",
                   as_dict=True).fetchall()


def table_status(connection, database, table):
    """``SHOW TABLE STATUS`` of one table as a dict, or None when it does not exist."""
    return execute(connection, "SHOW TABLE STATUS FROM " + sql_name(database) + " WHERE `Name` = %s",
                   (table,), as_dict=True).fetchone()


def full_columns(connection, database, table):
    """``SHOW FULL COLUMNS`` of a table as dicts (Field, Type, Null, Key, Default, Extra, Comment)."""
    return execute(connection, "SHOW FULL COLUMNS FROM " + sql_table(full_table_name(database, table)),
                   as_dict=True).fetchall()


def create_statement(connection, full_name):
    """The server's ``SHOW CREATE TABLE`` text of a table given as "`db`.`table`"."""
    return execute(connection, f"SHOW CREATE TABLE {sql_table(full_name)}").fetchone()[1]


def base_tables_with_estimates(connection, database):
    """(name, estimated rows, comment) of each base table of `database`, by name."""
    return execute(connection,
        "SELECT TABLE_NAME, TABLE_ROWS, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s "
        "AND TABLE_TYPE='BASE TABLE' ORDER BY TABLE_NAME", (database,)).fetchall()


# --- the foreign-key graph of several schemas (core/dependencies.py) ------------------------------

def primary_keys_of_schemas(connection, names):
    """(schema, table, column) of every primary-key column in `names`, in key order."""
    marks = ",".join(["%s"] * len(names))
    return execute(connection,
        "SELECT table_schema, table_name, column_name FROM information_schema.key_column_usage "
        f"WHERE constraint_name='PRIMARY' AND table_schema IN ({marks}) "
        "ORDER BY table_schema, table_name, ordinal_position", names).fetchall()


def tables_of_schemas(connection, names):
    """(schema, table) of every table in `names`."""
    marks = ",".join(["%s"] * len(names))
    return execute(connection,
        f"SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ({marks})",
        names).fetchall()


def foreign_keys_touching(connection, names):
    """(constraint schema, constraint, schema, table, column, parent schema, parent table, parent column)
    of every foreign-key column whose child or parent lies in `names`."""
    marks = ",".join(["%s"] * len(names))
    return execute(connection,
        "SELECT constraint_schema, constraint_name, table_schema, table_name, column_name, "
        "referenced_table_schema, referenced_table_name, referenced_column_name "
        "FROM information_schema.key_column_usage "
        f"WHERE referenced_table_name IS NOT NULL AND (table_schema IN ({marks}) "
        f"OR referenced_table_schema IN ({marks})) "
        "ORDER BY table_schema, table_name, constraint_name, ordinal_position", list(names) + list(names)).fetchall()


def primary_key_of(connection, database, table):
    """Primary-key column names of one table in key order (a child outside the loaded schemas)."""
    return [row[0] for row in execute(connection,
        "SELECT column_name FROM information_schema.key_column_usage WHERE "
        "constraint_name='PRIMARY' AND table_schema=%s AND table_name=%s "
        "ORDER BY ordinal_position", (database, table)).fetchall()]


# --- the server and this session ------------------------------------------------------------------

def server_uptime(connection):
    """Seconds since the server started (readable without any privilege)."""
    return int(execute(connection, "SHOW GLOBAL STATUS LIKE 'Uptime'").fetchone()[1])


def connection_ids(connection):
    """Ids of the server connections this account can see in PROCESSLIST."""
    return {row[0] for row in execute(connection, "SELECT ID FROM information_schema.PROCESSLIST").fetchall()}


def session_time_zone(connection):
    """This session's ``time_zone``."""
    return execute(connection, "SELECT @@session.time_zone").fetchone()[0]


def use_utc(connection):
    """Make this session exchange timestamps as UTC text."""
    execute(connection, "SET time_zone = '+00:00'")


def set_time_zone(connection, zone):
    """Give this session the ``time_zone`` `zone` (e.g. one read by ``session_time_zone``)."""
    execute(connection, "SET time_zone = %s", (zone,))


def set_foreign_key_checks(connection, on):
    """Switch this session's foreign-key checks on or off."""
    execute(connection, "SET foreign_key_checks = 1" if on else "SET foreign_key_checks = 0")


def set_autocommit(connection, on):
    """Switch this session's autocommit on or off."""
    execute(connection, "SET autocommit=1" if on else "SET autocommit=0")


def commit(connection):
    """``COMMIT`` sent as a statement (a chained worker's implicit transaction)."""
    execute(connection, COMMIT)


def savepoint(connection, name):
    """``SAVEPOINT name``: a point inside the caller's transaction that a failed step rolls back to."""
    execute(connection, f"SAVEPOINT {sql_name(name)}")


def release_savepoint(connection, name):
    """Forget the savepoint `name` (its work stays part of the transaction)."""
    execute(connection, f"RELEASE SAVEPOINT {sql_name(name)}")


def rollback_to_savepoint(connection, name):
    """Undo what was done since the savepoint `name`, then forget it."""
    execute(connection, f"ROLLBACK TO SAVEPOINT {sql_name(name)}")
    release_savepoint(connection, name)


def ping(connection):
    """A statement that only proves the session answers."""
    execute(connection, "SELECT 1").fetchall()


# --- what an archive reads (sharing/archive_catalog.py, sharing/archive_model.py) ------------------

def schema_charset(connection, schema):
    """(default character set, default collation) of a database, or None when it does not exist."""
    return execute(connection,
        "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA "
        "WHERE SCHEMA_NAME=%s", (schema,)).fetchone()


def base_tables(connection, schema):
    """Names of the base tables (no views) of a database, in order."""
    return [row[0] for row in execute(connection,
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s AND TABLE_TYPE='BASE TABLE' "
        "ORDER BY TABLE_NAME", (schema,)).fetchall()]


def column_headings(connection, schema, table):
    """(name, type, data type, nullable, key, default, comment, extra) of each column in table order."""
    return execute(connection,
        "SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_KEY, COLUMN_DEFAULT, "
        "COLUMN_COMMENT, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=%s AND TABLE_NAME=%s "
        "ORDER BY ORDINAL_POSITION", (schema, table)).fetchall()


def foreign_keys_of_schemas(connection, schemas):
    """(schema, table, constraint, column, parent schema, parent table, parent column) of every
    foreign-key column whose child lies in `schemas`."""
    marks = ", ".join(["%s"] * len(schemas))
    return execute(connection,
        "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, "
        "REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
        f"WHERE TABLE_SCHEMA IN ({marks}) AND REFERENCED_TABLE_NAME IS NOT NULL "
        "ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION", tuple(schemas)).fetchall()


def collation_count(connection, charset, collation):
    """How many collations match `charset` and `collation` (either may be None: any)."""
    return execute(connection,
        "SELECT COUNT(*) FROM information_schema.COLLATIONS WHERE (%s IS NULL OR CHARACTER_SET_NAME=%s) "
        "AND (%s IS NULL OR COLLATION_NAME=%s)", (charset, charset, collation, collation)).fetchone()[0]


def check_constraints(connection, schema, table):
    """(name, level, clause) of a table's CHECK constraints (MariaDB; MySQL has no LEVEL and fails)."""
    return execute(connection,
        "SELECT CONSTRAINT_NAME, LEVEL, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
        "WHERE CONSTRAINT_SCHEMA=%s AND TABLE_NAME=%s", (schema, table)).fetchall()


def column_models(connection, schema, table):
    """(name, type, nullable, default, comment, extra, charset, collation) of each column in order."""
    return execute(connection,
        "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_COMMENT, EXTRA, "
        "CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=%s "
        "AND TABLE_NAME=%s ORDER BY ORDINAL_POSITION", (schema, table)).fetchall()


def table_options(connection, schema, table):
    """(engine, collation, create options, comment, charset of the collation) of a table."""
    return execute(connection,
        "SELECT t.ENGINE, t.TABLE_COLLATION, t.CREATE_OPTIONS, t.TABLE_COMMENT, c.CHARACTER_SET_NAME "
        "FROM information_schema.TABLES t LEFT JOIN information_schema.COLLATIONS c "
        "ON c.COLLATION_NAME = t.TABLE_COLLATION WHERE t.TABLE_SCHEMA=%s AND t.TABLE_NAME=%s",
        (schema, table)).fetchone()


def referential_rules(connection, schema, table):
    """{constraint: (on update, on delete)} of a table's foreign keys."""
    return {name: (update, delete) for name, update, delete in execute(connection,
        "SELECT CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS "
        "WHERE CONSTRAINT_SCHEMA=%s AND TABLE_NAME=%s", (schema, table)).fetchall()}



# --- the statements the connection itself sends (core/connection.py) -------------------------------
# The connection runs these on its own driver cursor (at connect time, before ``execute`` can be
# used, or as the transaction machinery ``execute`` relies on), so they are texts, not functions.

CONNECTION_ID = "SELECT connection_id()"
TLS_CIPHER = "SHOW STATUS LIKE 'Ssl_cipher'"
CURRENT_USER = "SELECT user()"
START_TRANSACTION = "START TRANSACTION WITH CONSISTENT SNAPSHOT"
ROLLBACK = "ROLLBACK"
COMMIT = "COMMIT"
