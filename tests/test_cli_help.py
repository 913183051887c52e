"""`dji --help`, `dji COMMAND --help` and `dji --version`: every help screen as a user reads it."""
import argparse
import subprocess
import sys

import pytest

from datajoint_interop.cli import build_parser, main
from datajoint_interop.version import __version__


def _subparsers(parser, path=()):
    """(command path, parser) of every command and sub-command, depth first."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _subparsers(child, path + (name,))


def _commands(parser):
    """{name: help} of the parser's sub-commands, as `--help` lists them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {choice.dest: choice.help for choice in action._choices_actions}
    return {}


def test_every_help_screen_is_clean_and_every_command_has_a_one_line_help(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    screens = list(_subparsers(build_parser()))
    assert len(screens) > 20
    for path, parser in screens:
        text = parser.format_help()
        # '%%' is argparse's escape in argument help only; '%(' would be a formatting slip
        assert "%%" not in text and "%(" not in text, (path, text)
        for name, help_text in _commands(parser).items():
            assert help_text and "\n" not in help_text and len(help_text) < 80, (path, name, help_text)


def test_grant_help_shows_like_wildcards_once(capsys):
    with pytest.raises(SystemExit) as info:
        main(["grant", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "% any text" in out and "'lab\\_%'" in out and "(default: %, any host)" in out
    assert "%%" not in out


def test_top_level_help_lists_each_command_on_its_own_line(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    text = build_parser().format_help()
    for name, help_text in _commands(build_parser()).items():
        assert any(line.split(None, 1) == [name, help_text] for line in text.splitlines()), (name, text)


def test_version_option_and_command():
    for argv in (["--version"], ["version"]):
        done = subprocess.run([sys.executable, "-m", "datajoint_interop", *argv], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"datajoint-interop {__version__}"
