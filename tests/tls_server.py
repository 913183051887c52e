"""A throw-away mariadbd with TLS for tests that must stop or misconfigure a server (no tests here).

The shared test server has no TLS and must never be SIGSTOPped, so these tests start their own:
a self-signed CA, a server certificate it signed that is valid for IP 127.0.0.1 only (so that
connecting by the name `localhost` is a host-name mismatch), an unrelated CA for the wrong-CA
case, and mariadbd on a free port of 127.0.0.1 with root and no password. `stop()` kills it and
deletes everything; a SIGSTOPped server is resumed first.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pymysql

from datajoint_interop.server import _binary, _free_port


def _run(*command, cwd):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")


def make_certificates(folder):
    """CA, server certificate (SAN IP:127.0.0.1) and an unrelated CA, as PEM files in folder."""
    with open(os.path.join(folder, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=djtest-ca",
         "-keyout", "ca-key.pem", "-out", "ca.pem", cwd=folder)
    _run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
         "-keyout", "key.pem", "-out", "server.csr", cwd=folder)
    _run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
         "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "cert.pem", cwd=folder)
    _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=djtest-other",
         "-keyout", "other-key.pem", "-out", "other.pem", cwd=folder)


class TlsServer:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="djtls_")
        self.ca = os.path.join(self.dir, "ca.pem")
        self.wrong_ca = os.path.join(self.dir, "other.pem")
        self.process = None
        make_certificates(self.dir)
        user = ["--user=root"] if os.geteuid() == 0 else []
        _run(_binary("mariadb-install-db", "mysql_install_db"), "--no-defaults",
             f"--datadir={self.dir}/data", "--auth-root-authentication-method=normal", "--skip-test-db",
             *user, cwd=self.dir)
        for _attempt in range(5):
            self.port = _free_port()
            self.process = subprocess.Popen(
                [_binary("mariadbd", "mysqld"), "--no-defaults", f"--datadir={self.dir}/data",
                 f"--socket={self.dir}/sock", f"--port={self.port}", "--bind-address=127.0.0.1",
                 f"--pid-file={self.dir}/pid", f"--log-error={self.dir}/server.log",
                 f"--ssl-cert={self.dir}/cert.pem", f"--ssl-key={self.dir}/key.pem",
                 f"--ssl-ca={self.ca}", "--innodb-buffer-pool-size=16M", "--skip-log-bin", *user],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
            if self._wait_ready():
                return
            self._kill()
        self.stop()
        raise RuntimeError("private mariadbd with TLS did not start")

    def _wait_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                pymysql.connect(host="127.0.0.1", port=self.port, user="root", password="",
                                connect_timeout=2).close()
                return True
            except pymysql.err.Error:
                time.sleep(0.2)
        return False

    def pause(self):
        """SIGSTOP: the server keeps its sockets open but answers nothing. Returns once every
        thread is stopped (the signal is asynchronous: a quick query could still be answered)."""
        os.kill(self.process.pid, signal.SIGSTOP)
        task_dir = f"/proc/{self.process.pid}/task"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            states = []
            for tid in os.listdir(task_dir):
                try:
                    with open(f"{task_dir}/{tid}/stat") as f:
                        states.append(f.read().rsplit(")", 1)[1].split()[0])
                except OSError:
                    pass
            if states and all(state in "Tt" for state in states):
                return
            time.sleep(0.01)
        raise RuntimeError("the private server did not stop on SIGSTOP")

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def _kill(self):
        if self.process and self.process.poll() is None:
            self.resume()
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self):
        self._kill()
        shutil.rmtree(self.dir, ignore_errors=True)
