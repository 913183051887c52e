"""`dj`: 0.14's console, an interactive Python session with `dj` imported and schemas loaded.

``dj -u USER -p PASSWORD -h HOST -s db1:name1 db2:name2`` sets the connection settings and binds
each ``name`` to a virtual module of database ``db``, as ``datajoint``'s console script does.
"""
import argparse
import code
import keyword
import sys

from ..core.errors import DataJointError
from ..core.version import __version__


def build_parser(config):
    """0.14's options; ``-h`` is the host there, so help is ``--help`` only."""
    parser = argparse.ArgumentParser(prog="dj", description="DataJoint console interface.",
                                     conflict_handler="resolve")
    parser.add_argument("-V", "--version", action="version", version=f"datajoint_interop {__version__}")
    parser.add_argument("-u", "--user", type=str, default=config["database.user"], help="Datajoint username")
    parser.add_argument("-p", "--password", type=str, default=config["database.password"], help="Datajoint password")
    parser.add_argument("-h", "--host", type=str, default=config["database.host"], help="Datajoint host")
    parser.add_argument("-s", "--schemas", nargs="+", type=str, metavar="DB:NAME",
                        help="A list of virtual module mappings in `db:schema ...` format")
    return parser


def _mapping(text):
    """``db:name`` -> (db, name); anything else is refused with the expected form."""
    database, sep, name = text.partition(":")
    if not sep or not database or ":" in name or not name.isidentifier() or keyword.iskeyword(name):
        raise DataJointError(f"dj -s: expected DATABASE:NAME with NAME a Python identifier, got {text!r}")
    return database, name


def prepare(args=None):
    """Parse ``args``, apply the connection settings and load the schemas: the console's namespace."""
    import datajoint_interop as dj

    options = vars(build_parser(dj.config).parse_args(args))
    for option, key in (("user", "database.user"), ("password", "database.password"), ("host", "database.host")):
        if options[option]:
            dj.config[key] = options[option]
    modules = {}
    for text in options["schemas"] or ():
        database, name = _mapping(text)
        modules[name] = dj.create_virtual_module(name, database)
    return dict(modules, dj=dj)


def cli(args=None):
    """Run the console (0.14's ``datajoint.cli.cli``); ends with SystemExit as there."""
    try:
        namespace = prepare(args)
    except DataJointError as error:
        print(f"dj: error: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    modules = sorted(name for name in namespace if name != "dj")
    banner = "dj repl\n" + ("\nschema modules:\n\n" + "\n".join(f"  - {m}" for m in modules) + "\n" if modules else "")
    code.interact(banner, local=namespace)
    raise SystemExit
