"""The client library under `Connection`: MariaDB Connector/C (through mysqlclient) or pymysql.

Result sets are what users wait for (analysis loops, notebooks), and a pure-Python driver spends
most of a large fetch turning wire bytes into Python values; Connector/C does that in C, 2-3x
faster (docs/performance.md). Both drivers follow the DB-API with DataJoint 0.14's conventions
(``text % escaped_args`` unless args is None, cursor classes for dicts and unbuffered reads, errors
carrying ``(server_code, message)``), so `Connection` drives either through this one adapter and
nothing above it knows which is in use.

Which one: ``dj.config['database.driver']`` (or the ``DJ_DRIVER`` environment variable):
``'auto'`` (default: mysqlclient when it imports, else pymysql), ``'mysqlclient'`` or
``'pymysql'``.
"""
import contextlib
import math
import os
import socket

import pymysql
import pymysql.cursors

from . import errors
from .local_infile import PyMySQLConnection
from .settings import config

try:  # the C path: an optional dependency (the `fast` extra) that needs Connector/C to build
    import MySQLdb
    import MySQLdb._mysql
    import MySQLdb.connections
    import MySQLdb.cursors
except ImportError:  # pragma: no cover - depends on the machine
    MySQLdb = None

try:  # LOCAL INFILE from memory for Connector/C sessions (src/infile/infile.c), built when it can be
    from . import _infile
except ImportError:  # pragma: no cover - depends on the machine
    _infile = None

CHOICES = ("auto", "mysqlclient", "pymysql")


def chosen_name():
    """The driver that new connections use now: the setting, DJ_DRIVER, else 'auto'."""
    name = config.get("database.driver") or "auto"
    if name not in CHOICES:
        raise errors.DataJointError(f"dj.config['database.driver'] (or DJ_DRIVER) must be one of "
                                    f"{', '.join(CHOICES)}; got {name!r}")
    if name == "auto":
        return "mysqlclient" if MySQLdb is not None else "pymysql"
    if name == "mysqlclient" and MySQLdb is None:
        raise errors.DataJointError(
            "database.driver = 'mysqlclient' but mysqlclient is not installed (it needs MariaDB "
            "Connector/C or libmysqlclient headers to build): pip install 'datajoint-interop[fast]', "
            "or set database.driver to 'auto' or 'pymysql'")
    return name


def _seconds(value):
    """Connector/C takes whole seconds (0 = no limit): round a limit up, never down to none."""
    return 0 if value is None else max(1, math.ceil(value))


class _Driver:
    """What `Connection` needs from a driver, whichever it is."""
    name = ""
    Error = OperationalError = InterfaceError = ProgrammingError = Exception

    def cursor_class(self, as_dict, unbuffered):
        return self._cursors[(bool(as_dict), bool(unbuffered))]

    def can_load_local(self, raw):
        """Whether session `raw` answers LOCAL INFILE requests from memory (``raw.load_local``)."""
        return False

    def with_socket(self, raw, use):
        """Call use(socket) on the session's TCP/Unix socket (None when it cannot be had)."""
        sock = self.socket(raw)
        try:
            use(sock)
        finally:
            if sock is not None and self.name != "pymysql":
                sock.close()  # a duplicate of the descriptor Connector/C keeps owning


class _PyMySQL(_Driver):
    name = "pymysql"
    Error = pymysql.err.Error
    OperationalError = pymysql.err.OperationalError
    InterfaceError = pymysql.err.InterfaceError
    ProgrammingError = pymysql.err.ProgrammingError
    _cursors = {(False, False): pymysql.cursors.Cursor, (True, False): pymysql.cursors.DictCursor,
                (False, True): pymysql.cursors.SSCursor, (True, True): pymysql.cursors.SSDictCursor}

    def connect(self, params, tls, read_timeout, write_timeout):
        """Open a session. `tls`: None (clear text), 'unverified', or a dict (ca, cert, key,
        capath, cipher, check_hostname, verify_mode) as `use_tls` gives it."""
        kwargs = dict(params)
        if tls == "unverified":
            import ssl as ssl_module
            context = ssl_module.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl_module.CERT_NONE
            kwargs["ssl"] = context
        elif tls is not None:
            kwargs["ssl"] = dict(tls)
        else:
            # clear text means clear text: newer pymysql releases use TLS whenever the server
            # offers it unless told not to, which would ignore use_tls=False
            kwargs["ssl_disabled"] = True
        # the handshake is bounded by connect_timeout; statements get the (long) read/write limits
        kwargs["read_timeout"] = kwargs["write_timeout"] = params["connect_timeout"]
        raw = PyMySQLConnection(**kwargs)  # answers LOCAL INFILE from memory only
        raw._read_timeout, raw._write_timeout = read_timeout, write_timeout
        return raw

    def can_load_local(self, raw):
        return True  # PyMySQLConnection: always

    def socket(self, raw):
        return getattr(raw, "_sock", None)

    def read_timeout(self, raw):
        return raw._read_timeout

    def timed_out(self, error, raw, elapsed):
        """Whether a lost-connection error is the read/write timeout ending the wait."""
        return isinstance(error.__context__, (socket.timeout, TimeoutError))

    def ping(self, raw):
        raw.ping(reconnect=False)

    def is_open(self, raw):
        return bool(raw.open)

    def abandon_result(self, cursor):
        """The rest of a streamed result can never be read: stop close/__del__ from trying to
        drain it over a dead socket."""
        result = getattr(cursor, "_result", None)
        if result is not None:
            result.unbuffered_active = False


def _session_class():
    """mysqlclient's connection with a faster `literal` for the kinds of values an insert binds.

    mysqlclient escapes each bound value through a chain of isinstance tests and converter calls,
    which made bulk inserts slower than under pymysql; a lookup by exact type gives the very same
    bytes (ints as digits, floats as repr + 'e0', text and _binary'...' through the same C escape)
    and leaves every other value, NaN and Inf included, to mysqlclient."""

    def float_literal(session, value):
        text = repr(value)
        if text in ("inf", "-inf", "nan"):
            return MySQLdb.connections.Connection.literal(session, value)  # its error
        return (text if "e" in text else text + "e0").encode("ascii")

    literals = {
        int: lambda session, value: str(value).encode("ascii"),
        float: float_literal,
        str: lambda session, value: session.string_literal(value.encode(session.encoding)),
        bytes: lambda session, value: session._bytes_literal(value),
        type(None): lambda session, value: b"NULL",
    }

    class Native(MySQLdb._mysql.connection):
        """The C session, with our LOCAL INFILE handler installed right after the handshake,
        before mysqlclient's own first statements (SET NAMES, sql_mode, autocommit)."""

        _dj_infile = None

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if kwargs.get("local_infile"):
                try:
                    handler = _infile.Handler()
                    handler.install(self._get_native_connection())
                except BaseException:
                    self.close()
                    raise
                self._dj_infile = handler

    class Session(MySQLdb.connections.Connection, Native):
        def literal(self, o):
            make = literals.get(type(o))
            return make(self, o) if make is not None else super().literal(o)

        @property
        def local_requests(self):
            """The file names the server asked to upload (the first 32; for tests, diagnostics)."""
            return self._dj_infile.names() if self._dj_infile is not None else []

        def load_local(self, cursor, sql, payload):
            """Run `sql` (a ``LOAD DATA LOCAL INFILE``, no parameters) uploading `payload`."""
            self._dj_infile.arm(payload)  # held (not copied) until the statement has returned
            try:
                return cursor.execute(sql)
            finally:
                self._dj_infile.disarm()

    return Session


class _MySQLClient(_Driver):
    name = "mysqlclient"

    def __init__(self):
        self.Error = MySQLdb.Error
        self.OperationalError = MySQLdb.OperationalError
        self.InterfaceError = MySQLdb.InterfaceError
        self.ProgrammingError = MySQLdb.ProgrammingError
        self._session = _session_class()
        c = MySQLdb.cursors
        self._cursors = {(False, False): c.Cursor, (True, False): c.DictCursor,
                         (False, True): c.SSCursor, (True, True): c.SSDictCursor}

    def connect(self, params, tls, read_timeout, write_timeout):
        kwargs = {k: v for k, v in params.items() if v is not None}  # C strings cannot be None
        kwargs["connect_timeout"] = _seconds(params["connect_timeout"])
        kwargs["passwd"] = kwargs.pop("password")
        kwargs["binary_prefix"] = True  # bytes parameters are sent as _binary'...', as pymysql does
        # mysqlclient allows several statements in one query text by default: a stacked-statement
        # injection must find the server refusing the second one, as it does under pymysql
        kwargs["multi_statements"] = False
        # announce LOCAL INFILE only when our in-memory handler answers it (Connector/C's own
        # would upload any file the server names)
        kwargs["local_infile"] = _infile is not None
        # Connector/C bounds the handshake by connect_timeout itself, so the session's own
        # limits can be set from the start (0: none)
        kwargs["read_timeout"] = _seconds(read_timeout)
        kwargs["write_timeout"] = _seconds(write_timeout)
        if tls is None:
            kwargs["ssl_mode"] = "DISABLED"
        elif tls == "unverified":
            kwargs["ssl_mode"] = "REQUIRED"
        else:
            known = {k: tls[k] for k in ("ca", "cert", "key", "capath", "cipher") if tls.get(k)}
            verify = (bool(known.get("ca") or known.get("capath"))
                      and tls.get("verify_mode", 2) != 0 and tls.get("check_hostname", True) is not False)
            if known:
                kwargs["ssl"] = known
            kwargs["ssl_mode"] = "VERIFY_IDENTITY" if verify else "REQUIRED"
        if kwargs["host"] == "localhost" and "unix_socket" not in kwargs:
            # Connector/C takes 'localhost' to mean its default Unix socket, which may be another
            # server than the one on this port: pymysql (and 0.14) connect over TCP
            kwargs["host"] = "127.0.0.1"
        # Connector/C runs init_command inside the handshake, before a handler can be set on the
        # new MYSQL*: the session runs it itself, once the handler is in place, and after sql_mode
        # as pymysql does (so init_fun behaves the same on both drivers, extension or not)
        init_command = kwargs.pop("init_command", None)
        raw = self._session(**kwargs)
        if init_command:
            try:
                with contextlib.closing(raw.cursor()) as cursor:
                    cursor.execute(init_command, None)
            except BaseException:
                raw.close()
                raise
        raw._dj_read_timeout, raw._dj_write_timeout = read_timeout, write_timeout
        return raw

    def socket(self, raw):
        """The session's socket (a view of Connector/C's descriptor, which it keeps owning)."""
        with contextlib.suppress(Exception):
            return socket.socket(fileno=os.dup(raw.fileno()))
        return None

    def can_load_local(self, raw):
        return raw._dj_infile is not None

    def read_timeout(self, raw):
        return raw._dj_read_timeout

    def timed_out(self, error, raw, elapsed):
        # Connector/C reports a read (write) that hit its limit as a plain lost connection, 2013
        # (2006): the wait having lasted the whole limit is what tells the two apart
        limit = raw._dj_write_timeout if error.args and error.args[0] == 2006 else raw._dj_read_timeout
        return bool(limit) and elapsed >= _seconds(limit) - 0.25

    def ping(self, raw):
        raw.ping()

    def is_open(self, raw):
        return bool(raw.open)

    def abandon_result(self, cursor):
        pass


_DRIVERS = {"pymysql": _PyMySQL()}
if MySQLdb is not None:
    _DRIVERS["mysqlclient"] = _MySQLClient()


def driver(name=None, *, host=None, unix_socket=None, tls=None):
    """The adapter of driver `name` (default: the one new connections use now).

    'auto' keeps pymysql for a certificate check against the name 'localhost' over TCP, which
    Connector/C cannot make (it reaches 'localhost' by its Unix socket, so TCP means 127.0.0.1)."""
    if name is None:
        name = chosen_name()
        if (name == "mysqlclient" and (config.get("database.driver") or "auto") == "auto"
                and host == "localhost" and not unix_socket and isinstance(tls, dict)):
            name = "pymysql"
    return _DRIVERS[name]


def loading_locally():
    """The names of the installed drivers whose sessions answer LOCAL INFILE from memory
    (mysqlclient only when the handler extension was built)."""
    return tuple(name for name in _DRIVERS if name == "pymysql" or _infile is not None)


def installed():
    """The adapters of the drivers that are installed."""
    return tuple(_DRIVERS.values())
