"""`dji export` and `dji import`: move schemas between servers as `.djx` archives."""
import sys

from ..core.errors import DataJointError


def register(sub):
    export = sub.add_parser(
        "export", help="write schemas to a .djx archive",
        description="Stream SCHEMA(s) into a self-checking archive: table definitions, rows in dependency "
                    "order, blobs as their stored bytes, per-table row counts and checksums. With --restrict "
                    "the archive holds the restricted rows, their downstream rows and every row they "
                    "reference (upstream closure). ~log is never exported, ~jobs only with --include-jobs.")
    export.add_argument("schemas", nargs="+", metavar="SCHEMA", help="schema (database) names")
    export.add_argument("-o", "--output", required=True, help="archive file to write (e.g. lab.djx)")
    export.add_argument("--restrict", action="append", default=[], metavar="'Table: condition'",
                        help="keep only matching rows of Table (class name, Master.Part, schema.Table or SQL "
                             "table name); repeatable")
    export.add_argument("--include-jobs", action="store_true", help="also export the ~jobs tables")
    export.add_argument("--no-progress", action="store_true", help="no progress bar")
    export.set_defaults(func=_export)

    load = sub.add_parser(
        "import", help="create schemas and tables from a .djx archive",
        description="Create the archive's schemas and tables and insert its rows, one verified transaction per "
                    "table. The archive is untrusted: tables are built from its validated table models (it "
                    "carries no SQL), system schemas are refused as targets and foreign keys must stay inside "
                    "the archive. Run it again after an interruption to resume: complete tables are recognized "
                    "by their checksum and skipped. The whole archive is checked before anything is created; if "
                    "the server then refuses a row, the schemas and tables this import created are dropped "
                    "again (existing ones are kept).")
    load.add_argument("archive", help="the .djx file ('-': read it from standard input)")
    load.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                      help="import schema OLD under the name NEW (repeatable)")
    load.add_argument("--check", action="store_true", help="only validate the archive (table models, structure, checksums); import nothing")
    load.add_argument("--no-progress", action="store_true", help="no progress bar")
    load.set_defaults(func=_import)


def _progress(args):
    return False if args.no_progress else None


def _export(args):
    from ..sharing.archive import export
    summary = export(args.schemas, args.output, restrictions=args.restrict or None,
                     include_jobs=args.include_jobs, progress=_progress(args))
    print(f"Exported {summary['tables']} tables, {summary['rows']} rows of {', '.join(summary['schemas'])} "
          f"to {summary['path']}")
    return 0


def _import(args):
    from ..sharing.archive import check_archive, import_archive
    source = sys.stdin.buffer if args.archive == "-" else args.archive
    if args.check:
        if args.rename:
            raise DataJointError("--check verifies only; it takes no --rename")
        header, trailer = check_archive(source, progress=_progress(args))
        print(f"{args.archive}: djx version {header['version']}, schemas "
              f"{', '.join(s['name'] for s in header['schemas'])}, {trailer['tables']} tables, "
              f"{trailer['rows']} rows; table models valid, all checksums verified")
        return 0
    summary = import_archive(source, rename=args.rename or None, progress=_progress(args))
    print(f"Imported {len(summary['imported'])} tables ({summary['rows']} rows) from {summary['path']}"
          + (f"; {len(summary['skipped'])} already complete, skipped" if summary["skipped"] else ""))
    return 0
