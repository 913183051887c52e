"""dj.setPassword from Octave (DataJoint for MATLAB's command): only the password's hash reaches the server."""
import uuid
from contextlib import closing

import pytest

import datajoint_interop as dj
from datajoint_interop import admin
from datajoint_interop.errors import AccessError

from .test_admin import logged_server  # noqa: F401  (a private server logging into mysql.general_log)
from .test_crosslang_support import run_octave


def test_set_password_from_octave_sends_only_the_hash(logged_server, tmp_path, monkeypatch):  # noqa: F811
    root, port = logged_server
    name = f"djtest_{uuid.uuid4().hex[:10]}"
    first, second = "first-" + uuid.uuid4().hex, "second-" + uuid.uuid4().hex
    admin.create_user(name, first, connection=root)
    for key, value in dict(DJ_HOST="127.0.0.1", DJ_PORT=str(port), DJ_USER=name, DJ_PASS=first).items():
        monkeypatch.setenv(key, value)
    out = run_octave(tmp_path, "set_password", (
        "try\n  dj.setPassword('Müller-1');\n  disp('accepted');\n"
        "catch err\n  disp(['refused ' err.identifier]);\nend\n"
        f"dj.setPassword('{second}');\n"))
    assert "refused DataJoint:password" in out and "accepted" not in out
    dj.Connection("127.0.0.1", name, second, port=port).close()
    with pytest.raises(AccessError):
        dj.Connection("127.0.0.1", name, first, port=port)
    log = [row[0] for row in root.query(
        "SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log WHERE command_type='Query'").fetchall()]
    assert any(line.startswith("SET PASSWORD") and admin.native_password_hash(second) in line for line in log)
    assert not [line for line in log if second in line or "Müller" in line]
    with closing(dj.Connection("127.0.0.1", name, second, port=port)) as user:
        assert user.query("SELECT CURRENT_USER()").fetchone()[0] == f"{name}@%"
