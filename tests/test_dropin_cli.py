"""The ``dj`` console script of DataJoint 0.14 (``dj -u USER -p PASSWORD -h HOST -s db:name``).

Run as an installed program, with the connection given only by its options (no DJ_* variables, no
config files), reading Python from stdin like an interactive session.
"""
import os
import subprocess
import sys
from importlib import metadata

import pytest

import datajoint_interop as dj
from datajoint_interop.cli import repl

from .conftest import connection_settings


def _dj_program():
    """Our `dj` entry point as the installed script runs it. Not the `dj` file on PATH: DataJoint 0.14
    (the test oracle) installs a script of the same name, and whichever package pip wrote last owns it."""
    return [sys.executable, "-c", "import sys; sys.argv[0] = 'dj'; from datajoint_interop.cli import cli; sys.exit(cli())"]


def test_console_script_is_installed_next_to_dji():
    scripts = {ep.name: ep.value for ep in metadata.distribution("datajoint-interop").entry_points
               if ep.group == "console_scripts"}
    assert scripts["dj"] == "datajoint_interop.cli:cli" and scripts["dji"] == "datajoint_interop.cli:main"


@pytest.fixture(scope="module")
def lab(connection, db_prefix):
    schema = dj.Schema(f"{db_prefix}_dropin_cli", connection=connection)

    @schema
    class Animal(dj.Manual):
        definition = """
        animal_id : int
        """

    Animal.insert([(1,), (2,), (3,)])
    return schema.database


def _run(args, stdin, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJ_")}
    env["HOME"] = str(tmp_path)
    return subprocess.run([*_dj_program(), *args], input=stdin, capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=60)


def test_console_connects_with_its_options_and_loads_schemas(lab, tmp_path):
    settings = connection_settings()
    done = _run(["-u", settings["user"], "-p", settings["password"] or "", "-h",
                 f"{settings['host']}:{settings['port']}", "-s", f"{lab}:lab"],
                "print('ROWS', len(lab.Animal()))\nprint('HOST', dj.config['database.host'])\n", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ROWS 3" in done.stdout
    assert f"HOST {settings['host']}:{settings['port']}" in done.stdout
    assert "dj repl" in done.stderr and "  - lab" in done.stderr


def test_console_help_and_bad_mapping(tmp_path):
    done = _run(["--help"], "", tmp_path)
    assert done.returncode == 0 and "--schemas" in done.stdout and "--host" in done.stdout
    done = _run(["-s", "no_colon"], "", tmp_path)
    assert done.returncode == 1 and "DATABASE:NAME" in done.stderr


def test_mapping_rules():
    assert repl._mapping("db_1:lab") == ("db_1", "lab")
    for bad in ("db", "db:", ":lab", "db:la b", "db:a:b", "db:import"):
        with pytest.raises(dj.DataJointError):
            repl._mapping(bad)
