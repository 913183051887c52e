"""`dji`: the command line.

Each module in this package that defines ``register(subparsers)`` adds its sub-commands; the
modules are discovered, so a new command group is a new file and nothing else.
"""
import argparse
import importlib
import pkgutil
import sys

from ..errors import DataJointError
from ..version import __version__


def build_parser():
    parser = argparse.ArgumentParser(
        prog="dji", description="datajoint-interop command line: servers, schemas, users, archives."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    version = sub.add_parser("version", help="print the version")
    version.set_defaults(func=lambda args: print(f"datajoint-interop {__version__}") or 0)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except DataJointError as error:
        print(f"dji: error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("dji: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
