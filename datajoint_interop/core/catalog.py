"""What the server says about itself: schemas, tables, columns, foreign keys, settings.

Every question the package asks ``information_schema`` or the server's variables, that more than
one module needs, is asked here, once, with bound values. Statements over the rows of user tables
come from the query compiler instead; the two together are where SQL is written.
"""
from .sql import execute


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
    """The server's ``max_allowed_packet`` in bytes, read once per server connection.

    The value is kept on the Connection with the server's connection id, so a reconnect (a new
    session, possibly after ``SET GLOBAL max_allowed_packet``) reads it again instead of reusing a
    value cached for an older session.
    """
    session = getattr(connection, "connection_id", None)
    cached = getattr(connection, "_max_allowed_packet", None)
    if cached is not None and session is not None and cached[0] == session:
        return cached[1]
    size = int(execute(connection, "SELECT @@max_allowed_packet").fetchone()[0])
    try:
        connection._max_allowed_packet = (getattr(connection, "connection_id", None), size)
    except AttributeError:  # an object that takes no attributes: read again next time
        pass
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
