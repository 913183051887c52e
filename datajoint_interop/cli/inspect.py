"""`dji schemas`, `dji tables SCHEMA`, `dji jobs SCHEMA`: look at a server without writing code."""
import re

from ..core.errors import DataJointError, MissingTableError
from ..core import catalog
from ..core.sql import execute

_TIERS = (("~", "hidden"), ("__", "computed"), ("_", "imported"), ("#", "lookup"))


def register(sub):
    schemas = sub.add_parser("schemas", help="list the schemas you may see")
    schemas.set_defaults(func=_schemas)

    tables = sub.add_parser("tables", help="list a schema's tables with tier and row count",
                            description="List the tables of SCHEMA with their tier, class name and exact row "
                                        "count (--estimate uses the server's fast estimate instead).")
    tables.add_argument("schema")
    tables.add_argument("--estimate", action="store_true", help="use information_schema's row estimates")
    tables.add_argument("--no-progress", action="store_true", help="no progress bar")
    tables.set_defaults(func=_tables)

    jobs = sub.add_parser("jobs", help="show reserved and failed jobs of a schema",
                          description="Show the ~jobs entries of SCHEMA (reserved, error, ignore): one line each, "
                                      "or with --full the key, status, age, host, pid and error of each job.")
    jobs.add_argument("schema")
    jobs.add_argument("--status", choices=("reserved", "error", "ignore"), help="only this status")
    jobs.add_argument("--limit", type=int, default=100, help="show at most this many entries (default 100)")
    jobs.add_argument("--full", action="store_true",
                      help="show each job in full: key, status, age, host, pid and the whole error message")
    jobs.add_argument("--summary", action="store_true",
                      help="one line per computed table of --pipeline: total, done, pending, reserved, error, "
                           "ignore, recent rate and ETA")
    jobs.add_argument("--pipeline", metavar="MODULE",
                      help="with --summary: the Python module or .py file declaring the tables (as for dji worker)")
    jobs.set_defaults(func=_jobs)


def _connection():
    from ..core.connection import conn
    return conn()


def _require_schema(connection, schema):
    if not catalog.schema_exists(connection, schema):
        raise MissingTableError(f"Schema {schema!r} does not exist or you are not permitted to see it "
                                "(see `dji schemas`)")


def tier_and_class(table_name):
    """(tier, class name) from the table name's prefix, as both DataJoint languages name tables."""
    for prefix, tier in _TIERS:
        if table_name.startswith(prefix):
            break
    else:
        prefix, tier = "", "manual"
    rest = table_name[len(prefix):]
    if tier == "hidden":
        return tier, table_name
    parts = rest.split("__")
    camel = [re.sub(r"(?:^|_+)([a-z0-9])", lambda m: m.group(1).upper(), p) for p in parts]
    if len(parts) > 1:
        return "part", ".".join(camel)
    return tier, camel[0]


def _schemas(args):
    from ..sharing.admin import list_schemas
    for name in list_schemas(_connection()):
        print(name)
    return 0


def _tables(args):
    from ..query.compiler import compile_count_table
    from ..sharing.archive import _bar
    connection = _connection()
    _require_schema(connection, args.schema)
    rows = catalog.base_tables_with_estimates(connection, args.schema)
    listing = []
    with _bar(len(rows), "counting", False if args.no_progress else None) as bar:
        for name, estimate, comment in rows:
            if args.estimate:
                count = f"~{estimate or 0}"
            else:
                count = execute(connection, compile_count_table(args.schema, name)).fetchone()[0]
            listing.append((name, *tier_and_class(name), count, comment))
            bar.update(1)
    print(f"{'table':<32} {'tier':<9} {'class':<28} {'rows':>10}  comment")
    for name, tier, cls, count, comment in listing:
        print(f"{name:<32} {tier:<9} {cls:<28} {count!s:>10}  {comment}")
    print(f"{len(listing)} tables in {args.schema}")
    return 0


def _jobs(args):
    from ..core.sql import escape_percent, quote_identifier
    from ..query import compiler_jobs as statements
    if args.limit < 1:
        raise DataJointError("--limit must be positive")
    if args.summary:
        return _jobs_summary(args)
    connection = _connection()
    _require_schema(connection, args.schema)
    if not catalog.table_exists(connection, args.schema, "~jobs"):
        print(f"Schema {args.schema} has no job table (~jobs): nothing was populated with reserve_jobs=True.")
        return 0
    table = escape_percent(f"{quote_identifier(args.schema)}.`~jobs`")  # the queries below bind values
    params = (args.status,) if args.status else ()
    counts = execute(connection, statements.count_by_status(table)).fetchall()
    print("jobs: " + (", ".join(f"{n} {s}" for s, n in counts) or "none"))
    rows = execute(connection, statements.listing(table, bool(args.status), args.full),
                   (*params, args.limit)).fetchall()
    for row in rows:
        print(_job_text(*row) if args.full else _job_line(*row))
    return 0


def _jobs_summary(args):
    """Progress per table of the pipeline's tables in SCHEMA (counting pending keys needs the key
    sources, which only the pipeline's classes know)."""
    from .worker import load_pipeline, pipeline_tables
    from ..compute.progress import format_summary, summary_rows
    if not args.pipeline:
        raise DataJointError("dji jobs --summary needs --pipeline MODULE (the module or .py file that declares "
                             "the tables) to count the keys still to compute")
    tables = [t for t in pipeline_tables(load_pipeline(args.pipeline)) if t.database == args.schema]
    if not tables:
        raise DataJointError(f"--pipeline {args.pipeline} declares no computed table in schema {args.schema}")
    print(format_summary(summary_rows(tables)), flush=True)
    return 0


def _job_line(name, status, key_hash, user, host, pid, stamp, age, message):
    """One job in a line (and its error, shortened, in a second)."""
    line = f"{stamp}  {status:<8} {name}  {key_hash}  {user} {host}:{pid}  {_age(age)} ago"
    if message:
        text = " ".join(str(message).split())
        line += f"\n    {text[:97] + '...' if len(text) > 100 else text}"
    return line


def _job_text(name, status, key_hash, user, host, pid, stamp, age, message, key):
    """Everything about one job: which key, in which state, since when, on which machine, why."""
    lines = [f"{name}  {status}  since {stamp} ({_age(age)} ago)",
             f"    key:   {_key_text(key)}",
             f"    host:  {host}  pid {pid}  user {user}",
             f"    hash:  {key_hash}"]
    if message:
        lines.append("    error: " + str(message).replace("\n", "\n           "))
    return "\n".join(lines)


def _key_text(raw):
    """The job's key as ``{'attr': value, ...}``, whichever language reserved it."""
    from ..compute.jobs import decode_key
    try:
        key = decode_key(raw)
    except DataJointError as error:  # BlobError included
        return f"(unreadable key blob: {error})"
    return "(none)" if key is None else repr(key)


def _age(seconds):
    """A duration as a person reads it: 42s, 5m 03s, 2h 10m, 3d 4h."""
    if seconds is None:
        return "?"
    seconds = max(int(seconds), 0)
    minutes, sec = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {sec:02d}s"
    return f"{sec}s"
