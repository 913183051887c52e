"""`dji server`: a private MariaDB beside the system one (own port, socket and data directory)."""
import json
import os
import subprocess
import sys

import pymysql
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def private_home(tmp_path):
    # unix socket paths are limited to ~107 bytes, so keep the folder short
    home = tmp_path / "h"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJ_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "d"), PYTHONPATH=REPO)
    yield home, env
    subprocess.run([sys.executable, "-m", "datajoint_interop", "server", "stop"], env=env, cwd=home,
                   capture_output=True, timeout=120)


def dji(env, cwd, *args):
    return subprocess.run([sys.executable, "-m", "datajoint_interop", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=180)


def test_private_server_lifecycle(private_home, db_prefix):
    home, env = private_home
    status = dji(env, home, "server", "status")
    assert status.returncode == 1 and "not initialized" in status.stdout

    started = dji(env, home, "server", "start")
    assert started.returncode == 0, started.stderr
    config = json.loads((home / ".datajoint_config.json").read_text())
    port = config["database.port"]
    assert port != 3306 and config["database.host"] == "127.0.0.1" and config["database.user"] == "dj"
    datadir = home / "d" / "datajoint-interop" / "mariadb" / "data"
    assert (datadir / "mysql").is_dir()

    # dj.conn() in a fresh process picks up the written settings and reaches the PRIVATE server
    probe = subprocess.run(
        [sys.executable, "-c", "import datajoint_interop as dj; c = dj.conn(); "
         "print(c.port, c.query('SELECT @@datadir, @@socket').fetchone())"],
        env=env, cwd=home, capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert str(port) in probe.stdout and str(datadir) in probe.stdout

    # the test server (normally the system one at 3306) is untouched
    from .conftest import connection_settings
    settings = connection_settings()
    system = pymysql.connect(host=settings["host"], port=settings["port"], user=settings["user"],
                             password=settings["password"])
    with system.cursor() as cursor:
        cursor.execute("SELECT @@datadir")
        assert str(datadir) not in cursor.fetchone()[0]
    system.close()

    again = dji(env, home, "server", "start")
    assert again.returncode == 0 and "already running" in again.stdout
    status = dji(env, home, "server", "status")
    assert status.returncode == 0 and "private server: running" in status.stdout

    stopped = dji(env, home, "server", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    status = dji(env, home, "server", "status")
    assert "private server: stopped" in status.stdout and "NOT reachable" in status.stdout

    # restart reuses the data and the password written before
    assert dji(env, home, "server", "start").returncode == 0
    config2 = json.loads((home / ".datajoint_config.json").read_text())
    assert config2["database.password"] == config["database.password"]


def test_start_does_not_shadow_a_reachable_configured_server(private_home):
    home, env = private_home
    from .conftest import connection_settings
    s = connection_settings()
    (home / ".datajoint_config.json").write_text(json.dumps(
        {"database.host": s["host"], "database.port": s["port"], "database.user": s["user"],
         "database.password": s["password"]}))
    result = dji(env, home, "server", "start")
    assert result.returncode == 0 and "already configured and reachable" in result.stdout
    assert not (home / "d" / "datajoint-interop").exists()


def test_version_command(private_home):
    home, env = private_home
    result = dji(env, home, "version")
    assert result.returncode == 0 and result.stdout.startswith("datajoint-interop ")
