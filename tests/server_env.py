"""Where the test server is (DJ_HOST, DJ_PORT, DJ_USER, DJ_PASS), for our package and for DataJoint 0.14.

Plain absolute imports only: worker scripts started by the tests and the bench/ scripts load it too.
"""
import os


def connection_settings():
    return dict(
        host=os.environ.get("DJ_HOST", "127.0.0.1"),
        port=int(os.environ.get("DJ_PORT", "3306")),
        user=os.environ.get("DJ_USER", "root"),
        password=os.environ.get("DJ_PASS", ""),
    )


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
