"""Helpers for tests/test_crosslang_*.py: running Octave scripts against the test server (no tests here).

The toolbox is exercised in a real octave-cli process with its own server connection, as a
MATLAB lab would use it. A missing octave-cli fails the test with a clear message; only the
lead may opt out locally with DJI_NO_OCTAVE=1 (never set in CI).
"""
import json
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MATLAB_DIR = os.path.join(ROOT, "matlab")


def octave_binary():
    exe = shutil.which("octave-cli")
    if exe is None:
        if os.environ.get("DJI_NO_OCTAVE") == "1":
            pytest.skip("DJI_NO_OCTAVE=1: Octave cross-language tests disabled by the developer")
        pytest.fail("octave-cli is not installed: apt-get install octave-dev (see .ci/run)")
    return exe


def script_header(extra_path):
    """Octave prologue: toolbox and package folder on the path, MEX built, errors exit non-zero."""
    return (
        f"addpath('{MATLAB_DIR}');\n"
        f"build_mex();\n"
        f"addpath('{extra_path}');\n"
        "dj.config('safemode', false);\n"
    )


def write_json_fn():
    return (
        "function write_json(path, value)\n"
        "f = fopen(path, 'w');\n"
        "fprintf(f, '%s', jsonencode(value));\n"
        "fclose(f);\n"
        "end\n"
    )


def start_octave(tmp_path, name, body, stdin=False):
    """Write <name>.m (script + helpers) and start it; returns the Popen."""
    path = tmp_path / f"{name}.m"
    path.write_text("1;\n" + write_json_fn() + script_header(str(tmp_path)) + body)
    env = dict(os.environ)
    return subprocess.Popen([octave_binary(), "--norc", "--no-history", str(path)], cwd=str(tmp_path),
                            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def run_octave(tmp_path, name, body, timeout=180, answers=None):
    """Run a script to completion; `answers` is text fed to its stdin (prompts)."""
    proc = start_octave(tmp_path, name, body, stdin=answers is not None)
    try:
        out, _ = proc.communicate(input=answers, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        pytest.fail(f"octave script {name} timed out:\n{out}")
    assert proc.returncode == 0, f"octave script {name} failed ({proc.returncode}):\n{out}"
    return out


def read_json(path):
    with open(path) as f:
        return json.load(f)


def write_class(folder, package, name, definition, base, body=""):
    pkg = folder / f"+{package}"
    pkg.mkdir(exist_ok=True)
    (pkg / f"{name}.m").write_text(f"%{{\n{definition.strip()}\n%}}\nclassdef {name} < {base}\n{body}end\n")


def write_get_schema(folder, package, db):
    pkg = folder / f"+{package}"
    pkg.mkdir(exist_ok=True)
    (pkg / "getSchema.m").write_text(
        "function obj = getSchema\npersistent s\nif isempty(s)\n"
        f"    s = dj.Schema(dj.conn, '{package}', '{db}');\nend\nobj = s;\nend\n")
