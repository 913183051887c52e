"""`dji user|grant|revoke|whoami|password` end to end: in-process for detail, one real subprocess."""
import os
import subprocess
import sys
import uuid

import pytest

import datajoint_interop as dj
from datajoint_interop import admin
from datajoint_interop.cli import main

from .conftest import connection_settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def new_user(connection):
    name = f"djtest_{uuid.uuid4().hex[:10]}"
    yield name
    try:
        admin.drop_user(name, connection=connection)
    except dj.DataJointError:
        pass


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_user_lifecycle(connection, new_user, schema_name, capsys, monkeypatch):
    secret = "s3cret-" + uuid.uuid4().hex
    monkeypatch.setenv("DJI_NEW_PASSWORD", secret)
    db = schema_name("cliu")
    connection.query(f"CREATE DATABASE `{db}`")
    code, out, err = run(capsys, "user", "add", new_user, "--role", "reader", "--schema", db)
    assert code == 0, err
    assert new_user in out and secret not in out + err
    user = dj.Connection(connection_settings()["host"], new_user, secret, port=connection_settings()["port"])
    assert db in admin.list_schemas(user)
    user.close()

    code, out, _ = run(capsys, "user", "list")
    assert code == 0 and any(line.startswith(new_user) and f"{db}: reader" in line for line in out.splitlines())

    code, out, _ = run(capsys, "grant", new_user, db, "--role", "writer")
    assert code == 0 and admin.schema_grants(new_user, connection=connection) == {db: "writer"}

    with pytest.raises(SystemExit):
        main(["grant", new_user, db, "--role", "owner"])  # argparse refuses unknown roles
    capsys.readouterr()

    code, out, _ = run(capsys, "revoke", new_user, db)
    assert code == 0 and admin.schema_grants(new_user, connection=connection) == {}
    code, _, err = run(capsys, "revoke", new_user, db)
    assert code == 1 and "no grant" in err

    code, out, _ = run(capsys, "user", "require-tls", new_user)
    assert code == 0 and {u["user"]: u for u in admin.list_users(connection)}[new_user]["require_tls"]

    code, out, _ = run(capsys, "user", "remove", new_user)
    assert code == 0
    code, _, err = run(capsys, "user", "remove", new_user)
    assert code == 1 and "does not exist" in err


def test_bad_names_give_clear_errors(capsys, connection, monkeypatch):
    monkeypatch.setenv("DJI_NEW_PASSWORD", "x")
    code, _, err = run(capsys, "user", "add", "evil'--")
    assert code == 1 and "Invalid user name" in err
    code, _, err = run(capsys, "grant", "someone", "a`b", "--role", "reader")
    assert code == 1 and "Invalid schema pattern" in err
    code, _, err = run(capsys, "user", "add", "x", "--role", "reader")
    assert code == 1 and "--schema" in err


def test_whoami(capsys, connection):
    code, out, _ = run(capsys, "whoami")
    assert code == 0
    assert f"account:  {connection.query('SELECT CURRENT_USER()').fetchone()[0]}" in out


def _dji(args, env_extra, stdin=subprocess.DEVNULL):
    s = connection_settings()
    env = dict(os.environ, DJ_HOST=s["host"], DJ_PORT=str(s["port"]), DJ_USER=s["user"], DJ_PASS=s["password"],
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("DJI_NEW_PASSWORD", None)
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "datajoint_interop", *args], env=env, stdin=stdin,
                          capture_output=True, text=True, timeout=60)


def test_password_comes_from_environment_not_argv(new_user, connection):
    done = _dji(["user", "add", new_user], {})
    assert done.returncode == 1 and "DJI_NEW_PASSWORD" in done.stderr  # no terminal, no variable
    secret = uuid.uuid4().hex
    done = _dji(["user", "add", new_user], {"DJI_NEW_PASSWORD": secret})
    assert done.returncode == 0, done.stderr
    assert secret not in done.stdout + done.stderr
    s = connection_settings()
    # the user changes its own password with `dji password`
    newer = uuid.uuid4().hex
    done = subprocess.run(
        [sys.executable, "-m", "datajoint_interop", "password"],
        env=dict(os.environ, DJ_HOST=s["host"], DJ_PORT=str(s["port"]), DJ_USER=new_user, DJ_PASS=secret,
                 DJI_NEW_PASSWORD=newer, PYTHONPATH=ROOT), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    dj.Connection(s["host"], new_user, newer, port=s["port"]).close()


def test_every_command_has_help():
    for argv in (["user", "add"], ["user", "list"], ["user", "remove"], ["grant"], ["revoke"], ["whoami"],
                 ["export"], ["import"], ["schemas"], ["tables"], ["jobs"], ["password"]):
        with pytest.raises(SystemExit) as info:
            main([*argv, "--help"])
        assert info.value.code == 0


@pytest.mark.parametrize("pattern, reached", [("%", "mysql"), ("m%", "mysql"), ("mysq_", "mysql"),
                                              (r"performance\_schema", "performance_schema"), ("_ys", "sys")])
def test_grant_reaching_a_system_schema_is_refused(capsys, connection, new_user, pattern, reached):
    admin.create_user(new_user, "pw-cli", connection=connection)
    code, out, err = run(capsys, "grant", new_user, pattern, "--role", "writer")
    assert code == 1 and reached in err and "server's own schema" in err
    assert admin.schema_grants(new_user, connection=connection) == {}


def test_user_add_with_a_refused_pattern_creates_nobody(capsys, connection, new_user, monkeypatch):
    monkeypatch.setenv("DJI_NEW_PASSWORD", "pw-" + uuid.uuid4().hex)
    code, _, err = run(capsys, "user", "add", new_user, "--role", "reader", "--schema", "s%")
    assert code == 1 and "sys" in err
    assert new_user not in {u["user"] for u in admin.list_users(connection)}


def test_conflicting_hosts_are_refused(capsys):
    code, _, err = run(capsys, "user", "remove", "bob@localhost", "--host", "%")
    assert code == 1 and "given" in err


@pytest.fixture
def scratch_users(connection):
    """Factory for accounts made directly with GRANT statements (as a DBA would), dropped after."""
    made = []

    def make(*grants):
        name = f"djtest_{uuid.uuid4().hex[:10]}"
        connection.query("CREATE USER %s@'%%' IDENTIFIED BY %s", (name, uuid.uuid4().hex))
        made.append(name)
        for statement in grants:
            connection.query(statement.replace("{u}", "%s@'%%'"), (name,))
        return name

    yield make
    for name in made:
        admin.drop_user(name, connection=connection)


def _listed_roles(capsys, name):
    """The roles column of `dji user list` for the account name@%."""
    code, out, err = run(capsys, "user", "list")
    assert code == 0, err
    rows = [line.split(None, 3) for line in out.splitlines()[1:]]
    matches = [row for row in rows if row[0] == name and row[1] == "%"]
    assert len(matches) == 1, out
    return matches[0][3]


def test_user_list_roles_match_server_grants(connection, scratch_users, schema_name, capsys):
    db = schema_name("roles")
    superuser = scratch_users("GRANT ALL PRIVILEGES ON *.* TO {u} WITH GRANT OPTION")
    no_option = scratch_users("GRANT ALL PRIVILEGES ON *.* TO {u}")
    # a PROXY grant names an account to impersonate, not a schema pattern (root has PROXY ON ''@'%';
    # the test account may grant PROXY only on itself)
    me, me_host = connection.query("SELECT CURRENT_USER()").fetchone()[0].rsplit("@", 1)
    proxy = scratch_users(f"GRANT PROXY ON '{me}'@'{me_host}' TO {{u}}", f"GRANT SELECT ON `{db}`.* TO {{u}}")
    nothing = scratch_users()

    assert _listed_roles(capsys, superuser) == "all schemas: admin"
    assert _listed_roles(capsys, no_option) == "all schemas: all privileges"
    assert _listed_roles(capsys, proxy) == f"{db}: reader"
    assert _listed_roles(capsys, nothing) == "-"
    assert admin.global_role(superuser, connection=connection) == "admin"
    assert admin.global_role(proxy, connection=connection) is None
    assert admin.schema_grants(proxy, connection=connection) == {db: "reader"}

    # the server's own root account: ALL PRIVILEGES on *.* (and PROXY) is admin, never '-' or a pattern
    code, out, _ = run(capsys, "user", "list")
    root_rows = [line for line in out.splitlines() if line.split()[0] == "root"]
    assert root_rows and all(line.rstrip().endswith("all schemas: admin") for line in root_rows), out
    assert "PROXY" not in out and "``@" not in out


def test_global_admin_spelled_out_privilege_by_privilege(connection, scratch_users, capsys):
    """MySQL 8 lists root's global privileges one by one: at least an admin's, with GRANT OPTION, is admin."""
    every = ", ".join(admin.ROLE_PRIVILEGES["admin"])
    spelled = scratch_users(f"GRANT {every}, EXECUTE ON *.* TO {{u}} WITH GRANT OPTION")
    reader = scratch_users("GRANT SELECT ON *.* TO {u}")
    assert _listed_roles(capsys, spelled) == "all schemas: admin"
    assert _listed_roles(capsys, reader) == "all schemas: reader"
