"""Where the test server is, for our package and for DataJoint 0.14.

Chosen once per process by the rule every part of the project uses (docs/settings.md): DJ_HOST,
DJ_PORT, DJ_USER, DJ_PASS > ./dj_local_conf.json > ~/.datajoint_config.json > root@127.0.0.1:3306
with no password; `scripts/test` exports all four. The choice is then written back to all four
DJ_* variables, so that Octave and worker processes started by the tests take the same account
(Octave cannot tell an empty DJ_PASS from an unset one; with DJ_USER set both read it alike).

Plain absolute imports only: worker scripts started by the tests and the bench/ scripts load it too.
"""
import contextlib
import functools
import os


@functools.lru_cache(maxsize=None)
def _resolved():
    from datajoint_interop.settings import load_default_config, server_settings
    choice = server_settings(load_default_config())
    os.environ.update(DJ_HOST=choice.host, DJ_PORT=str(choice.port), DJ_USER=choice.user,
                      DJ_PASS=choice.password)
    return dict(host=choice.host, port=choice.port, user=choice.user, password=choice.password)


def connection_settings():
    """host, port, user, password of the test server (fixed at the first call in this process)."""
    return dict(_resolved())


def point_at_test_server(module):
    """Set ``module.config`` (datajoint_interop or datajoint 0.14) to the test server and account.

    0.14 gets TLS off (the test server has none); ours gets no unix socket, so it connects over TCP
    to exactly the host and port given. Returns the settings used.
    """
    settings = connection_settings()
    for name, value in settings.items():
        module.config[f"database.{name}"] = value
    if module.__name__ == "datajoint":
        module.config["database.use_tls"] = False
    else:
        module.config["database.unix_socket"] = None
    return settings


def configure_oracle(datajoint, ours):
    """Point DataJoint 0.14 (the test oracle) at the server and account ``ours.config`` uses, safemode off."""
    for key in ("database.host", "database.port", "database.user", "database.password"):
        datajoint.config[key] = ours.config[key]
    datajoint.config["database.use_tls"] = False
    datajoint.config["safemode"] = False


@contextlib.contextmanager
def private_server(home):
    """A private MariaDB server in `home`, for tests that reconfigure a server (the shared one is
    never touched); yields its state (port, user, password) and stops it afterwards."""
    from datajoint_interop.server import PrivateServer
    server = PrivateServer(home=str(home))
    state = server.start()
    try:
        yield state
    finally:
        server.stop()
