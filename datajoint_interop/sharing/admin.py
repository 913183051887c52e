"""Accounts and privileges, kept in the server's own privilege system.

There is deliberately no user table of our own: MySQL/MariaDB already authenticates, authorizes
and audits every statement, for MATLAB and Python clients alike. This module only turns three
DataJoint-level roles into GRANT statements on schema patterns, and answers "may I?" questions so
that callers (delete cascades, the CLI) can refuse up front with a precise message instead of
failing half-way.

User names and host patterns are string literals in MySQL's grammar, so they travel as bound
parameters; schema patterns are identifiers and go through ``quote_identifier``. A grant pattern
never reaches the server's own schemas, and a pattern administrator may only pass a role on within
the patterns it holds with GRANT OPTION (see ``check_grant``). On MariaDB a plain password never
travels in statement text: only its mysql_native_password hash does, computed here (a general or
binary log records statement text); passwords are never logged or echoed.
"""
from getpass import getpass  # a module attribute, so tests (0.14's too) can replace it
import hashlib
import logging
import os
import re

from ..core import errors
from ..core.errors import AccessError, DataJointError, GrantError
from .grant_patterns import covers, matches
from ..core.connection import conn, SQL_MODE
from ..core.sql import escape_percent, execute, quote_identifier, split_full_table_name
from ..core.settings import config
from ..core import accounts, catalog
from ..core.accounts import ALL_PRIVILEGES, GRANT_OPTION, ROLE_PRIVILEGES  # noqa: F401  (ROLE_PRIVILEGES: public name)
from ..core.prompt import user_choice

logger = logging.getLogger(__name__.split(".")[0])

ROLES = tuple(ROLE_PRIVILEGES)  # ROLE_PRIVILEGES (each role's privileges) lives in core/accounts.py

#: databases that belong to the server: never listed as schemas, never reachable by a grant
SYSTEM_SCHEMAS = frozenset({"information_schema", "performance_schema", "mysql", "sys"})
#: accounts the server itself uses (definers of its views and procedures): never managed here
SYSTEM_ACCOUNTS = frozenset({"mariadb.sys", "mysql.sys", "mysql.session", "mysql.infoschema"})

_USER_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,79}$")
#: a host name or pattern (labels of letters, digits, '-', '%', '_'), an IPv4 address with a
#: netmask, or an IPv6 address (optionally a '%' pattern); at most 255 characters
_HOST_NAME = re.compile(r"^(?:[A-Za-z0-9_%\-]+(?:\.[A-Za-z0-9_%\-]+)*"
                        r"|\d{1,3}(?:\.\d{1,3}){3}/\d{1,3}(?:\.\d{1,3}){3}"
                        r"|[0-9A-Fa-f.%]*:[0-9A-Fa-f:.%]*)$")
_HOST_MAX = 255
_SCHEMA_PATTERN = re.compile(r"^[A-Za-z0-9_$%\\\-]{1,64}$")
_PASSWORD_ENV = "DJI_NEW_PASSWORD"
_SECRET = re.compile(r"(IDENTIFIED BY PASSWORD|USING) '[^']*'")


def _conn(connection):
    if connection is None:
        connection = conn()
    return connection


# ------------------------------------------------------------------------------ validation
def parse_account(account, host=None):
    """Split 'name' or 'name@host' into a validated (name, host); host defaults to '%'.

    Validated before any SQL is sent, so that a typo or a hostile value is refused with a message
    instead of reaching (or silently creating) a different account.
    """
    if not isinstance(account, str):
        raise DataJointError(f"Invalid user name {account!r}: expected a string")
    name, at, at_host = account.partition("@")
    if at and host is not None and host != at_host:
        raise DataJointError(
            f"Account {account!r} names host {at_host!r} but host {host!r} was also given: give it once")
    host = host if host is not None else (at_host if at else "%")
    if not _USER_NAME.match(name):
        raise DataJointError(
            f"Invalid user name {name!r}: use 1-80 letters, digits, '_', '.' or '-' "
            "(not starting with '.' or '-')")
    if name.lower() in SYSTEM_ACCOUNTS:
        raise DataJointError(f"User {name!r} belongs to the server itself and is not managed by datajoint_interop")
    if not isinstance(host, str) or len(host) > _HOST_MAX or not _HOST_NAME.match(host):
        raise DataJointError(
            f"Invalid host {host!r} for user {name!r}: use '%' (any host), a host name or pattern "
            "('%.lab.org'), an IPv4 address or pattern ('10.0.0.%', '10.0.0.0/255.255.255.0') "
            f"or an IPv6 address, at most {_HOST_MAX} characters")
    return name, host


def validate_schema_pattern(pattern):
    """A schema name or LIKE pattern as used in ``GRANT ... ON `pattern`.*`` (syntax only).

    Revoking accepts any such pattern, so that grants made elsewhere can be cleaned up;
    granting also goes through ``check_grant``.
    """
    if not isinstance(pattern, str) or not _SCHEMA_PATTERN.match(pattern):
        raise DataJointError(
            f"Invalid schema pattern {pattern!r}: use letters, digits, '_', '$', '-', and the "
            "wildcards '%' (any text) and '_' (any one character; write '\\_' for a literal underscore)")
    return pattern


def system_schemas_reached(pattern):
    """The system schemas a grant pattern would match, sorted.

    Letter case is ignored: with lower_case_table_names set the server folds names, and no
    DataJoint schema has a reason to be called 'MySQL'.
    """
    return sorted(schema for schema in SYSTEM_SCHEMAS if matches(pattern, schema, fold_case=True))


def check_grant(pattern, role, connection=None):
    """Refuse (GrantError) a grant of `role` on `pattern` before anything reaches the server.

    The rule: (1) the pattern must match none of the system schemas (mysql, information_schema,
    performance_schema, sys): a reader there reads password hashes, a writer rewrites privileges;
    (2) the granting account must hold every privilege of the role WITH GRANT OPTION, either
    globally or on one of its schema patterns that covers every name `pattern` can match. The
    server enforces (2) as well; checking it here names what is missing. With a connection
    both are checked, without one only (1).
    """
    validate_role(role)
    validate_schema_pattern(pattern)
    reached = system_schemas_reached(pattern)
    if reached:
        raise GrantError(
            f"Refusing to grant on schema pattern '{pattern}': it matches the server's own schema"
            f"{'s' if len(reached) > 1 else ''} {', '.join(reached)} ('%' is any text and '_' any one "
            "character; write '\\_' for a literal underscore, e.g. 'lab\\_%')")
    if connection is not None:
        _check_grantor(_conn(connection), pattern, role)
    return pattern


def _check_grantor(connection, pattern, role):
    """Rule (2) of check_grant: the granting account may pass `role` on over all of `pattern`.

    information_schema hides a role's grants from the account using it, so with a role active
    the server alone decides (it enforces the same rule).
    """
    account, active_role = catalog.current_grantees(connection)
    if active_role:
        return
    global_privileges, schema_privileges = _grantable_privileges(connection, account)
    missing = [privilege for privilege in ROLE_PRIVILEGES[role]
               if privilege not in global_privileges
               and not any(privilege in held and covers(owned, pattern)
                           for owned, held in schema_privileges.items())]
    if missing:
        own = ", ".join(repr(p) for p in sorted(schema_privileges)) or "none"
        raise GrantError(
            f"{account} may not grant {role} on schema pattern '{pattern}': it lacks {', '.join(missing)} "
            f"WITH GRANT OPTION on a pattern covering every schema '{pattern}' matches "
            f"(patterns it may grant on: {own})")


def _grantable_privileges(connection, grantee):
    """(global privileges, {schema pattern: privileges}) that `grantee` holds WITH GRANT OPTION."""
    return (catalog.global_privileges(connection, [grantee], grantable=True),
            catalog.schema_privileges(connection, [grantee], grantable=True))


def validate_role(role):
    if role not in ROLE_PRIVILEGES:
        raise DataJointError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}")
    return role


def _check_password(password):
    """A non-empty string of printable ASCII characters.

    The Python driver sends a login password as latin-1 while the server hashes a new password's
    UTF-8 bytes, so an account with a non-ASCII password could not log in from Python at all
    (and control characters cannot be typed at every prompt).
    """
    if not isinstance(password, str) or not password:
        raise DataJointError("The password must be a non-empty string")
    bad = sorted({ch for ch in password if not " " <= ch <= "~"})
    if bad:
        raise DataJointError(
            f"The password contains {len(bad)} character(s) that are not printable ASCII (e.g. "
            f"{ascii(bad[0])}): use letters, digits, spaces and ASCII punctuation, so that Python "
            "and MATLAB clients log in alike")
    return password


def native_password_hash(password):
    """The mysql_native_password hash of `password`: '*' and the upper-case hex SHA1(SHA1(utf-8 bytes)).

    It is what MariaDB stores and what its PASSWORD() returns; computing it here lets statements
    carry the hash instead of the password, so a general, slow or binary log never shows the
    password itself (the hash is still a secret: keep such logs private).
    """
    stage = hashlib.sha1(_check_password(password).encode("utf-8")).digest()
    return "*" + hashlib.sha1(stage).hexdigest().upper()


def _is_mariadb(connection):
    return "mariadb" in catalog.server_version(connection).lower()


def obtain_password(prompt="New password: ", *, env=_PASSWORD_ENV, interactive=True, mismatch_raises=True):
    """A new password from the environment or typed twice at a hidden prompt, never from argv.
    Two different answers raise, or with ``mismatch_raises=False`` give None."""
    value = os.environ.get(env) if env else None
    if value:
        return _check_password(value)
    if not interactive:
        raise DataJointError(f"No password given: set the environment variable {env} or use the prompt")
    first = getpass(prompt)
    second = getpass("Confirm password: ")
    if first != second:
        if not mismatch_raises:
            return None
        raise DataJointError("The two passwords do not match; nothing was changed")
    return _check_password(first)


# ------------------------------------------------------------------------------ accounts
def create_user(name, password, *, host=None, require_tls=False, connection=None):
    """Create a login (CREATE USER ... IDENTIFIED BY PASSWORD <hash> [REQUIRE SSL]).

    On MariaDB only the hash travels; MySQL has no hash form for its default plugin, so there the
    password is a bound value, which MySQL itself masks in its logs.
    """
    name, host = parse_account(name, host)
    _check_password(password)
    connection = _conn(connection)
    hashed = _is_mariadb(connection)
    secret = native_password_hash(password) if hashed else password
    try:
        accounts.create_user(connection, name, host, secret, hashed, require_tls)
    except errors.QueryError as error:
        if getattr(error, "errno", None) == 1396:
            raise DataJointError(f"User '{name}'@'{host}' already exists") from None
        raise
    logger.info("created user %s@%s", name, host)
    return name, host


def set_require_tls(name, require=True, *, host=None, connection=None):
    """Make an existing account require (or stop requiring) an encrypted connection."""
    name, host = parse_account(name, host)
    accounts.set_require_tls(_conn(connection), name, host, require)


def drop_user(name, *, host=None, connection=None):
    """Remove a login and all its grants."""
    name, host = parse_account(name, host)
    try:
        accounts.drop_user(_conn(connection), name, host)
    except errors.QueryError as error:
        if getattr(error, "errno", None) == 1396:
            raise DataJointError(f"User '{name}'@'{host}' does not exist") from None
        raise
    logger.info("dropped user %s@%s", name, host)


def list_users(connection=None):
    """[{user, host, require_tls, global_role, grants: {pattern: role or privilege list}}].

    Needs access to mysql.user (an administrator account). ``global_role`` is the role on all
    schemas (``ON *.*``), None for accounts with schema grants only.
    """
    connection = _conn(connection)
    try:
        try:
            rows = accounts.login_accounts(connection)
        except errors.UnknownAttributeError:  # MySQL: no is_role column (roles are locked accounts there)
            rows = accounts.login_accounts(connection, no_role_column=True)
    except AccessError as error:
        raise AccessError(f"Listing users needs SELECT on mysql.user (an administrator account): {error}") from None
    users = []
    for name, host, ssl_type in rows:
        if name in SYSTEM_ACCOUNTS:
            continue
        users.append(dict(user=name, host=host, require_tls=bool(ssl_type and ssl_type not in ("", "NONE")),
                          global_role=global_role(name, host=host, connection=connection),
                          grants=schema_grants(name, host=host, connection=connection)))
    return users


def _show_grants(connection, name=None, host=None):
    # the stored password hash is nobody's business in a report
    return [_SECRET.sub(r"\1 <secret>", line) for line in accounts.show_grants(connection, name, host)]


def _unquote_target(target):
    database = target.split(".", 1)[0]
    if database.startswith("`") and database.endswith("`"):
        database = database[1:-1].replace("``", "`")
    return database


def _grant_entries(connection, name, host):
    """(target, privileges) of each privilege grant of an account, from SHOW GRANTS.

    PROXY grants (``GRANT PROXY ON ''@'%'``, which root and mysql carry) name an account to
    impersonate, not a schema: they are not privileges on data and are left out.
    """
    entries = []
    for line in _show_grants(connection, name, host):
        entry = accounts.parse_grant(line)
        if entry is not None:
            entries.append(entry)
    return entries


def _account(name, host):
    return (None, None) if name is None else parse_account(name, host)


def schema_grants(name=None, *, host=None, connection=None):
    """Schema-level grants of an account (the current one by default): {pattern: role-or-privileges}.

    A grant that matches a role exactly is reported by the role name; anything else by the sorted
    privilege list, so hand-made grants remain visible. Server-wide grants are in ``global_role``.
    """
    connection = _conn(connection)
    name, host = _account(name, host)
    result = {}
    for target, privileges in _grant_entries(connection, name, host):
        if target.startswith("*.*"):
            continue
        pattern = _unquote_target(target)
        if not target.endswith(".*"):
            pattern = target  # table-level grant: show it verbatim
        result[pattern] = _role_of(privileges)
    return result


def global_role(name=None, *, host=None, connection=None):
    """The account's role on every schema (``ON *.*``), or None when it has none (USAGE only).

    An account with ALL PRIVILEGES on *.* (root), or at least an admin's privileges with GRANT
    OPTION, is an admin everywhere; listing it without a role would suggest it may do nothing.
    """
    connection = _conn(connection)
    name, host = _account(name, host)
    privileges = set()
    for target, granted in _grant_entries(connection, name, host):  # MySQL 8 splits them over lines
        if target.startswith("*.*"):
            privileges |= granted - {"USAGE"}
    if not privileges:
        return None
    if privileges >= set(ROLE_PRIVILEGES["admin"]) | {GRANT_OPTION}:
        return "admin"  # MySQL 8 lists root's privileges one by one instead of ALL PRIVILEGES
    return _role_of(privileges)


def _role_of(privileges):
    """The role name for a set of privileges; ALL PRIVILEGES with GRANT OPTION is admin."""
    if privileges >= {ALL_PRIVILEGES, GRANT_OPTION}:
        return "admin"
    for role in reversed(ROLES):
        expected = set(ROLE_PRIVILEGES[role]) | ({GRANT_OPTION} if role == "admin" else set())
        if privileges == expected:
            return role
    if ALL_PRIVILEGES in privileges:
        return "all privileges"  # everything but passing it on (no GRANT OPTION)
    return ", ".join(sorted(privileges))


# ------------------------------------------------------------------------------ grants
def _grant_target(pattern):
    # the pattern's own '%' must survive the driver's %-formatting of the bound account name
    return escape_percent(quote_identifier(validate_schema_pattern(pattern))) + ".*"


def revoke(name, pattern, *, host=None, connection=None, missing_ok=False):
    """Remove every privilege of the account on the schema pattern (as written when granted)."""
    name, host = parse_account(name, host)
    target = _grant_target(pattern)
    connection = _conn(connection)
    found = False
    # MariaDB revokes GRANT OPTION in its own statement. REVOKE ALL needs every privilege, which a
    # pattern admin (our admin role) lacks; it may still revoke the privileges the roles consist of.
    for what in (ALL_PRIVILEGES, GRANT_OPTION):
        try:
            try:
                accounts.revoke(connection, what, target, name, host)
            except AccessError:
                if what != ALL_PRIVILEGES:
                    raise
                accounts.revoke(connection, ", ".join(ROLE_PRIVILEGES["admin"]), target, name, host)
            found = True
        except errors.QueryError as error:
            if getattr(error, "errno", None) != 1141:
                raise
    if not found:
        if missing_ok:
            return False
        raise DataJointError(f"User '{name}'@'{host}' has no grant on schema pattern '{pattern}'")
    logger.info("revoked %s@%s on %s", name, host, pattern)
    return True


def grant(name, pattern, role, *, host=None, connection=None):
    """Give the account exactly `role` on the schemas matching `pattern` (replacing a previous role).

    Refused with GrantError when the pattern reaches a system schema or lies outside what the
    connected account may grant (``check_grant``).
    """
    name, host = parse_account(name, host)
    connection = _conn(connection)
    check_grant(pattern, role, connection)
    target = _grant_target(pattern)
    # a role is the complete set on this pattern: demoting a writer to reader must drop INSERT etc.
    revoke(name, pattern, host=host, connection=connection, missing_ok=True)
    # MariaDB creates a missing account, without a password, on GRANT unless NO_AUTO_CREATE_USER is
    # in the mode (DataJoint's session mode leaves it out); MySQL 8 never does and lacks the flag
    mode = f"{SQL_MODE},NO_AUTO_CREATE_USER" if _is_mariadb(connection) else None
    try:
        accounts.grant(connection, ", ".join(ROLE_PRIVILEGES[role]), target, name, host,
                       grant_option=role == "admin", sql_mode=mode)
    except errors.QueryError as error:
        if getattr(error, "errno", None) in (1133, 1410):
            raise DataJointError(f"User '{name}'@'{host}' does not exist: create it with `dji user add`") from None
        raise
    logger.info("granted %s to %s@%s on %s", role, name, host, pattern)


# ------------------------------------------------------------------------------ current user
def whoami(connection=None):
    """Who the server thinks we are, how we are connected, and what we may do."""
    connection = _conn(connection)
    user, current, role = accounts.session_accounts(connection)
    return dict(login=user, account=current, role=role, tls_cipher=connection.tls_cipher(),
                server=catalog.server_version(connection),
                grants=schema_grants(connection=connection), global_role=global_role(connection=connection),
                grant_statements=_show_grants(connection))


def set_password(new_password=None, connection=None, update_config=None):
    """Change the password of the connected account (prompted twice when not given)."""
    connection = _conn(connection)
    if new_password is None:
        new_password = obtain_password(mismatch_raises=False)
        if new_password is None:  # as 0.14: a warning, and nothing changes
            logger.warning("Failed to confirm the password! Aborting password change.")
            return
    _check_password(new_password)
    # ALTER USER needs the CREATE USER privilege on MariaDB; SET PASSWORD for oneself needs none.
    # MariaDB takes a quoted string there as the stored hash, so only the hash travels.
    secret = native_password_hash(new_password) if _is_mariadb(connection) else new_password
    accounts.set_own_password(connection, secret)
    connection._password = new_password  # later reconnects must use the new secret
    logger.info("password changed for the current user")
    if update_config or (update_config is None and user_choice("Update local setting?") == "yes"):
        config["database.password"] = new_password
        save = getattr(config, "save_local", None)
        if save is not None:
            save()


def list_schemas(connection=None):
    """Names of the schemas this account can see (the server filters SHOW DATABASES by privilege)."""
    return [name for name in accounts.visible_databases(_conn(connection)) if name.lower() not in SYSTEM_SCHEMAS]


# ------------------------------------------------------------------------------ privilege checks
def _split(full_table_name):
    return split_full_table_name(full_table_name)


def _catalog_has(connection, database, table, privilege):
    """Whether information_schema grants `privilege` on db.table to us (global, schema or table level)."""
    grantees = catalog.current_grantees(connection)
    if privilege in catalog.global_privileges(connection, grantees):
        return True
    if any(privilege in held and matches(pattern, database)
           for pattern, held in catalog.schema_privileges(connection, grantees).items()):
        return True
    return privilege in catalog.table_privileges(connection, grantees, database, table)


def has_privilege(connection, full_table_name, privilege):
    """True if the current account may run `privilege` (SELECT, INSERT, UPDATE, DELETE, DROP, ...) on the table.

    Data privileges are probed with EXPLAIN of the statement itself, which the server authorizes
    exactly like the real statement (roles, wildcards and table grants included) without running
    it. Structural privileges are looked up in information_schema.
    """
    privilege = privilege.upper()
    database, table = _split(full_table_name)
    quoted = quote_identifier(database) + "." + quote_identifier(table)
    if not accounts.has_probe(privilege):
        return _catalog_has(connection, database, table, privilege)
    column = None
    if accounts.probe_needs_column(privilege):
        name = accounts.first_column(connection, database, table)
        column = quote_identifier(name) if name else None
        if column is None:
            return _catalog_has(connection, database, table, privilege)
    try:
        accounts.probe(connection, privilege, quoted, column)
    except AccessError:
        return False
    except errors.MissingTableError:
        raise
    except errors.QueryError:
        # the statement was authorized but could not be explained (e.g. no default values)
        return True
    return True


def missing_privileges(connection, full_table_names, privilege):
    """The subset of `full_table_names` (in the given order) on which `privilege` is not granted.

    Used by delete cascades to name every dependent table a user may not delete from before
    deleting anything.
    """
    connection = _conn(connection)
    return [name for name in full_table_names if not has_privilege(connection, name, privilege)]


def require_privilege(connection, full_table_names, privilege, action=None):
    """Raise AccessError naming every table in `full_table_names` lacking `privilege`."""
    missing = missing_privileges(connection, list(full_table_names), privilege)
    if missing:
        who = accounts.current_account(connection)
        raise AccessError(
            f"{action or privilege.capitalize()} not permitted: user {who} lacks the {privilege.upper()} "
            f"privilege on {', '.join(missing)}")


# ------------------------------------------------------------------------------ server connections
def _processes(connection, restriction=None, order_by=None):
    """The matching connections as dicts with lower-case keys (id, user, host, ...)."""
    sql, params = accounts.processes_query(restriction, order_by)
    cursor = execute(connection, sql, params)
    names = [d[0].lower() for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _kill_process(connection, pid):
    """End one server connection; False if it was already gone (server error 1094)."""
    try:
        accounts.kill(connection, pid)
    except errors.QueryError as error:
        if "1094" not in str(error) and "Unknown thread" not in str(error):
            raise
        logger.warning("Process %d not found", pid)
        return False
    return True


def kill(restriction=None, connection=None, order_by=None):
    """List the server's other connections and end those whose id the user types ("q" quits).

    Same use as 0.14: ``dj.kill('HOST LIKE "%compute%"')``, ``dj.kill('TIME > 600')``.
    """
    connection = _conn(connection)
    while True:
        print("  ID USER         HOST          STATE         TIME    INFO")
        print("+--+ +----------+ +-----------+ +-----------+ +-----+")
        for process in _processes(connection, restriction, order_by):
            try:
                print("{id:>4d} {user:<12s} {host:<12s} {state:<12s} {time:>7d}  {info}".format(**process))
            except (TypeError, ValueError):
                print(process)
        response = input('process to kill or "q" to quit > ')
        if response == "q":
            break
        if response.strip().isdigit():
            _kill_process(connection, int(response))


def kill_quick(restriction=None, connection=None):
    """End every other connection matching ``restriction`` without asking; returns how many."""
    connection = _conn(connection)
    return sum(_kill_process(connection, process["id"]) for process in _processes(connection, restriction))
