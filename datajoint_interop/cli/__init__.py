"""`dji`: the command line.

Each module in this package that defines ``register(subparsers)`` adds its sub-commands; the
modules are discovered, so a new command group is a new file and nothing else.
"""
import argparse
import importlib
import pkgutil
import sys
import types

from ..core.errors import DataJointError
from ..core.version import __version__


class _wide_formatter(argparse.HelpFormatter):  # noqa: N801 - passed where argparse expects a class
    """Room for the longest command name, so each command's help starts on the command's line.

    argparse measures sub-commands one indentation level less deep than it prints them, which
    pushes the help of the longest name (classdefs) onto a line of its own.
    """

    def __init__(self, prog):
        super().__init__(prog, max_help_position=30)

    def add_argument(self, action):
        super().add_argument(action)
        if isinstance(action, argparse._SubParsersAction):
            self._action_max_length += self._indent_increment


def build_parser():
    parser = argparse.ArgumentParser(
        prog="dji", description="datajoint-interop command line: servers, schemas, users, archives.",
        epilog="`dji COMMAND --help` describes a command.", formatter_class=_wide_formatter)
    parser.add_argument("--version", action="version", version=f"datajoint-interop {__version__}")
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


def cli(args=None):
    """0.14's console (`datajoint.cli.cli`): see cli/repl.py."""
    from .repl import cli as run

    return run(args)


class _CallableModule(types.ModuleType):
    """Lets ``dj.cli(...)`` call the console as in 0.14, where ``datajoint.cli`` is that function,
    while ``datajoint_interop.cli`` stays this package (``dji``'s commands)."""

    def __call__(self, args=None):
        return cli(args)


sys.modules[__name__].__class__ = _CallableModule


if __name__ == "__main__":
    sys.exit(main())
