"""One rule chooses the server in both languages (docs/settings.md): arguments > DJ_* environment
> ./dj_local_conf.json > ~/.datajoint_config.json > root@127.0.0.1:3306 with no password.

Python's `server_settings()` and Octave's `dj.internal.serverSettings()` are asked about the same
settings (environment and files) and must agree on every field and on where it came from. The
cases include the reported failure: a user file naming a private server while DJ_PASS="" and
DJ_USER=root point at the system server (Octave used to send the file's password there).
"""
import json
import os
import subprocess
import sys

import pymysql
import pytest

from .test_crosslang_support import read_json, run_octave

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRIVATE = {"database.host": "127.0.0.1", "database.port": 41234, "database.user": "dj",
           "database.password": "file-secret"}
NULLS = {"database.host": None, "database.port": 3306, "database.user": None, "database.password": None}

# name -> (environment, user file, local file, expected (host, port, user, password))
CASES = {
    "nothing": ({}, None, None, ("127.0.0.1", 3306, "root", "")),
    "user_file": ({}, PRIVATE, None, ("127.0.0.1", 41234, "dj", "file-secret")),
    "env_over_user_file": ({"DJ_HOST": "127.0.0.1", "DJ_PORT": "3306", "DJ_USER": "root", "DJ_PASS": ""},
                           PRIVATE, None, ("127.0.0.1", 3306, "root", "")),
    "env_user_takes_env_password": ({"DJ_USER": "bob"}, PRIVATE, None, ("127.0.0.1", 41234, "bob", "")),
    "empty_pass_alone_is_unset": ({"DJ_PASS": ""}, PRIVATE, None, ("127.0.0.1", 41234, "dj", "file-secret")),
    "pass_alone": ({"DJ_PASS": "env-secret"}, PRIVATE, None, ("127.0.0.1", 41234, "dj", "env-secret")),
    "local_over_user": ({}, PRIVATE, {"database": {"port": 5555, "user": "carol"}},
                        ("127.0.0.1", 5555, "carol", "file-secret")),
    "nulls_mean_default": ({}, PRIVATE, NULLS, ("127.0.0.1", 3306, "root", "")),
    "password_without_user": ({}, {"database.password": "orphan"}, None, ("127.0.0.1", 3306, "root", "")),
    "env_host_only": ({"DJ_HOST": "db.example.org"}, None, None, ("db.example.org", 3306, "root", "")),
}

PYTHON = """
import json
from datajoint_interop.settings import server_settings
s = server_settings()
print(json.dumps([s.host, s.port, s.user, s.password, s.sources]))
"""

OCTAVE = r"""
cases = jsondecode(fileread('cases.json'));
names = fieldnames(cases);
out = struct();
for i = 1:numel(names)
    c = cases.(names{i});
    for v = {'DJ_HOST', 'DJ_PORT', 'DJ_USER', 'DJ_PASS'}
        unsetenv(v{1});
    end
    vars = fieldnames(c.env);
    for k = 1:numel(vars)
        setenv(vars{k}, c.env.(vars{k}));
    end
    setenv('HOME', c.home);
    cd(c.work);
    s = dj.internal.serverSettings();
    out.(names{i}) = {s.host, str2double(s.port), s.user, s.password, s.sources};
end
cd(c.root);
write_json('result.json', out);
"""


def _prepare(tmp_path, name, user_file, local_file):
    home, work = tmp_path / name / "home", tmp_path / name / "work"
    home.mkdir(parents=True)
    work.mkdir()
    if user_file is not None:
        (home / ".datajoint_config.json").write_text(json.dumps(user_file))
    if local_file is not None:
        (work / "dj_local_conf.json").write_text(json.dumps(local_file))
    return home, work


def _python_choice(home, work, env):
    full = {k: v for k, v in os.environ.items() if not k.startswith("DJ_")}
    full.update(env, HOME=str(home), PYTHONPATH=REPO)
    out = subprocess.run([sys.executable, "-c", PYTHON], cwd=work, env=full, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_python_and_octave_choose_the_same_server(tmp_path, monkeypatch):
    for var in ("DJ_HOST", "DJ_PORT", "DJ_USER", "DJ_PASS"):
        monkeypatch.delenv(var, raising=False)
    python, spec = {}, {}
    for name, (env, user_file, local_file, expected) in CASES.items():
        home, work = _prepare(tmp_path, name, user_file, local_file)
        python[name] = _python_choice(home, work, env)
        assert tuple(python[name][:4]) == expected, (name, python[name])
        spec[name] = {"env": env, "home": str(home), "work": str(work), "root": str(tmp_path)}
    (tmp_path / "cases.json").write_text(json.dumps(spec))
    run_octave(tmp_path, "server_choice", OCTAVE)
    octave = read_json(tmp_path / "result.json")
    for name, (env, *_files, expected) in CASES.items():
        got = octave[name]
        assert (got[0], int(got[1]), got[2], got[3]) == expected, (name, got)
        assert got[4] == python[name][4], (name, got[4], python[name][4])  # the same reasons


def test_python_conn_without_settings_uses_the_default_server(tmp_path):
    """No environment, no files: dj.conn() goes to root@127.0.0.1:3306 with no password, the
    default Octave has always used (0.14 would prompt for a user instead)."""
    home, work = _prepare(tmp_path, "none", None, None)
    try:
        pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", connect_timeout=5).close()
        default_answers = True
    except pymysql.err.Error:
        default_answers = False
    code = ("import datajoint_interop as dj\ntry:\n    c = dj.conn()\n    print('OK', c.host, c.port, c.user)\n"
            "except dj.DataJointError as e:\n    print('ERR', e)\n")
    full = {k: v for k, v in os.environ.items() if not k.startswith("DJ_")}
    full.update(HOME=str(home), PYTHONPATH=REPO)
    out = subprocess.run([sys.executable, "-c", code], cwd=work, env=full, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    if default_answers:
        assert out.stdout.strip() == "OK 127.0.0.1 3306 root", out.stdout
    else:
        assert out.stdout.startswith("ERR") and "127.0.0.1:3306" in out.stdout and "dji server start" in out.stdout


def test_status_names_both_languages_and_the_winning_sources(tmp_path):
    home, work = _prepare(tmp_path, "status", PRIVATE, None)
    full = {k: v for k, v in os.environ.items() if not k.startswith("DJ_")}
    full.update(HOME=str(home), PYTHONPATH=REPO, XDG_DATA_HOME=str(home / "d"),
                DJ_USER="root", DJ_PASS="", DJ_PORT="3306")
    out = subprocess.run([sys.executable, "-m", "datajoint_interop", "server", "status"], cwd=work, env=full,
                         capture_output=True, text=True, timeout=120)
    lines = {line.split(":")[0]: line for line in out.stdout.splitlines()}
    user_file = str(home / ".datajoint_config.json")
    for language in ("Python dj.conn()", "Octave dj.conn()"):
        line = lines[language]
        assert "root@127.0.0.1:3306 with empty password" in line, out.stdout
        assert f"host from {user_file}" in line and "port from environment DJ_PORT" in line, line
        assert "user from environment DJ_USER" in line and "password from environment DJ_PASS" in line, line
    assert "WARNING" not in out.stdout and "file-secret" not in out.stdout + out.stderr
