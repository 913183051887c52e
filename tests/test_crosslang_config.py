"""Octave's `dj.conn()` reads the JSON settings the Python package reads (docs/matlab.md), so that
after `dji server start` (which writes ~/.datajoint_config.json) both languages reach the same server.
Precedence: defaults < ~/.datajoint_config.json < ./dj_local_conf.json < DJ_* < arguments.

Each file names an account of its own (made for the test), so the account the server reports
tells which setting won; the defaults (root) would be a failure."""
import json
import os
import subprocess
import sys
import uuid

import pytest

from datajoint_interop import admin
from datajoint_interop.settings import Config

from .conftest import connection_settings
from .test_crosslang_support import read_json, run_octave

CLOSED_PORT = 1  # nothing listens on 127.0.0.1:1


@pytest.fixture(scope="module")
def accounts(connection):
    made = []
    try:
        for _ in range(3):
            name, password = f"djtest_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
            admin.create_user(name, password, connection=connection)
            made.append((name, password))
        yield made
    finally:
        for name, _ in made:
            admin.drop_user(name, connection=connection)


def _octave_env(monkeypatch, home):
    for var in ("DJ_HOST", "DJ_PORT", "DJ_USER", "DJ_PASS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))


SCRIPT = r"""
function r = login(r, name)
try
    c = dj.conn([], [], [], true);
    q = c.query('SELECT CURRENT_USER() AS u, @@port AS p');
    u = q.u{1};
    r.(name) = struct('ok', true, 'user', u(1:find(u == '@', 1, 'last') - 1), 'port', double(q.p(1)), 'id', '', 'message', '');
catch e
    r.(name) = struct('ok', false, 'user', '', 'port', 0, 'id', e.identifier, 'message', e.message);
end
end

function put(path, text)
f = fopen(path, 'w');
fprintf(f, '%s', text);
fclose(f);
end

r = struct();
r = login(r, 'home');                                   % only ~/.datajoint_config.json (flat keys)
put('dj_local_conf.json', '__LOCAL__');
r = login(r, 'local');                                  % nested local file on top of it
setenv('DJ_USER', '__U0__'); setenv('DJ_PASS', '__P0__');
r = login(r, 'env');                                    % environment over both files
c = dj.conn('__HOST__', '__U2__', '__P2__', true);
q = c.query('SELECT CURRENT_USER() AS u');
r.explicit = q.u{1};                                  % arguments over everything
unsetenv('DJ_USER'); unsetenv('DJ_PASS');
put('dj_local_conf.json', '{"database.port": __CLOSED__}');
r = login(r, 'local_port');                             % the local port wins over the user file's
setenv('DJ_PORT', '__PORT__');
r = login(r, 'env_port');                               % and DJ_PORT over the local file
unsetenv('DJ_PORT');
put('dj_local_conf.json', '{"database.host": ');
r = login(r, 'bad_json');
write_json('result.json', r);
"""


def test_conn_reads_python_config_files(accounts, tmp_path, monkeypatch):
    settings = connection_settings()
    (u0, p0), (u1, p1), (u2, p2) = accounts
    home = tmp_path / "home"
    home.mkdir()
    _octave_env(monkeypatch, home)
    # written by the Python package itself (every 0.14 key, flat, with nulls and an empty "stores")
    python_config = Config()
    python_config.update({"database.host": settings["host"], "database.port": settings["port"],
                          "database.user": u0, "database.password": p0})
    python_config.save(str(home / ".datajoint_config.json"))
    local = json.dumps({"database": {"user": u1, "password": p1}})
    script = (SCRIPT.replace("__LOCAL__", local).replace("__U0__", u0).replace("__P0__", p0)
              .replace("__U2__", u2).replace("__P2__", p2).replace("__CLOSED__", str(CLOSED_PORT))
              .replace("__PORT__", str(settings["port"]))
              .replace("__HOST__", f"{settings['host']}:{settings['port']}"))
    run_octave(tmp_path, "config_files", script)
    r = read_json(tmp_path / "result.json")
    assert r["home"]["ok"] and r["home"]["user"] == u0, r["home"]
    assert r["home"]["port"] == settings["port"]
    assert r["local"]["ok"] and r["local"]["user"] == u1, r["local"]
    assert r["env"]["ok"] and r["env"]["user"] == u0, r["env"]
    assert r["explicit"].split("@")[0] == u2, r["explicit"]
    lp = r["local_port"]
    assert not lp["ok"] and lp["id"] == "MySQL:Error" and f":{CLOSED_PORT}" in lp["message"], lp
    assert r["env_port"]["ok"] and r["env_port"]["user"] == u0, r["env_port"]
    bad = r["bad_json"]
    assert not bad["ok"] and bad["id"] == "DataJoint:config:badFile" and "dj_local_conf.json" in bad["message"], bad


def test_without_files_defaults_apply(tmp_path, monkeypatch):
    """An empty HOME and no local file: the defaults (127.0.0.1:3306, root, no password) as before."""
    settings = connection_settings()
    if (settings["host"], settings["port"], settings["user"], settings["password"]) != ("127.0.0.1", 3306, "root", ""):
        pytest.skip("the test server is not at the defaults (DJ_* point elsewhere)")
    home = tmp_path / "home"
    home.mkdir()
    _octave_env(monkeypatch, home)
    run_octave(tmp_path, "config_defaults",
               "c = dj.conn();\nq = c.query('SELECT CURRENT_USER() AS u, @@port AS p');\n"
               "write_json('result.json', struct('user', q.u{1}, 'port', double(q.p(1))));\n")
    r = read_json(tmp_path / "result.json")
    assert r["user"].startswith("root@") and r["port"] == 3306, r


def test_octave_reaches_the_private_server_after_dji_server_start(tmp_path, monkeypatch):
    """The user story: `dji server start` writes ~/.datajoint_config.json; Octave's dj.conn() then
    reaches that private server, not the system one."""
    home = tmp_path / "h"  # unix socket paths are limited to ~107 bytes: keep it short
    home.mkdir()
    _octave_env(monkeypatch, home)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "d"))
    monkeypatch.setenv("PYTHONPATH", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

    def dji(*args):
        return subprocess.run([sys.executable, "-m", "datajoint_interop", *args], cwd=home,
                              capture_output=True, text=True, timeout=180)

    try:
        started = dji("server", "start")
        assert started.returncode == 0, started.stdout + started.stderr
        port = json.loads((home / ".datajoint_config.json").read_text())["database.port"]
        run_octave(tmp_path, "private_server",
                   "c = dj.conn();\nq = c.query('SELECT CURRENT_USER() AS u, @@port AS p, @@datadir AS d');\n"
                   "write_json('result.json', struct('user', q.u{1}, 'port', double(q.p(1)), 'datadir', q.d{1}));\n")
        r = read_json(tmp_path / "result.json")
        assert r["port"] == port != 3306, r
        assert r["user"].startswith("dj@") and str(home / "d") in r["datadir"], r
    finally:
        dji("server", "stop")


def test_settings_files_written_by_either_language_read_by_the_other(tmp_path, monkeypatch):
    """dj.config.save (Octave: dj.internal.Settings.save) writes the names Python 0.14 reads, and
    Octave's dj.config reads a file Python's dj.config.save wrote, each setting under its 3.x name."""
    home = tmp_path / "home"
    home.mkdir()
    _octave_env(monkeypatch, home)
    python_file = tmp_path / "from_python.json"
    cfg = Config()
    cfg["database.host"], cfg["database.port"], cfg["display.limit"] = "py.example.org", 3344, 9
    cfg["display.show_tuple_count"], cfg["safemode"] = False, False
    cfg["stores"] = {"raw": {"protocol": "file", "location": "/data/raw"}}
    cfg.save(str(python_file))
    run_octave(tmp_path, "config_files", f"""
dj.internal.Settings.restore();
dj.internal.Settings.load('{python_file}');
got = struct('host', dj.config('databaseHost'), 'port', dj.config('databasePort'), ...
    'limit', dj.config('displayLimit'), 'count', dj.config('displayCount'), ...
    'safemode', dj.config('safemode'), 'location', dj.config('stores.raw.location'));
dj.internal.Settings.restore();
dj.config('databaseHost', 'oct.example.org');
dj.config('databasePort', 3355);
dj.config('displayLimit', 21);
dj.config('displayCount', false);
dj.config('databaseUse_tls', true);
dj.config('connectionInit_function', 'SET @x = 1');
dj.config('stores.shared', struct('protocol', 'file', 'location', '/data/shared'));
dj.config('blobMaxDecompressedSize', 4096);
dj.internal.Settings.save('from_octave.json');
write_json('result.json', got);
""")
    got = read_json(tmp_path / "result.json")
    assert got == {"host": "py.example.org", "port": 3344, "limit": 9, "count": False, "safemode": False,
                   "location": "/data/raw"}, got
    loaded = Config()
    loaded.load(str(tmp_path / "from_octave.json"))
    assert loaded["database.host"] == "oct.example.org" and loaded["database.port"] == 3355
    assert loaded["display.limit"] == 21 and loaded["display.show_tuple_count"] is False
    assert loaded["database.use_tls"] is True and loaded["connection.init_function"] == "SET @x = 1"
    assert loaded["stores"]["shared"] == {"protocol": "file", "location": "/data/shared"}
    assert loaded["blob.max_decompressed_size"] == 4096
    assert oct((tmp_path / "from_octave.json").stat().st_mode & 0o777) == "0o600"
