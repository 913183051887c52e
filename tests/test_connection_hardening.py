"""Read/write timeouts against a stalled server, and TLS verification, on a private TLS server.

Both need a server of their own (tests/tls_server.py): one to SIGSTOP, one with a certificate.
"""
import logging
import socket
import ssl
import time

import pytest

import datajoint_interop as dj
from datajoint_interop import connection as connection_module
from datajoint_interop import errors
from datajoint_interop.core import driver as drivers
from .test_crosslang_support import ROOT, run_octave
from .tls_server import TlsServer


@pytest.fixture(scope="module")
def server():
    srv = TlsServer()
    yield srv
    srv.stop()


@pytest.fixture
def settings():
    """Restore the timeout settings a test changes."""
    saved = {k: dj.config[k] for k in ("database.read_timeout", "database.write_timeout")}
    yield dj.config
    for k, v in saved.items():
        dj.config[k] = v


def _connect(server, host="127.0.0.1", use_tls=False):
    return dj.Connection(host, "root", "", port=server.port, use_tls=use_tls)


def test_defaults_are_long_but_finite():
    assert dj.config["database.read_timeout"] == 3600
    assert dj.config["database.write_timeout"] == 600


def test_stalled_server_gives_lost_connection_naming_the_setting(server, settings):
    settings["database.read_timeout"] = 2
    conn = _connect(server)
    assert conn.read_timeout == 2
    options = {}

    def read_options(sock):
        options["keepalive"] = sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
        if hasattr(socket, "TCP_KEEPIDLE"):
            options["idle"] = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
    conn._driver.with_socket(conn._conn, read_options)
    assert options["keepalive"]
    assert options.get("idle", 60) == 60
    server.pause()
    try:
        start = time.monotonic()
        with pytest.raises(errors.LostConnectionError, match=r"database\.read_timeout = 2 s") as info:
            conn.query("SELECT 1")
        elapsed = time.monotonic() - start
    finally:
        server.resume()
    assert elapsed < 15, f"waited {elapsed:.1f} s for a stopped server with a 2 s read timeout"
    assert "SELECT 1" in str(info.value)
    # once the server answers again, the next query reconnects as after any lost connection
    assert conn.query("SELECT 2").fetchone()[0] == 2
    conn.close()


def test_server_stalling_mid_result_gives_lost_connection(server, settings):
    """fetch streams rows after query() returned: a stall there is translated the same way."""
    settings["database.read_timeout"] = 2
    conn = _connect(server)
    sql = "SELECT seq, REPEAT('x', 100) FROM mysql.seq_1_to_3000000"
    cursor = conn.query(sql, unbuffered=True)
    chunks = conn.fetch_chunks(cursor, sql, 1000)
    assert len(next(chunks)) == 1000
    server.pause()
    try:
        start = time.monotonic()
        with pytest.raises(errors.LostConnectionError, match=r"database\.read_timeout = 2 s"):
            for _rows in chunks:
                pass
        elapsed = time.monotonic() - start
    finally:
        server.resume()
    assert elapsed < 15, elapsed
    assert conn.query("SELECT 3").fetchone()[0] == 3
    conn.close()


def test_stalled_server_inside_a_transaction_says_the_transaction_is_lost(server, settings):
    settings["database.read_timeout"] = 2
    conn = _connect(server)
    conn.start_transaction()
    server.pause()
    try:
        with pytest.raises(errors.LostConnectionError, match="transaction is lost"):
            conn.query("SELECT 1")
    finally:
        server.resume()
    assert not conn.in_transaction
    conn.close()


def test_timeout_none_means_no_limit_and_bad_values_are_refused(server, settings):
    settings["database.read_timeout"] = None
    conn = _connect(server)
    assert conn.read_timeout is None
    conn.close()
    settings["database.read_timeout"] = -5
    with pytest.raises(errors.DataJointError, match=r"database\.read_timeout.*must be a number of seconds"):
        _connect(server)


def test_long_query_within_the_timeout_is_not_interrupted(server, settings):
    settings["database.read_timeout"] = 3
    conn = _connect(server)
    assert conn.query("SELECT SLEEP(1.5)").fetchone()[0] == 0
    conn.close()


def test_tls_with_the_right_ca_verifies(server, caplog):
    connection_module._warned_unverified_tls = False
    with caplog.at_level(logging.WARNING, logger="datajoint_interop"):
        conn = _connect(server, use_tls={"ca": server.ca})
    assert conn.tls_cipher()
    assert "not verified" not in caplog.text
    conn.close()


def test_use_tls_false_is_clear_text_even_when_the_server_offers_tls(server):
    """0.14: use_tls=False never encrypts (pymysql 2.x would otherwise use TLS whenever offered);
    so does the default for a local server (docs/connection.md)."""
    for use_tls in (False, None):
        conn = _connect(server, use_tls=use_tls)
        assert conn.tls_cipher() in ("", None)
        assert conn.query("SHOW STATUS LIKE 'Ssl_cipher'").fetchone()[1] == ""
        conn.close()


def test_tls_with_a_wrong_ca_is_refused(server):
    with pytest.raises(errors.DataJointError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
        _connect(server, use_tls={"ca": server.wrong_ca})


def test_tls_with_a_wrong_host_name_is_refused(server):
    """The certificate is valid for 127.0.0.1 only: `localhost` is the same server, another name."""
    with pytest.raises(errors.DataJointError, match="(?i)mismatch|certificate"):
        _connect(server, host="localhost", use_tls={"ca": server.ca})


def test_tls_without_a_ca_is_encrypted_and_warns_once(server, caplog):
    connection_module._warned_unverified_tls = False
    with caplog.at_level(logging.WARNING, logger="datajoint_interop"):
        first = _connect(server, use_tls=True)
        second = _connect(server, use_tls=True)
    assert first.tls_cipher() and second.tls_cipher()
    assert caplog.text.count("encrypted but the server's certificate is not verified") == 1
    first.close()
    second.close()


@pytest.mark.parametrize("driver", [d.name for d in drivers.installed()])
def test_tls_settings_mean_the_same_on_every_driver(server, driver, monkeypatch):
    """A use_tls dict without a CA encrypts without verifying; with a CA it verifies, on either
    driver; 'auto' keeps pymysql where only it can check the name 'localhost' over TCP."""
    monkeypatch.setitem(dj.config, "database.driver", driver)
    unverified = _connect(server, use_tls={"verify_mode": ssl.CERT_NONE})
    verified = _connect(server, use_tls={"ca": server.ca})
    assert unverified.driver == verified.driver == driver
    assert unverified.tls_cipher() and verified.tls_cipher()
    with pytest.raises(errors.DataJointError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
        _connect(server, use_tls={"ca": server.wrong_ca})
    unverified.close()
    verified.close()
    monkeypatch.setitem(dj.config, "database.driver", "auto")
    local = _connect(server, host="localhost", use_tls={"verify_mode": ssl.CERT_NONE})
    assert local.driver == "pymysql" and local.tls_cipher()
    local.close()


def test_mex_tls_defaults_agree(server, tmp_path):
    """mym: a CA means chain and host name are verified; no CA means encrypted and one warning."""
    out = run_octave(tmp_path, "mextls", f"""
addpath('{ROOT}/matlab/tests/helpers');
id = mym(-1, 'open', '127.0.0.1:{server.port}', 'root', '', 'ssl', struct('ca', '{server.ca}'));
mym(id, 'close');
disp('RIGHT-CA-OK');
err = assert_error(@() mym(-1, 'open', 'localhost:{server.port}', 'root', '', 'ssl', struct('ca', '{server.ca}')), 'mym:connect');
fprintf('WRONG-HOST %s\\n', err.message);
err = assert_error(@() mym(-1, 'open', '127.0.0.1:{server.port}', 'root', '', 'ssl', struct('ca', '{server.wrong_ca}')), 'mym:connect');
disp('WRONG-CA-REFUSED');
lastwarn('');
id = mym(-1, 'open', '127.0.0.1:{server.port}', 'root', '', 'true');
[msg, wid] = lastwarn();
fprintf('WARN1 %s | %s\\n', wid, msg);
mym(id, 'close');
lastwarn('');
id = mym(-1, 'open', '127.0.0.1:{server.port}', 'root', '', 'true');
[msg, wid] = lastwarn();
fprintf('WARN2 [%s]\\n', wid);
mym(id, 'close');
""", timeout=120)
    assert "RIGHT-CA-OK" in out and "WRONG-CA-REFUSED" in out, out
    assert "WRONG-HOST " in out and "certificate" in out.split("WRONG-HOST ")[1].splitlines()[0], out
    assert "WARN1 mym:tlsUnverified | " in out and "not verified" in out, out
    assert "WARN2 []" in out, out
