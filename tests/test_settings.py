"""Config precedence: defaults < ~/.datajoint_config.json < ./dj_local_conf.json < environment."""
import json
import os
import subprocess
import sys

import pytest

from datajoint_interop.errors import DataJointError
from datajoint_interop.settings import Config


def _load_in(tmp_path, env):
    """Load the default config in a fresh interpreter with HOME and cwd under tmp_path."""
    code = ("import json, datajoint_interop as dj;"
            "print(json.dumps({k: dj.config[k] for k in ['database.host','database.port','database.user','safemode']}))")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJ_")}
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    full_env.update(HOME=str(tmp_path / "home"), PYTHONPATH=repo, **env)
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "work", env=full_env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture
def dirs(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "work").mkdir()
    return tmp_path


def test_defaults(dirs):
    got = _load_in(dirs, {})
    assert got == {"database.host": "localhost", "database.port": 3306, "database.user": None, "safemode": True}


def test_precedence_global_local_env(dirs):
    (dirs / "home" / ".datajoint_config.json").write_text(json.dumps(
        {"database.host": "global-host", "database.user": "guser", "safemode": False}))
    assert _load_in(dirs, {})["database.host"] == "global-host"
    (dirs / "work" / "dj_local_conf.json").write_text(json.dumps({"database": {"host": "local-host"}}))
    got = _load_in(dirs, {})
    assert got["database.host"] == "local-host" and got["database.user"] == "guser" and got["safemode"] is False
    got = _load_in(dirs, {"DJ_HOST": "env-host", "DJ_PORT": "3310", "DJ_USER": "euser"})
    assert got == {"database.host": "env-host", "database.port": 3310, "database.user": "euser", "safemode": False}


def test_password_precedence_env_over_files(dirs):
    (dirs / "home" / ".datajoint_config.json").write_text(json.dumps({"database.password": "from-global"}))
    (dirs / "work" / "dj_local_conf.json").write_text(json.dumps({"database.password": "from-local"}))
    code = "import datajoint_interop as dj; print(dj.config['database.password'])"
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJ_")}
    base.update(HOME=str(dirs / "home"), PYTHONPATH=repo)
    run = lambda env: subprocess.run([sys.executable, "-c", code], cwd=dirs / "work", env=env,
                                     capture_output=True, text=True, check=True).stdout.strip()
    assert run(base) == "from-local"
    assert run(dict(base, DJ_PASS="from-env")) == "from-env"
    # DJ_PASS belongs to the account DJ_USER names: with DJ_USER set it is taken even when empty
    # or unset; alone, an empty DJ_PASS counts as unset (Octave cannot tell the two apart)
    assert run(dict(base, DJ_USER="u", DJ_PASS="")) == ""
    assert run(dict(base, DJ_USER="u")) == ""
    assert run(dict(base, DJ_PASS="")) == "from-local"


def test_password_never_in_repr_and_save_local(tmp_path, monkeypatch):
    cfg = Config()
    cfg["database.password"] = "s3cret!"
    assert "s3cret!" not in repr(cfg) and "s3cret!" not in str(cfg)
    monkeypatch.chdir(tmp_path)
    cfg.save_local()
    saved = json.loads((tmp_path / "dj_local_conf.json").read_text())
    assert saved["database.password"] == "s3cret!"
    assert oct((tmp_path / "dj_local_conf.json").stat().st_mode & 0o777) == "0o600"
    fresh = Config()
    fresh.load(tmp_path / "dj_local_conf.json")
    assert fresh["database.password"] == "s3cret!"


def test_validation_and_override():
    cfg = Config()
    with pytest.raises(DataJointError):
        cfg["database.port"] = "not-a-port"
    with pytest.raises(DataJointError):
        cfg["loglevel"] = "LOUD"
    with cfg(safemode=False, database__host="x"):
        assert cfg["safemode"] is False and cfg["database.host"] == "x"
    assert cfg["safemode"] is True and cfg["database.host"] == "localhost"


def test_bad_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(DataJointError, match="not valid JSON"):
        Config().load(path)


def test_save_local_writes_to_the_modules_localconfig(tmp_path, monkeypatch):
    """0.14 code (and its tests) point ``settings.LOCALCONFIG`` elsewhere before ``save_local()``."""
    from datajoint_interop import settings
    target = tmp_path / "elsewhere.json"
    monkeypatch.setattr(settings, "LOCALCONFIG", str(target))
    settings.config.save_local()
    assert target.is_file() and "database.host" in target.read_text()
