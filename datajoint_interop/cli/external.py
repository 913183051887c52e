"""`dji external SCHEMA STORE`: how much of a store a schema uses, and cleanup of unused objects.

Stores come from dj.config['stores'] (for example from dj_local_conf.json), as in Python code.
"""
from ..core.errors import DataJointError, MissingTableError
from ..core import catalog


def register(sub):
    parser = sub.add_parser(
        "external", help="show or clean up a schema's external store",
        description="Count the objects of SCHEMA in external STORE (tracked in ~external_STORE), used and "
                    "unused. --forget removes the tracking rows of unused objects; --delete-files also "
                    "removes their files. Referenced objects are never touched.")
    parser.add_argument("schema")
    parser.add_argument("store")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--forget", action="store_true", help="forget unused objects, keep their files")
    action.add_argument("--delete-files", action="store_true", help="forget unused objects and delete their files")
    parser.set_defaults(func=_external)


def _summary(query):
    sizes = query.fetch("size")
    return len(sizes), int(sum(int(v) for v in sizes))


def _external(args):
    from ..core.connection import conn
    from ..storage.external import TABLE_PREFIX, ExternalTable
    from ..core.sql import full_table_name

    connection = conn()
    if not catalog.table_exists(connection, args.schema, TABLE_PREFIX + args.store):
        raise MissingTableError(f"{full_table_name(args.schema, TABLE_PREFIX + args.store)} does not exist: "
                                f"schema {args.schema!r} has no objects in store {args.store!r}")
    table = ExternalTable.for_store(connection, args.schema, args.store)
    used, unused = _summary(table.used()), _summary(table.unused())
    print(f"store {args.store!r} ({table.spec['location']}), schema {args.schema!r}:")
    print(f"  used:   {used[0]} objects, {used[1]} bytes")
    print(f"  unused: {unused[0]} objects, {unused[1]} bytes")
    if args.forget or args.delete_files:
        errors = table.delete(delete_external_files=bool(args.delete_files))
        for hash_, path, error in errors:
            print(f"  could not delete {path}: {error}")
        print(f"  {'deleted' if args.delete_files else 'forgot'} {unused[0] - len(errors)} unused objects")
        if errors:
            raise DataJointError(f"{len(errors)} unused objects could not be deleted")
    return 0
