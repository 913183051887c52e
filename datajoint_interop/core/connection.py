"""The connection to the database server.

One shared `Connection` per process (`dj.conn()`), as in DataJoint: schemas and tables find it
without passing it around. It owns reconnection (an idle connection killed by the server is
restored transparently, but never inside a transaction, where that would silently lose work) and
the translation of server errors into `DataJointError` subclasses, so the rest of the package never
inspects driver error codes.
"""
import collections
import contextlib
import logging
import re
import socket
import ssl as ssl_module
import time

from . import catalog, driver as drivers, errors, query_cache
from .settings import config, server_settings
from .dependencies import Dependencies
from .query_cache import CachedCursor as EmulatedCursor, cache_key  # noqa: F401  (0.14's names)

logger = logging.getLogger(__name__.split(".")[0])

# server error number -> our exception class
_ERROR_CLASSES = {
    1062: errors.DuplicateError,
    1586: errors.DuplicateError,
    1451: errors.IntegrityError,
    1452: errors.IntegrityError,
    1216: errors.IntegrityError,
    1217: errors.IntegrityError,
    1044: errors.AccessError,
    1045: errors.AccessError,
    1142: errors.AccessError,
    1143: errors.AccessError,
    1227: errors.AccessError,
    1370: errors.AccessError,
    1146: errors.MissingTableError,
    1049: errors.MissingTableError,
    1064: errors.QuerySyntaxError,
    1054: errors.UnknownAttributeError,
    1364: errors.MissingAttributeError,
    1048: errors.MissingAttributeError,
    2006: errors.LostConnectionError,
    2013: errors.LostConnectionError,
    2055: errors.LostConnectionError,
    1927: errors.LostConnectionError,  # connection was killed (MariaDB)
}
_LOST = frozenset({2006, 2013, 2055, 1927})

# set once the unverified-TLS warning was given (it is given once per process)
_warned_unverified_tls = False
# statements that change nothing, so re-running them after a reconnect is always safe
_READ_ONLY = re.compile(r"\s*(\(\s*)*(SELECT|SHOW|DESCRIBE|DESC|EXPLAIN|WITH)\b", re.IGNORECASE)
#: the session sql_mode, the same for Python and MATLAB sessions (matlab/+dj/Connection.m sets it
#: too): DataJoint 0.14's, so the server refuses what 0.14 refuses (out-of-range numbers, missing
#: values, zero dates) whatever the server's global mode, minus ONLY_FULL_GROUP_BY, which MariaDB
#: applies without functional-dependency detection and so would refuse valid aggregations
SQL_MODE = ("NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,STRICT_ALL_TABLES,"
            "NO_ENGINE_SUBSTITUTION")
#: a write after this many idle seconds first checks that the server still holds the connection
IDLE_CHECK_SECONDS = 1.0


def _is_a(error, kind):
    """Whether `error` is the DB-API exception `kind` ('InterfaceError'...) of either driver."""
    return any(isinstance(error, getattr(d, kind)) for d in drivers.installed())


def translate_error(error, sql=None):
    """Turn a driver exception into the matching DataJointError (the original is its cause)."""
    code = error.args[0] if error.args and isinstance(error.args[0], int) else 0
    message = error.args[1] if len(error.args) > 1 else str(error)
    cls = _ERROR_CLASSES.get(code)
    if cls is None:
        if _is_a(error, "InterfaceError"):
            cls = errors.LostConnectionError
        elif _is_a(error, "ProgrammingError"):
            cls = errors.QuerySyntaxError
        else:
            cls = errors.QueryError
    text = f"{message} (server error {code})" if code else message
    if cls is errors.AccessError and sql:
        text += f" -- while running: {_shorten(sql)}"
    new = cls(text)
    new.errno = code
    new.server_message = message
    return new


translate_query_error = translate_error  # 0.14's name


def _timeout_setting(key):
    """dj.config[key] as the drivers want it: seconds > 0, or None for no limit (None or 0)."""
    value = config.get(key)
    if value is None or value == 0 or value == float("inf"):
        return None
    if not value > 0:
        raise errors.DataJointError(f"dj.config[{key!r}] must be a number of seconds > 0, or None "
                                    f"(or 0) for no limit; got {value!r}")
    return float(value)


def _tune_keepalive(sock):
    """Probe an idle TCP connection after 60 s (every 10 s, 6 tries) instead of the OS's 2 hours,
    so that a server host that vanished is noticed even while a long query waits for its answer."""
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    options = [(socket.SOL_SOCKET, "SO_KEEPALIVE", 1)] + [
        (socket.IPPROTO_TCP, name, value)
        for name, value in (("TCP_KEEPIDLE", 60), ("TCP_KEEPINTVL", 10), ("TCP_KEEPCNT", 6))]
    for level, name, value in options:
        if hasattr(socket, name):
            with contextlib.suppress(OSError):
                sock.setsockopt(level, getattr(socket, name), value)


def _is_lost(error):
    """True when a driver error means the connection itself is gone (not a failed statement)."""
    code = error.args[0] if error.args and isinstance(error.args[0], int) else 0
    return _is_a(error, "InterfaceError") or code in _LOST


def _shorten(sql, limit=300):
    sql = " ".join(sql.split())
    return sql if len(sql) <= limit else sql[: limit - 3] + "..."


def parse_host(host, port=None):
    """Split 'host:port' (IPv6 in brackets allowed) into (host, port)."""
    match = re.fullmatch(r"\[(?P<h6>[^\]]+)\](?::(?P<p6>\d+))?|(?P<h>[^:]+)(?::(?P<p>\d+))?", host or "")
    if not match:
        return host, int(port or 3306)
    name = match.group("h6") or match.group("h")
    explicit = match.group("p6") or match.group("p")
    return name, int(explicit or port or 3306)


class Connection:
    """A connection to a MySQL/MariaDB server with DataJoint's transaction rules."""

    def __init__(self, host, user, password, port=None, init_fun=None, use_tls=None,
                 unix_socket=None, connect_timeout=None):
        self.host, self.port = parse_host(host, port)
        self.user = user
        self._password = password if password is not None else ""
        self.init_fun = init_fun
        self.use_tls = use_tls
        self.unix_socket = unix_socket
        self.connect_timeout = connect_timeout if connect_timeout is not None else config["database.connect_timeout"]
        self.schemas = {}
        self._dependencies = None
        self._conn = None
        self._in_transaction = False
        self.connection_id = None
        self.session_values = {}
        self._query_cache = None
        self._driver = None
        self._stream = None  # the result being streamed (fetch_chunks), if one is open
        self.connect()

    # -- identity ---------------------------------------------------------------------------
    @property
    def conn_info(self):
        """Connection parameters without the password."""
        return dict(host=self.host, port=self.port, user=self.user, use_tls=self.use_tls,
                    unix_socket=self.unix_socket)

    def __repr__(self):
        state = "connected" if self.is_connected else "disconnected"
        where = self.unix_socket if self.unix_socket else f"{self.host}:{self.port}"
        return f"DataJoint connection ({state}) {self.user}@{where}"

    def __eq__(self, other):
        return isinstance(other, Connection) and self.conn_info == other.conn_info

    __hash__ = object.__hash__

    # -- connecting -------------------------------------------------------------------------
    def _ssl_argument(self):
        """The TLS wanted for use_tls: None (clear text), 'unverified' or the use_tls dict.

        As MySQL clients do: with a CA (use_tls={'ca': path} or 'capath'), the driver verifies the
        certificate chain and the host name; without one (use_tls=True, or None for a remote
        host), the session is encrypted but the server is not authenticated (see _warn_unverified).
        """
        tls = self.use_tls
        if tls is False:
            return None
        if isinstance(tls, dict):
            return dict(tls)
        if tls is None and (self.host in ("localhost", "127.0.0.1", "::1") or self.unix_socket):
            return None  # a local server: nothing to protect on the wire
        return "unverified" if tls is None or tls is True else None

    def _tls_verified(self):
        """True when the server's certificate is checked against a CA given in use_tls."""
        tls = self.use_tls
        return (isinstance(tls, dict) and bool(tls.get("ca") or tls.get("capath"))
                and tls.get("verify_mode", ssl_module.CERT_REQUIRED) != ssl_module.CERT_NONE)

    def _warn_unverified(self, where):
        """Once per process: an encrypted session whose server nobody authenticated."""
        global _warned_unverified_tls
        if _warned_unverified_tls or self._tls_verified():
            return
        _warned_unverified_tls = True
        logger.warning(
            "The TLS connection to %s is encrypted but the server's certificate is not verified, "
            "so the server is not authenticated (a man in the middle could pose as it). To verify "
            "it, give its CA: dj.config['database.use_tls'] = {'ca': '/path/to/ca.pem'}.", where)

    def connect(self):
        """Open (or re-open) the server connection (with the driver chosen now, core/driver.py)."""
        tls = self._ssl_argument()
        driver = drivers.driver(host=self.host, unix_socket=self.unix_socket, tls=tls)
        kwargs = dict(
            host=self.host, port=self.port, user=self.user, password=self._password,
            # bounds the handshake too: a peer that accepts but never greets must not hang us
            connect_timeout=self.connect_timeout, autocommit=True, charset="utf8mb4",
            init_command=self.init_fun,
            sql_mode=SQL_MODE,
        )
        if self.unix_socket and self.host in ("localhost", None, ""):
            kwargs["unix_socket"] = self.unix_socket
        timeouts = (_timeout_setting("database.read_timeout"), _timeout_setting("database.write_timeout"))
        where = self.unix_socket if "unix_socket" in kwargs else f"{self.host}:{self.port}"
        try:
            try:
                self._conn = driver.connect(kwargs, tls, *timeouts)
            except driver.OperationalError as error:
                # use_tls=None means "TLS if the server offers it": fall back to plain text
                if self.use_tls is None and tls is not None and "SSL" in str(error).upper():
                    tls = None
                    self._conn = driver.connect(kwargs, tls, *timeouts)
                else:
                    raise
        except driver.OperationalError as error:
            code = error.args[0] if error.args else 0
            message = error.args[1] if len(error.args) > 1 else str(error)
            if code == 1045:
                raise errors.LoginRefusedError(
                    f"Access denied for user '{self.user}' at {where}: wrong password or no such user "
                    f"(server error 1045). Check database.user/database.password (dj.config or "
                    f"DJ_USER/DJ_PASS)") from None
            if code in (1044, 1130):
                raise errors.LoginRefusedError(f"User '{self.user}' may not connect to {where}: {message}") from None
            raise errors.ConnectionError_(
                f"Cannot connect to the database server at {where} as '{self.user}': {message}. "
                f"Check database.host/database.port (dj.config or DJ_HOST/DJ_PORT), that the server "
                f"is running, or start a private one with `dji server start`.") from None
        except (OSError, driver.Error) as error:
            raise errors.ConnectionError_(
                f"Cannot connect to the database server at {where} as '{self.user}': {error}") from None
        self._driver = driver
        self._in_transaction = False
        self.session_values = {}  # what catalog read for this session; a new session reads again
        with contextlib.closing(self._conn.cursor()) as cursor:
            cursor.execute(catalog.CONNECTION_ID)
            self.connection_id = cursor.fetchone()[0]
        driver.with_socket(self._conn, _tune_keepalive)
        self._last_used = time.monotonic()
        cipher = self.tls_cipher() if tls is not None else ""
        if self.use_tls is True and not cipher:
            self.close()
            raise errors.ConnectionError_(
                f"TLS was required (use_tls=True) but the server at {where} did not negotiate it")
        if cipher:
            self._warn_unverified(where)

    @property
    def driver(self):
        """The name of the client library of this session: 'mysqlclient' or 'pymysql'."""
        return self._driver.name

    @property
    def read_timeout(self):
        """Seconds a statement may wait for the server's answer (None: no limit)."""
        return self._driver.read_timeout(self._conn)

    def tls_cipher(self):
        """The TLS cipher in use, or '' for an unencrypted connection."""
        with contextlib.closing(self._conn.cursor()) as cursor:
            cursor.execute(catalog.TLS_CIPHER)
            row = cursor.fetchone()
        return row[1] if row else ""

    @property
    def is_connected(self):
        if self._conn is None or not self._driver.is_open(self._conn):
            return False
        try:
            self._driver.ping(self._conn)
        except self._driver.Error:
            return False
        return True

    def ping(self):
        """Check that the server answers; raises LostConnectionError if it does not."""
        try:
            self._driver.ping(self._conn)
        except self._driver.Error as error:
            raise translate_error(error) from error

    def close(self):
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()

    # -- query cache ------------------------------------------------------------------------
    def set_query_cache(self, query_cache=None):
        """Answer SELECT/SHOW statements from files in ``dj.config['query_cache']`` while
        ``query_cache`` (any text naming a state of the data) is set; other statements are refused.
        ``None`` turns caching off."""
        self._query_cache = query_cache

    def purge_query_cache(self):
        """Delete the cached answers (of every cache state)."""
        query_cache.purge()

    # -- queries ----------------------------------------------------------------------------
    def query(self, sql, args=(), *, as_dict=False, unbuffered=False, suppress_warnings=True,
              reconnect=None):
        """Run one statement with bound parameters and return the executed cursor.

        `args` is a sequence (``%s`` placeholders) or a mapping (``%(name)s``). As in DataJoint 0.14
        (pymysql), `sql` is %-formatted unless `args` is None, so a literal ``%`` is written ``%%``
        even when there are no parameters: raw SQL written for 0.14 keeps its meaning.
        """
        if self._query_cache:
            return query_cache.cached_query(
                self._query_cache, sql, args, as_dict,
                lambda: self._query(sql, args, as_dict=as_dict, suppress_warnings=suppress_warnings,
                                    reconnect=reconnect))
        return self._query(sql, args, as_dict=as_dict, unbuffered=unbuffered,
                           suppress_warnings=suppress_warnings, reconnect=reconnect)

    @property
    def can_load_local(self):
        """Whether ``load_local`` is available: the driver answers LOCAL INFILE from memory, and
        no query cache is set (which only answers SELECTs). The server may still refuse it."""
        return (self._conn is not None and self._driver.can_load_local(self._conn)
                and not self._query_cache)

    def load_local(self, sql, payload):
        """Run `sql`, a ``LOAD DATA LOCAL INFILE`` without parameters, uploading `payload` (bytes)
        whatever file name the server asks for; returns the executed cursor (``rowcount``,
        ``warning_count``). Errors, timeouts and lost connections as for ``query``."""
        if not self.can_load_local:
            raise errors.DataJointError("This connection cannot run LOAD DATA LOCAL INFILE")
        return self._query(sql, None, upload=payload)

    def _query(self, sql, args=(), *, as_dict=False, unbuffered=False, suppress_warnings=True,
               reconnect=None, upload=None):
        """``query`` without the cache; with `upload`, `sql` is a LOAD DATA LOCAL sending it."""
        if reconnect is None:
            reconnect = config["database.reconnect"]
        if self._conn is None:
            raise errors.LostConnectionError("The connection was closed")
        if self._stream is not None:
            # one session answers one statement at a time: the rest of a result still being
            # streamed (say, by `for row in table` whose body queries) is read into memory first
            stream, self._stream = self._stream, None
            stream.drain()
        cursor_class = self._driver.cursor_class(as_dict, unbuffered)
        params = args
        logger.debug("query: %s", _shorten(sql))
        read_only = bool(_READ_ONLY.match(sql))
        if (reconnect and not read_only and not self._in_transaction
                and time.monotonic() - self._last_used > IDLE_CHECK_SECONDS):
            self._restore_idle_connection()
        cursor = self._conn.cursor(cursor_class)
        started = time.monotonic()
        try:
            if upload is None:
                cursor.execute(sql, params)
            else:
                self._conn.load_local(cursor, sql, upload)
        except self._driver.Error as error:
            lost = _is_lost(error)
            if lost and self._driver.timed_out(error, self._conn, time.monotonic() - started):
                raise self._timeout_error(error, sql) from error
            if lost:
                if self._in_transaction:
                    self._in_transaction = False
                    raise errors.LostConnectionError(
                        "The connection to the server was lost inside a transaction; the transaction "
                        "was rolled back by the server and nothing was committed. Not reconnecting "
                        "silently: restart the transaction.") from error
                if reconnect and read_only:
                    logger.warning("Lost connection to %s; reconnecting", self.host)
                    self.connect()
                    return self._query(sql, args, as_dict=as_dict, unbuffered=unbuffered,
                                      suppress_warnings=suppress_warnings, reconnect=False, upload=upload)
                if reconnect:
                    # a statement that changes data may or may not have been applied: never
                    # run it twice behind the caller's back, but leave a working connection
                    self.connect()
                    raise errors.LostConnectionError(
                        f"The connection to {self.host} was lost while running a statement that "
                        f"changes data; it may or may not have been applied. Reconnected: check "
                        f"and retry. Statement: {_shorten(sql, 120)}") from error
            raise translate_error(error, sql) from error
        finally:
            self._last_used = time.monotonic()
        return cursor

    def fetch_chunks(self, cursor, sql, size):
        """Rows of an unbuffered cursor, `size` at a time, with memory bounded by `size` rows.

        Streaming reads happen after query() returned, so a server that stalls or vanishes
        mid-result is translated here: the same LostConnectionError naming the timeout as in
        query(), never a raw driver error. While the stream is open, another statement on this
        connection first reads the rest of it into memory (see _query), so a loop body that
        queries still works. The cursor is closed at the end (quietly when the connection is
        already gone)."""
        stream = _Stream(self, cursor, sql, size)
        self._stream = stream
        try:
            while True:
                rows = stream.next_chunk()
                if not rows:
                    return
                yield rows
        finally:
            if self._stream is stream:
                self._stream = None
            with contextlib.suppress(Exception):
                cursor.close()

    def _read_chunk(self, cursor, sql, size):
        """cursor.fetchmany(size) with driver errors translated (see fetch_chunks)."""
        started = time.monotonic()
        try:
            return cursor.fetchmany(size)
        except self._driver.Error as error:
            self._driver.abandon_result(cursor)
            if _is_lost(error):
                if self._driver.timed_out(error, self._conn, time.monotonic() - started):
                    raise self._timeout_error(error, sql) from error
                self._in_transaction = False
                raise errors.LostConnectionError(
                    f"The connection to {self.host}:{self.port} was lost while reading the "
                    f"result of: {_shorten(sql, 120)}") from error
            raise translate_error(error, sql) from error

    def _timeout_error(self, error, sql):
        """The read or write timeout ended the wait: name the setting (no silent retry, which
        would only wait as long again). The next query reconnects as after any lost connection."""
        key = "database.write_timeout" if error.args and error.args[0] == 2006 else "database.read_timeout"
        was_in_transaction, self._in_transaction = self._in_transaction, False
        return errors.LostConnectionError(
            f"The server at {self.host}:{self.port} did not answer within {key} = {config.get(key)} s "
            f"(the server may be stopped, overloaded or unreachable); the connection was closed"
            + (" and the open transaction is lost (the server rolls it back)" if was_in_transaction else "")
            + f". For statements that legitimately take longer, raise dj.config[{key!r}] (None: no "
            f"limit). Statement: {_shorten(sql, 120)}")

    def _restore_idle_connection(self):
        """Reconnect if the server dropped the connection while it sat idle (nothing was sent)."""
        try:
            self._driver.ping(self._conn)
        except self._driver.Error:
            logger.warning("The server closed the idle connection to %s; reconnecting", self.host)
            self.connect()

    def get_user(self):
        return self.query(catalog.CURRENT_USER).fetchone()[0]

    # -- transactions -----------------------------------------------------------------------
    @property
    def in_transaction(self):
        return self._in_transaction

    def start_transaction(self):
        if self._in_transaction:
            raise errors.DataJointError("Nested transactions are not supported.")
        self.query(catalog.START_TRANSACTION)
        self._in_transaction = True
        logger.debug("transaction started")

    def cancel_transaction(self):
        if self._in_transaction:
            self._in_transaction = False
            with contextlib.suppress(errors.LostConnectionError):
                self.query(catalog.ROLLBACK, reconnect=False)
        logger.debug("transaction cancelled")

    def commit_transaction(self):
        if not self._in_transaction:
            raise errors.DataJointError("commit_transaction called outside a transaction")
        try:
            self.query(catalog.COMMIT)
        finally:
            self._in_transaction = False
        logger.debug("transaction committed")

    @property
    @contextlib.contextmanager
    def transaction(self):
        """``with conn.transaction:`` commits on success and rolls back on any exception."""
        self.start_transaction()
        try:
            yield self
        except BaseException:
            self.cancel_transaction()
            raise
        else:
            if self._in_transaction:  # not when the connection was lost (and the error caught) inside
                self.commit_transaction()

    # -- dependencies (filled by dependencies.py) ----------------------------------------------
    @property
    def dependencies(self):
        if self._dependencies is None:
            self._dependencies = Dependencies(self)
        return self._dependencies

    @dependencies.setter
    def dependencies(self, value):
        self._dependencies = value


class _Stream:
    """An unbuffered result being read in chunks; `drain` reads the rest into memory when the
    session is needed for another statement before the reader is done."""

    def __init__(self, connection, cursor, sql, size):
        self._connection, self._cursor, self._sql, self._size = connection, cursor, sql, size
        self._buffered = collections.deque()
        self._done = False

    def _read(self):
        rows = self._connection._read_chunk(self._cursor, self._sql, self._size)
        if not rows:
            self._done = True
        return rows

    def next_chunk(self):
        if self._buffered:
            return self._buffered.popleft()
        return () if self._done else self._read()

    def drain(self):
        while not self._done:
            rows = self._read()
            if rows:
                self._buffered.append(rows)


def conn(host=None, user=None, password=None, *, init_fun=None, reset=False, use_tls=None):
    """Return the shared connection, creating it from `dj.config` on first use.

    ``reset=True`` makes a new shared connection and, as in 0.14, leaves the previous one open:
    schemas and tables created with it keep working. The shared connection is the attribute
    ``conn.connection``, where 0.14 keeps it, so code that assigns it swaps the shared session."""
    if reset or getattr(conn, "connection", None) is None:
        # one rule for every language and tool (docs/settings.md): arguments > dj.config/DJ_*/files
        # > root@127.0.0.1:3306 with no password
        server = server_settings(config, host, user, password)
        use_tls = use_tls if use_tls is not None else config["database.use_tls"]
        init_fun = init_fun if init_fun is not None else config["connection.init_function"]
        conn.connection = Connection(server.host, server.user, server.password, port=server.port,
                                     init_fun=init_fun, use_tls=use_tls, unix_socket=config["database.unix_socket"])
    return conn.connection
