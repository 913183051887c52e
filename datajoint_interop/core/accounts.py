"""What the server knows about accounts, privileges and connections, and the statements that change it.

The catalog module's counterpart for the server's privilege system: CREATE/ALTER/DROP USER, GRANT,
REVOKE, SHOW GRANTS, the privilege probes, PROCESSLIST and KILL. ``sharing/admin.py`` decides
*what* to grant (roles, patterns, who may pass what on); the text of every such statement is here.
Account names and hosts are string literals in MySQL's grammar, so they are always bound (``%s@%s``);
grant targets come in quoted and %-escaped.
"""
import re

from .errors import DataJointError
from .sql import escape_percent, execute, sql_name

#: privileges of each DataJoint role, cumulative. Writers may change data (including the ``~jobs``
#: rows populate reserves) but not the structure; admins may also declare, alter and drop tables
#: and pass their privileges on within the pattern (GRANT OPTION).
ROLE_PRIVILEGES = {
    "reader": ("SELECT",),
    "writer": ("SELECT", "INSERT", "UPDATE", "DELETE", "LOCK TABLES"),
    "admin": ("SELECT", "INSERT", "UPDATE", "DELETE", "LOCK TABLES",
              "CREATE", "DROP", "ALTER", "REFERENCES", "INDEX", "CREATE VIEW", "SHOW VIEW"),
}
#: the privilege of passing privileges on, as SHOW GRANTS and information_schema name it
GRANT_OPTION = "GRANT OPTION"
ALL_PRIVILEGES = "ALL PRIVILEGES"

_GRANT_LINE = re.compile(r"^GRANT (?P<privs>.+?) ON (?P<target>\S+) TO ", re.S)


# --- accounts -------------------------------------------------------------------------------------

def create_user(connection, name, host, secret, hashed, require_tls):
    """CREATE USER with the password's hash (`hashed`, MariaDB) or the bound password itself (MySQL)."""
    identified = "IDENTIFIED BY PASSWORD %s" if hashed else "IDENTIFIED BY %s"
    tls = " REQUIRE SSL" if require_tls else ""
    execute(connection, f"CREATE USER %s@%s {identified}{tls}", (name, host, secret))


def set_require_tls(connection, name, host, require):
    clause = "REQUIRE SSL" if require else "REQUIRE NONE"
    execute(connection, f"ALTER USER %s@%s {clause}", (name, host))


def drop_user(connection, name, host):
    execute(connection, "DROP USER %s@%s", (name, host))


def set_own_password(connection, secret):
    """SET PASSWORD for the connected account (no privilege needed; MariaDB takes the hash)."""
    execute(connection, "SET PASSWORD = %s", (secret,))


def login_accounts(connection, *, no_role_column=False):
    """(user, host, ssl_type) of every named account, roles left out where the server marks them."""
    if no_role_column:  # MySQL: no is_role column (roles are locked accounts there)
        return execute(connection,
            "SELECT User, Host, ssl_type FROM mysql.user WHERE User <> '' ORDER BY User, Host").fetchall()
    return execute(connection,
        "SELECT User, Host, ssl_type FROM mysql.user WHERE User <> '' AND is_role = 'N' "
        "ORDER BY User, Host").fetchall()


def session_accounts(connection):
    """(login user, account the server matched, active role) of this session."""
    return execute(connection, "SELECT USER(), CURRENT_USER(), CURRENT_ROLE()").fetchone()


def current_account(connection):
    return execute(connection, "SELECT CURRENT_USER()").fetchone()[0]


def visible_databases(connection):
    """SHOW DATABASES: the server filters it by this account's privileges."""
    return [row[0] for row in execute(connection, "SHOW DATABASES").fetchall()]


# --- grants ---------------------------------------------------------------------------------------

def show_grants(connection, name=None, host=None):
    """The GRANT statements of an account (the connected one when `name` is None)."""
    if name is None:
        return [row[0] for row in execute(connection, "SHOW GRANTS").fetchall()]
    return [row[0] for row in execute(connection, "SHOW GRANTS FOR %s@%s", (name, host)).fetchall()]


def parse_grant(line):
    """(target, {privileges}) of one SHOW GRANTS line, GRANT OPTION included; None for a line that
    grants no privileges on data (PROXY, roles)."""
    match = _GRANT_LINE.match(line)
    if not match or match.group("privs").strip().upper() == "PROXY":
        return None
    privileges = {p.strip().upper() for p in match.group("privs").split(",")}
    if "WITH GRANT OPTION" in line:
        privileges.add(GRANT_OPTION)
    return match.group("target"), privileges


def is_usage_only(line):
    """Whether a SHOW GRANTS line grants nothing but the right to log in."""
    return line.startswith("GRANT USAGE ")


def revoke(connection, privileges, target, name, host):
    """REVOKE `privileges` (a comma-separated list) on `target` (quoted, %-escaped) from an account."""
    execute(connection, f"REVOKE {privileges} ON {target} FROM %s@%s", (name, host))


def grant(connection, privileges, target, name, host, *, grant_option=False, sql_mode=None):
    """GRANT `privileges` on `target`; with `sql_mode`, under that mode for this statement only
    (MariaDB: ``NO_AUTO_CREATE_USER`` keeps GRANT from creating a missing account)."""
    option = " WITH GRANT OPTION" if grant_option else ""
    prefix = f"SET STATEMENT sql_mode='{sql_mode}' FOR " if sql_mode else ""
    execute(connection, f"{prefix}GRANT {privileges} ON {target} TO %s@%s{option}", (name, host))


# --- may I? ---------------------------------------------------------------------------------------
# Data privileges are probed with EXPLAIN of the statement itself: the server authorizes it exactly
# like the real statement without running it.
_PROBES = {
    "SELECT": "EXPLAIN SELECT 1 FROM {t} WHERE 0",
    "DELETE": "EXPLAIN DELETE FROM {t} WHERE 0",
    "UPDATE": "EXPLAIN UPDATE {t} SET {c}={c} WHERE 0",
    "INSERT": "EXPLAIN INSERT INTO {t} () VALUES ()",
}


def has_probe(privilege):
    return privilege in _PROBES


def probe_needs_column(privilege):
    """Whether the probe of `privilege` names a column (UPDATE sets one to itself)."""
    return "{c}" in _PROBES.get(privilege, "")


def probe(connection, privilege, quoted_table, column=None):
    """Run the EXPLAIN probe of `privilege` on a table; raises what the server raises."""
    execute(connection, escape_percent(_PROBES[privilege].format(t=quoted_table, c=column)))


def first_column(connection, database, table):
    """The table's first column, or None."""
    row = execute(connection,
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=%s AND TABLE_NAME=%s "
        "ORDER BY ORDINAL_POSITION LIMIT 1", (database, table)).fetchone()
    return row[0] if row else None


# --- connections ----------------------------------------------------------------------------------
_PROCESS_ORDER = re.compile(r"^\s*(?P<name>[A-Za-z_]+)(?:\s+(?P<dir>ASC|DESC))?\s*$", re.I)


def processes_query(restriction, order_by):
    """(sql, params) listing the server's connections except our own, as `dj.kill` shows them.

    ``restriction`` is SQL over information_schema.PROCESSLIST's columns (ID, USER, HOST, DB,
    COMMAND, TIME, STATE, INFO), written by the caller as in 0.14 (``'TIME > 600'``), or a dict of
    column -> value compared for equality with bound values. ``order_by`` names columns only.
    """
    sql, params = "SELECT * FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()", []
    if isinstance(restriction, dict):
        for column, value in restriction.items():
            sql += f" AND {sql_name(str(column).upper())} = %s"
            params.append(value)
    elif restriction is not None:
        if not isinstance(restriction, str):
            raise DataJointError(f"kill: the restriction must be SQL text or a dict, got {type(restriction).__name__}")
        sql += f" AND ({escape_percent(restriction)})"
    orders = [order_by] if isinstance(order_by, str) else list(order_by or ["id"])
    terms = []
    for term in orders:
        match = _PROCESS_ORDER.match(term) if isinstance(term, str) else None
        if not match:
            raise DataJointError(f"kill: order_by takes PROCESSLIST column names (optionally ASC/DESC), got {term!r}")
        terms.append(sql_name(match["name"].upper()) + (f" {match['dir'].upper()}" if match["dir"] else ""))
    return sql + " ORDER BY " + ", ".join(terms), params


def kill(connection, pid):
    execute(connection, "KILL %s", (int(pid),))


# --- a private server's first start (server/private.py), on the driver's own cursor ---------------

def bootstrap_private_account(cursor, user, hosts, hashed):
    """Create `user` at each of `hosts` with every privilege and give root@localhost the same
    password hash (no plain password in any statement)."""
    for host in hosts:
        cursor.execute("CREATE USER IF NOT EXISTS %s@%s IDENTIFIED BY PASSWORD %s", (user, host, hashed))
        cursor.execute("GRANT ALL PRIVILEGES ON *.* TO %s@%s WITH GRANT OPTION", (user, host))
    cursor.execute("ALTER USER 'root'@'localhost' IDENTIFIED BY PASSWORD %s", (hashed,))


def drop_open_accounts(cursor):
    """Drop every root account but root@localhost, and anonymous ones."""
    cursor.execute("SELECT user, host FROM mysql.user WHERE (user = 'root' AND host <> 'localhost') "
                   "OR (user = '' AND is_role = 'N')")
    for user, host in cursor.fetchall():
        cursor.execute("DROP USER %s@%s", (user, host))
