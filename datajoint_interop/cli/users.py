"""`dji user add|list|remove|require-tls`, `dji grant`, `dji revoke`, `dji whoami`.

Passwords are read from the environment variable DJI_NEW_PASSWORD or a hidden prompt, never
from the command line, so they stay out of shell history and process listings.
"""
import sys

from ..core import accounts
from ..sharing import admin
from ..core.errors import DataJointError

_ROLE_HELP = ("reader: SELECT; writer: + INSERT, UPDATE, DELETE (data and ~jobs), LOCK TABLES; "
              "admin: + CREATE, DROP, ALTER, REFERENCES, INDEX, views and GRANT OPTION within the pattern")


def _connection():
    from ..core.connection import conn
    return conn()


def _account_args(parser):
    parser.add_argument("name", help="user name, optionally name@host")
    parser.add_argument("--host", default=None, help="host pattern of the account (default: %%, any host)")


def register(sub):
    user = sub.add_parser("user", help="create, list and remove database users",
                          description="Manage logins on the database server itself (no parallel user database).")
    actions = user.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    add = actions.add_parser(
        "add", help="create a user",
        description="Create a user. The password comes from $DJI_NEW_PASSWORD or is prompted for twice "
                    "(never give it on the command line).")
    _account_args(add)
    add.add_argument("--password-prompt", action="store_true",
                     help="prompt for the password even if DJI_NEW_PASSWORD is set")
    add.add_argument("--require-tls", action="store_true", help="refuse unencrypted connections for this user")
    add.add_argument("--role", choices=admin.ROLES, help="also grant this role on --schema")
    add.add_argument("--schema", help="schema name or LIKE pattern for --role")
    add.set_defaults(func=_add)

    listing = actions.add_parser("list", help="list users, their TLS requirement and roles")
    listing.set_defaults(func=_list)

    remove = actions.add_parser("remove", help="drop a user and all its grants")
    _account_args(remove)
    remove.set_defaults(func=_remove)

    tls = actions.add_parser("require-tls", help="require (or with --off, stop requiring) TLS for a user")
    _account_args(tls)
    tls.add_argument("--off", action="store_true", help="allow unencrypted connections again")
    tls.set_defaults(func=_require_tls)

    grant = sub.add_parser("grant", help="give a user a role on schemas matching a pattern",
                           description="Give NAME exactly ROLE on the schemas matching PATTERN (a MySQL LIKE "
                                       "pattern: % any text, _ any character, \\_ a literal underscore). "
                                       "A previous role on the same pattern is replaced. A pattern that could "
                                       "match a system schema (mysql, information_schema, performance_schema, "
                                       "sys) is refused, and so is one outside the patterns you may grant on. "
                                       + _ROLE_HELP)
    # (a description is printed as written; only argument help texts need '%%' for '%')
    _account_args(grant)
    grant.add_argument("pattern", help="schema name or pattern, e.g. 'lab\\_%%'")
    grant.add_argument("--role", required=True, choices=admin.ROLES, help=_ROLE_HELP)
    grant.set_defaults(func=_grant)

    revoke = sub.add_parser("revoke", help="remove a user's privileges on a schema pattern")
    _account_args(revoke)
    revoke.add_argument("pattern", help="the pattern exactly as it was granted")
    revoke.set_defaults(func=_revoke)

    whoami = sub.add_parser("whoami", help="show the connected account, TLS state and roles")
    whoami.set_defaults(func=_whoami)

    password = sub.add_parser("password", help="change your own password (prompted, or $DJI_NEW_PASSWORD)")
    password.set_defaults(func=_password)


def _password_for(args):
    """--password-prompt always prompts; otherwise $DJI_NEW_PASSWORD, else a prompt on a terminal."""
    try:
        if args.password_prompt:
            return admin.obtain_password(env=None)
        return admin.obtain_password(interactive=sys.stdin.isatty())
    except EOFError:
        raise DataJointError("No password: set DJI_NEW_PASSWORD or run interactively") from None


def _add(args):
    if (args.role is None) != (args.schema is None):
        raise DataJointError("--role and --schema go together")
    name, host = admin.parse_account(args.name, args.host)
    connection = _connection()
    if args.role:  # a refused pattern must not leave a new login behind
        admin.check_grant(args.schema, args.role, connection)
    password = _password_for(args)
    admin.create_user(name, password, host=host, require_tls=args.require_tls, connection=connection)
    print(f"Created user '{name}'@'{host}'" + (" (TLS required)" if args.require_tls else ""))
    if args.role:
        admin.grant(name, args.schema, args.role, host=host, connection=connection)
        print(f"Granted {args.role} on '{args.schema}'")
    return 0


def _list(args):
    users = admin.list_users(_connection())
    print(f"{'user':<24} {'host':<16} {'tls':<4} roles")
    for u in users:
        roles = ([f"all schemas: {u['global_role']}"] if u["global_role"] else []) + [
            f"{pattern}: {role}" for pattern, role in sorted(u["grants"].items())]
        roles = "; ".join(roles) or "-"
        print(f"{u['user']:<24} {u['host']:<16} {'yes' if u['require_tls'] else 'no':<4} {roles}")
    return 0


def _remove(args):
    name, host = admin.parse_account(args.name, args.host)
    admin.drop_user(name, host=host, connection=_connection())
    print(f"Removed user '{name}'@'{host}'")
    return 0


def _require_tls(args):
    name, host = admin.parse_account(args.name, args.host)
    admin.set_require_tls(name, not args.off, host=host, connection=_connection())
    print(f"User '{name}'@'{host}' " + ("may connect without TLS" if args.off else "must connect with TLS"))
    return 0


def _grant(args):
    name, host = admin.parse_account(args.name, args.host)
    admin.grant(name, args.pattern, args.role, host=host, connection=_connection())
    print(f"'{name}'@'{host}' is now {args.role} on schemas matching '{args.pattern}'")
    return 0


def _revoke(args):
    name, host = admin.parse_account(args.name, args.host)
    admin.revoke(name, args.pattern, host=host, connection=_connection())
    print(f"Revoked the privileges of '{name}'@'{host}' on '{args.pattern}'")
    return 0


def _whoami(args):
    info = admin.whoami(_connection())
    print(f"account:  {info['account']} (logged in as {info['login']})")
    print(f"server:   {info['server']}")
    print(f"tls:      {info['tls_cipher'] or 'not encrypted'}")
    if info["role"]:
        print(f"role:     {info['role']}")
    if info["global_role"]:
        print(f"schemas:  all schemas: {info['global_role']}")
    if info["grants"]:
        for pattern, role in sorted(info["grants"].items()):
            print(f"schemas:  {pattern}: {role}")
    elif not info["global_role"]:
        print("schemas:  (no schema-level grants)")
    for line in info["grant_statements"]:
        if " ON *.* " in line and not accounts.is_usage_only(line):
            print(f"global:   {line}")
    return 0


def _password(args):
    try:
        password = admin.obtain_password(interactive=sys.stdin.isatty())
    except EOFError:
        raise DataJointError("No password: set DJI_NEW_PASSWORD or run interactively") from None
    admin.set_password(password, connection=_connection(), update_config=False)
    print("Password changed.")
    return 0
