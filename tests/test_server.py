"""`dji server`: a private MariaDB beside the system one (own port, socket and data directory)."""
import json
import os
import socket
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
    assert "private server: not initialized" in status.stdout
    # nothing configured: both languages would use the default account at 127.0.0.1:3306
    assert "Python dj.conn(): " in status.stdout and "user from the default" in status.stdout

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


@pytest.fixture(scope="module")
def running_private(tmp_path_factory):
    """One private server for the hardening tests below: (home, env, state from server.json)."""
    home = tmp_path_factory.mktemp("ps") / "h"  # short: unix socket paths are limited to ~107 bytes
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJ_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "d"), PYTHONPATH=REPO)
    started = dji(env, home, "server", "start", "--force")
    assert started.returncode == 0, started.stdout + started.stderr
    state = json.loads((home / "d" / "datajoint-interop" / "mariadb" / "server.json").read_text())
    yield home, env, state
    dji(env, home, "server", "stop")


def _login_error(**kwargs):
    """The server's error number for this login, or None when it is accepted."""
    try:
        pymysql.connect(connect_timeout=10, **kwargs).close()
    except pymysql.err.OperationalError as error:
        return error.args[0]
    return None


def test_private_server_leaves_no_open_root_login(running_private):
    home, env, state = running_private
    port, socket_path, password = state["port"], state["socket"], state["password"]
    # every root login without the password is refused, over TCP (127.0.0.1) and the socket
    assert _login_error(host="127.0.0.1", port=port, user="root", password="") == 1045
    assert _login_error(unix_socket=socket_path, user="root", password="") == 1045
    assert _login_error(host="127.0.0.1", port=port, user="", password="") == 1045
    assert _login_error(host="127.0.0.1", port=port, user="dj", password=password) is None
    admin = pymysql.connect(unix_socket=socket_path, user="dj", password=password)
    with admin.cursor() as cursor:
        cursor.execute("SELECT user, host, is_role FROM mysql.user")
        accounts = {(user, host) for user, host, is_role in cursor.fetchall() if is_role == "N"}
    admin.close()
    # install-db's root@127.0.0.1, root@::1, root@<hostname> and anonymous users are gone
    assert not [a for a in accounts if a[0] == "root" and a[1] != "localhost"], accounts
    assert not [a for a in accounts if a[0] == ""], accounts
    assert ("root", "localhost") in accounts and ("dj", "127.0.0.1") in accounts


UNICODE_SCRIPT = r"""
import json, sys
import datajoint_interop as dj
schema = dj.Schema("unicode_probe")
@schema
class Person(dj.Manual):
    definition = '''
    person_id : int
    ---
    name : varchar(64)
    '''
names = ["日本 Müller", "🧪 emoji 😀"]
Person.insert([(i, n) for i, n in enumerate(names)], skip_duplicates=True)
found = [(Person & {"name": n}).fetch("person_id").tolist() for n in names]
print(json.dumps({"names": Person.fetch("name", order_by="person_id").tolist(), "found": found,
                  "charset": dj.conn().query("SELECT @@character_set_server, @@collation_server").fetchone()}))
"""


def test_private_server_stores_and_restricts_unicode(running_private):
    home, env, state = running_private
    result = subprocess.run([sys.executable, "-c", UNICODE_SCRIPT], env=env, cwd=home,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["names"] == ["日本 Müller", "🧪 emoji 😀"]
    assert got["found"] == [[0], [1]]
    assert got["charset"][0] == "utf8mb4" and got["charset"][1].startswith("utf8mb4")


def test_private_server_keeps_its_port_after_a_crash(running_private):
    """kill -9 leaves the server's side of closed connections in TIME_WAIT; restarting must still
    reuse the configured port (clients and the settings file keep pointing at it)."""
    home, env, state = running_private
    port = state["port"]
    pid = int((home / "d" / "datajoint-interop" / "mariadb" / "mysqld.pid").read_text())
    clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(3)]
    for client in clients:
        assert client.recv(4096)  # the server's greeting: nothing unread may remain (that would RST)
    os.kill(pid, 9)
    for client in clients:
        while client.recv(4096):  # the dead server's FIN arrives as end of stream
            pass
        client.close()  # our FIN after the server's: the server's side ends in TIME_WAIT
    ss = subprocess.run(["ss", "-tan", f"sport = :{port}"], capture_output=True, text=True)
    assert "TIME-WAIT" in ss.stdout, ss.stdout  # the situation this test is about
    restarted = dji(env, home, "server", "start")
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    config = json.loads((home / ".datajoint_config.json").read_text())
    assert config["database.port"] == port, restarted.stdout
    assert _login_error(host="127.0.0.1", port=port, user="dj", password=state["password"]) is None


def test_files_with_the_private_password_are_never_world_readable(tmp_path, monkeypatch):
    """server.json and ~/.datajoint_config.json are created 0600 (not chmod-ed after writing)."""
    from datajoint_interop import server as server_module
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(os, "chmod", lambda *args, **kwargs: None)  # only the creation mode counts
    old_umask = os.umask(0o022)
    try:
        private = server_module.PrivateServer(home=str(tmp_path / "srv"))
        private._save_state(port=1, password="secret")
        path = private.write_user_config()
    finally:
        os.umask(old_umask)
    for written in (private.state_file, path):
        assert os.stat(written).st_mode & 0o777 == 0o600, written
