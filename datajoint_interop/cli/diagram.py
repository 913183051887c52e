"""`dji diagram`: draw a schema's tables and foreign keys to an SVG/PNG/PDF file."""


def register(sub):
    parser = sub.add_parser(
        "diagram", help="draw a schema diagram (svg, png, pdf or dot)",
        description="Draw the tables of SCHEMA (tiers by shape and color, foreign keys as lines, renamed "
                    "references through small orange dots) with Graphviz. Needs the `dot` program.")
    parser.add_argument("schema", metavar="SCHEMA", help="database name")
    parser.add_argument("-o", "--output", required=True, help="file to write; the extension picks the format")
    parser.add_argument("--table", action="append", default=[], metavar="TABLE",
                        help="draw only these tables (SQL name, e.g. __scan; repeatable) ...")
    parser.add_argument("--up", type=int, default=0, help="... plus N levels of the tables they depend on")
    parser.add_argument("--down", type=int, default=0, help="... plus N levels of the tables depending on them")
    parser.set_defaults(func=_diagram)


def _diagram(args):
    from ..core.connection import conn
    from ..pipeline.diagram import Diagram
    from ..core.errors import DataJointError
    from ..pipeline.schemas import Schema
    from ..core.sql import full_table_name
    from ..query.table import FreeTable

    schema = Schema(args.schema, connection=conn(), create_schema=False)
    if args.table:
        diagram = None
        for table in args.table:
            part = Diagram(FreeTable(schema.connection, full_table_name(args.schema, table)))
            diagram = part if diagram is None else diagram + part
        diagram = diagram + args.down - args.up
    elif args.up or args.down:
        raise DataJointError("--up/--down need --table")
    else:
        diagram = Diagram(schema)
    diagram.save(args.output)
    print(f"{args.output}: {len(diagram.nodes_to_show)} tables")
    return 0
