"""`dji declare` / `dji classdefs`: MATLAB package folders <-> tables, from the command line."""
from ..core.errors import DataJointError
from ..core import catalog


def register(sub):
    parser = sub.add_parser(
        "declare", help="declare the tables of a MATLAB +package folder",
        description="Read every classdef table file of a MATLAB package folder (+lab), resolve its "
                    "'-> lab.Parent' references and declare the tables in the schema, in dependency order. "
                    "Tables that already exist are checked against their definition (a difference is "
                    "reported, never applied). The result is the same as declaring the classes from Python.")
    parser.add_argument("package", help="path to the package folder, e.g. matlab/+lab")
    parser.add_argument("--schema", required=True, help="database name to declare the tables in")
    parser.add_argument("--no-create-schema", action="store_true", help="fail if the database does not exist")
    parser.add_argument("--show-sql", action="store_true",
                        help="print each table's CREATE TABLE statement, in dependency order")
    parser.set_defaults(func=_declare)

    classdefs = sub.add_parser(
        "classdefs", help="write MATLAB classdef files for the tables of a schema",
        description="Write one MATLAB classdef file per table of SCHEMA into a package folder, so that MATLAB "
                    "users can work with a pipeline declared from Python (or by anyone), and the package's "
                    "getSchema.m that binds it to SCHEMA. The definitions re-create the same tables; "
                    "makeTuples of Imported/Computed tables is left to write.")
    classdefs.add_argument("schema", metavar="SCHEMA", help="database name")
    classdefs.add_argument("-o", "--output", required=True, help="package folder to write, e.g. matlab/+lab")
    classdefs.add_argument("--package", help="MATLAB package name (default: the folder name without '+')")
    classdefs.add_argument("--overwrite", action="store_true", help="replace existing .m files")
    classdefs.set_defaults(func=_classdefs)


def _declare(args):
    import warnings

    from ..core.connection import conn
    from ..pipeline.matlab_package import matlab_package
    from ..pipeline.schemas import DefinitionMismatchWarning, Schema

    schema = Schema(args.schema, connection=conn(), create_schema=not args.no_create_schema)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DefinitionMismatchWarning)
        module = matlab_package(schema, args.package)
    package = module.__name__
    for name in module.__all__:  # dependency order: the SQL can be run as printed
        cls = getattr(module, name)
        print(f"{package}.{name} -> {cls.full_table_name}")
        if args.show_sql:
            print(catalog.create_statement(schema.connection, cls.full_table_name) + ";")
    mismatches = [w for w in caught if issubclass(w.category, DefinitionMismatchWarning)]
    for warning in mismatches:
        print(f"warning: {warning.message}")
    if mismatches:
        raise DataJointError(f"{len(mismatches)} existing table(s) differ from their MATLAB definition")
    return 0


def _classdefs(args):
    from ..core.connection import conn
    from ..pipeline.matlab_package import write_matlab_package
    from ..pipeline.schemas import Schema

    schema = Schema(args.schema, connection=conn(), create_schema=False)
    for path in write_matlab_package(schema, args.output, args.package, overwrite=args.overwrite):
        print(path)
    return 0
