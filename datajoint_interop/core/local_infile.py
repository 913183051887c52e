"""``LOAD DATA LOCAL INFILE`` that can only ever send a buffer we built in memory.

A client that announces LOCAL INFILE support lets the *server* name the file to upload: the
server answers any statement with "send me file X", and pymysql's stock handler opens X and sends
it. A hostile or compromised server could so read ``~/.ssh/id_rsa`` from every client that
connects with ``local_infile=True``. Here the client never opens a file: a request is answered with
the bytes handed to ``PyMySQLConnection.load_local`` for the statement running at that moment,
whatever name the server asks for, and with an empty upload (nothing) at any other time.
"""
import pymysql
from pymysql.connections import MySQLResult
from pymysql.constants import CR

# the upload travels in packets of this size: each must stay under the server's max_allowed_packet
# (which can be as low as 1 MiB on old servers); pymysql's own handler uses the same size
_CHUNK = 16 * 1024
# requested file names kept for diagnostics, as the Connector/C handler keeps them (src/infile): a
# long-lived session that loads often must not grow a list without bound
_KEPT_NAMES = 32


class _Result(MySQLResult):
    """A statement result whose LOCAL INFILE requests are answered from memory only."""

    def _read_load_local_packet(self, first_packet):
        conn = self.connection
        payload, conn._local_payload = conn._local_payload, None  # one upload per LOAD DATA of ours
        if len(conn.local_requests) < _KEPT_NAMES:
            conn.local_requests.append(first_packet.get_all_data()[1:].decode("utf-8", "replace"))
        try:
            if payload is not None:
                view = memoryview(payload)
                for start in range(0, len(view), _CHUNK):
                    conn.write_packet(view[start:start + _CHUNK])
        finally:
            conn.write_packet(b"")  # end of the upload (the whole upload when nothing was ours)
            ok_packet = conn._read_packet()
        if not ok_packet.is_ok_packet():
            raise pymysql.err.OperationalError(CR.CR_COMMANDS_OUT_OF_SYNC, "Commands Out of Sync")
        self._read_ok_packet(ok_packet)


class PyMySQLConnection(pymysql.connections.Connection):
    """pymysql's connection, announcing LOCAL INFILE but answering it only from ``load_local``.

    ``local_requests`` keeps the first 32 file names the server asked for (for tests and diagnostics:
    a name differing from the one in our statement means the server is not behaving)."""

    _local_payload = None

    def __init__(self, *args, **kwargs):
        kwargs.pop("local_infile", None)
        kwargs["client_flag"] = kwargs.get("client_flag", 0) | pymysql.constants.CLIENT.LOCAL_FILES
        self.local_requests = []
        super().__init__(*args, **kwargs)

    def _read_query_result(self, unbuffered=False):
        self._result = None
        result = _Result(self)
        if unbuffered:
            result.init_unbuffered_query()
        else:
            result.read()
        self._result = result
        if result.server_status is not None:
            self.server_status = result.server_status
        return result.affected_rows

    def load_local(self, cursor, sql, payload):
        """Run `sql` (a ``LOAD DATA LOCAL INFILE``, no parameters) uploading `payload` (bytes)."""
        self._local_payload = payload
        try:
            return cursor.execute(sql)
        finally:
            self._local_payload = None
