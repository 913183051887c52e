"""A private MariaDB server for users who have none (`dji server ...`).

It runs the system's own `mariadbd` as the current user, on a data directory under the user's data
folder (XDG), a private unix socket and a free local TCP port bound to 127.0.0.1 only. The
connection settings are written to the user's config file so that `dj.conn()` just works. A server
that is already configured and reachable is never shadowed.
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time

import pymysql

from ..sharing.admin import native_password_hash
from ..core.errors import ServerError
from ..core.settings import server_settings, ServerChoice, user_config_path
from ..core.connection import Connection
from ..core import accounts, catalog

PRIVATE_USER = "dj"
START_TIMEOUT = 90


def data_home():
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "datajoint-interop", "mariadb")


class PrivateServer:
    """Paths and state of the private server (one per user)."""

    def __init__(self, home=None):
        self.home = home or data_home()
        self.datadir = os.path.join(self.home, "data")
        self.socket = os.path.join(self.home, "mysqld.sock")
        self.pid_file = os.path.join(self.home, "mysqld.pid")
        self.log_file = os.path.join(self.home, "mysqld.log")
        self.state_file = os.path.join(self.home, "server.json")

    # -- state --------------------------------------------------------------------------------
    def state(self):
        try:
            with open(self.state_file) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def _save_state(self, **values):
        state = self.state()
        state.update(values)
        os.makedirs(self.home, exist_ok=True)
        _write_private(self.state_file, json.dumps(state, indent=2))

    @property
    def initialized(self):
        return os.path.isdir(os.path.join(self.datadir, "mysql"))

    def pid(self):
        try:
            with open(self.pid_file) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return pid

    def answers(self):
        state = self.state()
        if not state.get("password") or not os.path.exists(self.socket):
            return False
        try:
            pymysql.connect(unix_socket=self.socket, user=PRIVATE_USER, password=state["password"],
                            connect_timeout=2).close()
        except pymysql.err.Error:
            return False
        return True

    # -- commands -----------------------------------------------------------------------------
    def init(self):
        """Create the data directory (no-op if it exists)."""
        if self.initialized:
            return False
        install = _binary("mariadb-install-db", "mysql_install_db")
        os.makedirs(self.datadir, exist_ok=True)
        command = [install, "--no-defaults", f"--datadir={self.datadir}",
                   "--auth-root-authentication-method=normal", "--skip-test-db"]
        if os.geteuid() == 0:
            command.append("--user=root")
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0 or not self.initialized:
            raise ServerError(f"mariadb-install-db failed ({result.returncode}):\n{result.stderr[-2000:]}")
        self._save_state(datadir=self.datadir, bootstrapped=False)
        return True

    def start(self):
        """Start the server (initializing it first); returns the state dict. Idempotent."""
        if self.pid() and self.answers():
            return self.state()
        self.init()
        state = self.state()
        port = state.get("port")
        if not port or not _port_free(port):
            port = _free_port()
        daemon = _binary("mariadbd", "mysqld")
        command = [daemon, "--no-defaults", f"--datadir={self.datadir}", f"--socket={self.socket}",
                   f"--port={port}", "--bind-address=127.0.0.1", f"--pid-file={self.pid_file}",
                   f"--log-error={self.log_file}", "--innodb-buffer-pool-size=128M",
                   "--max-allowed-packet=1G",
                   # text in any language (and emoji) by default, as Python and MATLAB send it
                   "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"]
        if os.geteuid() == 0:
            command.append("--user=root")
        with open(os.devnull, "wb") as devnull:
            process = subprocess.Popen(command, stdout=devnull, stderr=devnull, stdin=devnull,
                                       start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ServerError(f"mariadbd exited with code {process.returncode}; see {self.log_file}:\n"
                                  + _tail(self.log_file))
            if os.path.exists(self.socket) and self._socket_accepts():
                break
            time.sleep(0.2)
        else:
            process.terminate()
            raise ServerError(f"mariadbd did not become ready in {START_TIMEOUT} s; see {self.log_file}")
        self._save_state(port=port, socket=self.socket)
        if not self.state().get("bootstrapped"):
            self._bootstrap()
        else:
            self._harden()
        return self.state()

    def _socket_accepts(self):
        password = self.state().get("password")
        for user, pw in ((PRIVATE_USER, password), ("root", "")):
            if user == PRIVATE_USER and not password:
                continue
            try:
                pymysql.connect(unix_socket=self.socket, user=user, password=pw or "", connect_timeout=2).close()
                return True
            except pymysql.err.OperationalError as error:
                if error.args and error.args[0] == 1045:
                    return True  # the server answers; just not to this login
            except pymysql.err.Error:
                pass
        return False

    def _bootstrap(self):
        """Create the `dj` account with a random password and leave no other usable login.

        mariadb-install-db creates root for localhost, 127.0.0.1, ::1 and the host name with no
        password (and possibly anonymous users); anyone on the machine could use those. root@localhost
        gets the private password (it is how we administer the server); every other root and
        anonymous account is dropped.
        """
        password = secrets.token_urlsafe(18)
        hashed = native_password_hash(password)  # the statement text never holds the password
        root = pymysql.connect(unix_socket=self.socket, user="root", password="", autocommit=True)
        try:
            with root.cursor() as cursor:
                accounts.bootstrap_private_account(cursor, PRIVATE_USER, ("localhost", "127.0.0.1"), hashed)
                accounts.drop_open_accounts(cursor)
        finally:
            root.close()
        self._save_state(password=password, bootstrapped=True, user=PRIVATE_USER)

    def _harden(self):
        """Drop open root/anonymous accounts on a server bootstrapped before we did that ourselves."""
        admin = pymysql.connect(unix_socket=self.socket, user=PRIVATE_USER, password=self.state()["password"],
                                autocommit=True, connect_timeout=5)
        try:
            with admin.cursor() as cursor:
                accounts.drop_open_accounts(cursor)
        finally:
            admin.close()

    def stop(self, timeout=60):
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pid() is None:
                return True
            time.sleep(0.2)
        raise ServerError(f"mariadbd (pid {pid}) did not stop within {timeout} s")

    def write_user_config(self):
        """Point the user's config (~/.datajoint_config.json) at this server; other keys are kept."""
        state = self.state()
        path = user_config_path()
        try:
            with open(path) as f:
                values = json.load(f)
        except (OSError, ValueError):
            values = {}
        values.update({"database.host": "127.0.0.1", "database.port": state["port"],
                       "database.user": PRIVATE_USER, "database.password": state["password"]})
        _write_private(path, json.dumps(values, indent=4, sort_keys=True))
        return path


def configured_server_status(config):
    """(reachable, description) of the server `dj.conn()` would use (never the password)."""
    choice = server_settings(config)
    try:
        c = Connection(choice.host, choice.user, choice.password, port=choice.port,
                       unix_socket=config["database.unix_socket"], connect_timeout=3,
                       use_tls=config["database.use_tls"])
    except Exception as error:  # any failure means "not reachable"; the message says why
        return False, f"{choice.describe()}: {error}"
    version = catalog.server_version(c)
    c.close()
    return True, f"{choice.describe()} (server {version})"


def octave_server_choice(cwd=None, timeout=60):
    """What Octave's dj.conn() would use, asked from octave-cli itself, or None without Octave.

    Asking Octave (rather than assuming it agrees) is what lets `dji server status` show a
    disagreement, e.g. settings that only one of the languages can read.
    """
    octave = shutil.which("octave-cli")
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # datajoint_interop/
    matlab = os.path.join(os.path.dirname(package), "matlab")
    if not octave or not os.path.isdir(os.path.join(matlab, "+dj")):
        return None
    script = ("addpath(getenv('DJI_MATLAB_DIR')); s = dj.internal.serverSettings(); "
              "fprintf('%s\\n%s\\n%s\\n%d\\n%s\\n%s\\n%s\\n%s\\n', s.host, s.port, s.user, "
              "~isempty(s.password), s.sources.host, s.sources.port, s.sources.user, s.sources.password);")
    try:
        result = subprocess.run([octave, "--norc", "--no-history", "--no-gui", "--eval", script],
                                capture_output=True, text=True, timeout=timeout, cwd=cwd,
                                env=dict(os.environ, DJI_MATLAB_DIR=matlab))
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"could not ask Octave: {error}"
    lines = result.stdout.strip().splitlines()[-8:]
    if result.returncode != 0 or len(lines) != 8:
        return "could not ask Octave: " + (result.stderr.strip().splitlines() or ["no output"])[-1]
    host, port, user, has_password, *origins = lines
    return ServerChoice(host, int(port), user, "*" if has_password == "1" else "",
                        dict(zip(("host", "port", "user", "password"), origins)))


def _write_private(path, text):
    """Write a file that holds a password: created 0600, never readable by others even briefly."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode on open: tighten it first
    with os.fdopen(fd, "w") as f:
        f.write(text)


def _binary(*names):
    for name in names:
        for folder in ("", "/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"):
            path = shutil.which(name) if not folder else os.path.join(folder, name)
            if path and os.access(path, os.X_OK):
                return path
    raise ServerError(
        f"{names[0]} not found. Install the MariaDB server binaries, e.g. "
        f"`sudo apt-get install mariadb-server` (the system service need not run).")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_free(port):
    """Whether mariadbd could listen on 127.0.0.1:port now.

    SO_REUSEADDR as the server itself uses it: connections of a killed server left in TIME_WAIT
    do not keep it from listening, so they must not make us move to a new port either.
    """
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen(1)
        except OSError:
            return False
    return True


def _tail(path, n=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""
