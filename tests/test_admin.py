"""Roles on the real server: each account can do exactly what its role allows, nothing more."""
import re
import uuid
from contextlib import closing

import pytest

from datajoint_interop.jobs import declare_jobs_table

import datajoint_interop as dj
from datajoint_interop import admin
from datajoint_interop.errors import AccessError, DataJointError, GrantError
from datajoint_interop.grant_patterns import covers, matches
from datajoint_interop.sql import escape_percent, quote_identifier

from .conftest import connection_settings
from .server_env import private_server


def _like_literal(name):
    return name.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")


def login(name, password, **kwargs):
    settings = connection_settings()
    return dj.Connection(settings["host"], name, password, port=settings["port"], **kwargs)


@pytest.fixture(scope="module")
def accounts(connection, db_prefix):
    """Three accounts with one role each on schema `inside`; schema `outside` is granted to nobody."""
    inside = f"{db_prefix}_adm_in"
    outside = f"{db_prefix}_adm_out"
    for db in (inside, outside):
        connection.query(f"CREATE DATABASE `{db}`")
        connection.query(f"CREATE TABLE `{db}`.`subject` (id int PRIMARY KEY, name varchar(20) NOT NULL)")
        connection.query(f"INSERT INTO `{db}`.`subject` VALUES (1, 'a'), (2, 'b')")
    made = {}
    try:
        for role in admin.ROLES:
            name = f"djtest_{uuid.uuid4().hex[:10]}"
            password = uuid.uuid4().hex
            admin.create_user(name, password, connection=connection)
            made[role] = (name, password)
            admin.grant(name, _like_literal(inside), role, connection=connection)
        yield dict(inside=inside, outside=outside, users=made)
    finally:
        for name, _ in made.values():
            admin.drop_user(name, connection=connection)
        for db in (inside, outside):
            connection.query(f"DROP DATABASE IF EXISTS `{db}`")


def _attempts(db):
    t = f"`{db}`.`subject`"
    return {
        "select": f"SELECT * FROM {t}",
        "insert": f"INSERT INTO {t} VALUES (3, 'c')",
        "update": f"UPDATE {t} SET name='z' WHERE id=3",
        "delete": f"DELETE FROM {t} WHERE id=3",
        "create": f"CREATE TABLE `{db}`.`made_here` (x int PRIMARY KEY)",
        "drop": f"DROP TABLE `{db}`.`made_here`",
    }


ALLOWED = {
    "reader": {"select"},
    "writer": {"select", "insert", "update", "delete"},
    "admin": {"select", "insert", "update", "delete", "create", "drop"},
}


@pytest.mark.parametrize("role", admin.ROLES)
def test_role_allows_exactly_its_privileges(accounts, role):
    name, password = accounts["users"][role]
    with closing(login(name, password)) as user:
        for where in ("inside", "outside"):
            for action, sql in _attempts(accounts[where]).items():
                expected = where == "inside" and action in ALLOWED[role]
                if expected:
                    user.query(sql)
                else:
                    with pytest.raises(AccessError) as info:
                        user.query(sql)
                    assert "denied" in str(info.value)


@pytest.mark.parametrize("role", admin.ROLES)
def test_privilege_checks_match_the_server(accounts, role):
    name, password = accounts["users"][role]
    user = login(name, password)
    inside, outside = (f"`{accounts[w]}`.`subject`" for w in ("inside", "outside"))
    try:
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "DROP", "ALTER"):
            allowed = privilege.lower() in ALLOWED[role] or (role == "admin" and privilege == "ALTER")
            assert admin.has_privilege(user, inside, privilege) is allowed, (role, privilege)
            assert admin.has_privilege(user, outside, privilege) is False
        assert admin.missing_privileges(user, [inside, outside], "DELETE") == (
            [outside] if "delete" in ALLOWED[role] else [inside, outside])
        with pytest.raises(AccessError) as info:
            admin.require_privilege(user, [inside, outside], "DELETE", "Delete")
        assert outside in str(info.value) and "DELETE" in str(info.value) and name in str(info.value)
    finally:
        user.close()


def test_schema_listing_follows_privileges(accounts):
    name, password = accounts["users"]["reader"]
    with closing(login(name, password)) as user:
        visible = admin.list_schemas(user)
        assert accounts["inside"] in visible
        assert accounts["outside"] not in visible
        assert "information_schema" not in visible and "mysql" not in visible


def test_grants_are_reported_and_replaced(connection, accounts):
    name, _ = accounts["users"]["writer"]
    pattern = _like_literal(accounts["outside"])
    assert admin.schema_grants(name, connection=connection) == {_like_literal(accounts["inside"]): "writer"}
    admin.grant(name, pattern, "admin", connection=connection)
    admin.grant(name, pattern, "reader", connection=connection)  # demotion drops the extra rights
    assert admin.schema_grants(name, connection=connection)[pattern] == "reader"
    listed = {u["user"]: u for u in admin.list_users(connection)}
    assert listed[name]["grants"][pattern] == "reader"
    assert admin.revoke(name, pattern, connection=connection) is True
    with pytest.raises(DataJointError, match="no grant"):
        admin.revoke(name, pattern, connection=connection)
    assert pattern not in admin.schema_grants(name, connection=connection)


def test_whoami_reports_account_and_hides_password_hash(accounts):
    name, password = accounts["users"]["reader"]
    with closing(login(name, password)) as user:
        info = admin.whoami(user)
        assert info["account"] == f"{name}@%"
        assert info["grants"] == {_like_literal(accounts["inside"]): "reader"}
        statements = " ".join(info["grant_statements"])
        assert "<secret>" in statements and not re.search(r"\*[0-9A-F]{40}", statements)


def test_set_password_for_current_user(connection):
    name, old = f"djtest_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    admin.create_user(name, old, connection=connection)
    try:
        user = login(name, old)
        admin.set_password("n3w-" + old, connection=user, update_config=False)
        user.close()
        login(name, "n3w-" + old).close()
        with pytest.raises(AccessError):
            login(name, old)
    finally:
        admin.drop_user(name, connection=connection)


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_set_password_prompts_as_014(connection, monkeypatch, tmp_path, answer):
    """0.14: the password is asked twice through ``admin.getpass`` (replaceable), and with
    update_config=None the user is asked whether to update (and save) the local settings."""
    from datajoint_interop import settings
    name, old = f"djtest_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    admin.create_user(name, old, connection=connection)
    typed = iter(["s3cret-" + old, "s3cret-" + old])
    monkeypatch.setattr("datajoint_interop.admin.getpass", lambda prompt: next(typed))
    questions = []
    monkeypatch.setattr("builtins.input", lambda prompt: questions.append(prompt) or answer)
    monkeypatch.setattr(settings, "LOCALCONFIG", str(tmp_path / "local.json"))
    monkeypatch.setitem(dj.config, "database.password", dj.config["database.password"])
    try:
        user = login(name, old)
        admin.set_password(connection=user)
        user.close()
        login(name, "s3cret-" + old).close()
        assert questions == ["Update local setting? [yes, no]: "]
        assert (tmp_path / "local.json").exists() == (answer == "yes")
        assert (dj.config["database.password"] == "s3cret-" + old) == (answer == "yes")
    finally:
        admin.drop_user(name, connection=connection)


def test_set_password_with_mismatched_prompts_changes_nothing_as_014(connection, monkeypatch, caplog):
    name, old = f"djtest_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    admin.create_user(name, old, connection=connection)
    typed = iter(["one-" + old, "two-" + old])
    monkeypatch.setattr("datajoint_interop.admin.getpass", lambda prompt: next(typed))
    try:
        user = login(name, old)
        assert admin.set_password(connection=user, update_config=False) is None  # no error, as 0.14
        user.close()
        assert "Failed to confirm the password" in caplog.text
        login(name, old).close()  # unchanged
    finally:
        admin.drop_user(name, connection=connection)


def test_require_tls_refuses_plain_connections(connection):
    name, password = f"djtest_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    admin.create_user(name, password, require_tls=True, connection=connection)
    try:
        assert {u["user"]: u for u in admin.list_users(connection)}[name]["require_tls"] is True
        with pytest.raises(AccessError):
            login(name, password, use_tls=False)
        admin.set_require_tls(name, False, connection=connection)
        login(name, password, use_tls=False).close()
    finally:
        admin.drop_user(name, connection=connection)


@pytest.mark.parametrize("bad", ["bob'; DROP DATABASE x; --", "", "a b", "x" * 81, ".hidden", "a`b"])
def test_hostile_user_names_are_refused_before_any_sql(connection, bad):
    with pytest.raises(DataJointError, match="Invalid user name"):
        admin.create_user(bad, "pw", connection=connection)


@pytest.mark.parametrize("bad", ["db`.* TO x; --", "a b", "", "mysql", "x" * 65])
def test_hostile_schema_patterns_are_refused(connection, bad):
    with pytest.raises(DataJointError):
        admin.grant("someone", bad, "reader", connection=connection)


def test_unknown_role_and_duplicate_user(connection):
    with pytest.raises(DataJointError, match="Unknown role"):
        admin.grant("someone", "x%", "owner", connection=connection)
    name = f"djtest_{uuid.uuid4().hex[:10]}"
    admin.create_user(name, "pw", connection=connection)
    try:
        with pytest.raises(DataJointError, match="already exists"):
            admin.create_user(name, "pw", connection=connection)
    finally:
        admin.drop_user(name, connection=connection)
    with pytest.raises(DataJointError, match="does not exist"):
        admin.drop_user(name, connection=connection)


def test_like_matching_of_grant_patterns():
    assert matches(r"lab\_%", "lab_x")
    assert not matches(r"lab\_%", "labax")
    assert matches("lab_%", "labax")
    assert not matches("lab%", "other")


def test_denied_errors_name_table_and_privilege(accounts):
    name, password = accounts["users"]["reader"]
    with closing(login(name, password)) as user:
        with pytest.raises(AccessError) as info:
            user.query(f"INSERT INTO `{accounts['inside']}`.`subject` VALUES (7, 'x')")
        message = str(info.value)
        assert "INSERT" in message and f"`{accounts['inside']}`.`subject`" in message and name in message


def test_schema_listing_of_the_public_api_follows_privileges(accounts):
    name, password = accounts["users"]["writer"]
    with closing(login(name, password)) as user:
        visible = dj.list_schemas(user)
        assert accounts["inside"] in visible and accounts["outside"] not in visible


def test_delete_cascade_names_dependents_the_user_may_not_delete(connection, db_prefix):
    """A writer on `data` and reader on `shared`: deleting a parent whose children live in `shared`
    is refused before anything is deleted, naming the child table."""
    data, shared = f"{db_prefix}_adm_data", f"{db_prefix}_adm_shared"
    connection.query(f"CREATE DATABASE `{data}`")
    connection.query(f"CREATE DATABASE `{shared}`")
    name, password = f"djtest_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    try:
        connection.query(f"CREATE TABLE `{data}`.`animal` (animal_id int PRIMARY KEY)")
        connection.query(f"CREATE TABLE `{shared}`.`note` (animal_id int, n int, PRIMARY KEY (animal_id, n), "
                         f"FOREIGN KEY (animal_id) REFERENCES `{data}`.`animal` (animal_id))")
        connection.query(f"INSERT INTO `{data}`.`animal` VALUES (1), (2)")
        connection.query(f"INSERT INTO `{shared}`.`note` VALUES (1, 1)")
        admin.create_user(name, password, connection=connection)
        admin.grant(name, _like_literal(data), "writer", connection=connection)
        admin.grant(name, _like_literal(shared), "reader", connection=connection)
        with closing(login(name, password)) as user:
            assert admin.missing_privileges(user, [f"`{data}`.`animal`", f"`{shared}`.`note`"], "DELETE") == [
                f"`{shared}`.`note`"]
            with pytest.raises(AccessError) as info:
                dj.FreeTable(user, f"{data}.animal").delete(safemode=False)
            assert f"`{shared}`.`note`" in str(info.value) and "DELETE" in str(info.value)
        assert connection.query(f"SELECT COUNT(*) FROM `{data}`.`animal`").fetchone()[0] == 2
        assert connection.query(f"SELECT COUNT(*) FROM `{shared}`.`note`").fetchone()[0] == 1
    finally:
        try:
            admin.drop_user(name, connection=connection)
        except DataJointError:
            pass
        connection.query(f"DROP DATABASE IF EXISTS `{shared}`")
        connection.query(f"DROP DATABASE IF EXISTS `{data}`")


def _pipeline(connection, database):
    import numpy as np
    schema = dj.Schema(database, connection=connection)

    @schema
    class Animal(dj.Manual):
        definition = """
        animal_id : int
        """

    @schema
    class Trace(dj.Computed):
        definition = """
        -> Animal
        ---
        trace : longblob
        """

        def make(self, key):
            self.insert1(dict(key, trace=np.zeros(3)))

    return Animal, Trace


def test_writer_populates_reader_cannot(connection, schema_name):
    database = schema_name("pop")
    animal, _ = _pipeline(connection, database)
    animal.insert([(1,), (2,)])
    users = {}
    try:
        for role in ("reader", "writer"):
            name, password = f"djtest_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
            admin.create_user(name, password, connection=connection)
            users[role] = name
            admin.grant(name, _like_literal(database), role, connection=connection)
            with closing(login(name, password)) as user:
                _, trace = _pipeline(user, database)
                if role == "reader":
                    with pytest.raises(AccessError) as info:
                        trace.populate()
                    assert "INSERT" in str(info.value) and "__trace" in str(info.value)
                    assert len(trace()) == 0
                else:
                    trace.populate({"animal_id": 1})
                    # the queue an admin created is usable without the CREATE privilege
                    declare_jobs_table(connection, database)
                    trace.populate(reserve_jobs=True)
                    assert len(trace()) == 2
    finally:
        for name in users.values():
            admin.drop_user(name, connection=connection)


def test_admin_role_may_grant_within_its_pattern_only(connection, accounts):
    name, password = accounts["users"]["admin"]
    grantee = f"djtest_{uuid.uuid4().hex[:10]}"
    admin.create_user(grantee, "pw", connection=connection)
    user = login(name, password)
    try:
        inside, outside = _like_literal(accounts["inside"]), _like_literal(accounts["outside"])
        admin.grant(grantee, inside, "writer", connection=user)
        assert admin.schema_grants(grantee, connection=connection) == {inside: "writer"}
        with pytest.raises(AccessError):
            admin.grant(grantee, outside, "reader", connection=user)
        assert admin.revoke(grantee, inside, connection=user) is True
        for role in ("reader", "writer"):
            other, other_password = accounts["users"][role]
            peer = login(other, other_password)
            try:
                with pytest.raises(AccessError):
                    admin.grant(grantee, inside, "reader", connection=peer)
            finally:
                peer.close()
    finally:
        user.close()
        admin.drop_user(grantee, connection=connection)


def test_only_administrators_list_or_create_users(accounts):
    name, password = accounts["users"]["admin"]  # admin of a schema pattern, not of the server
    with closing(login(name, password)) as user:
        with pytest.raises(AccessError, match="mysql.user"):
            admin.list_users(user)
        with pytest.raises(AccessError):
            admin.create_user(f"djtest_{uuid.uuid4().hex[:10]}", "pw", connection=user)


# ------------------------------------------------------------------ grants never reach system schemas
SYSTEM_REACH = {
    "%": "information_schema, mysql, performance_schema, sys",
    "m%": "mysql",
    "mysq_": "mysql",
    "mysql": "mysql",
    "MySQL": "mysql",
    r"performance\_schema": "performance_schema",
    "%schema": "information_schema, performance_schema",
    "_ys": "sys",
    "s%": "sys",
    "___": "sys",
    r"sy\s": "sys",
    "%_%": "information_schema, mysql, performance_schema, sys",
    "inf%": "information_schema",
    "%q%": "mysql",
}


@pytest.fixture
def plain_user(connection):
    """A fresh account with no grants; dropped after the test."""
    name, password = f"djtest_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    admin.create_user(name, password, connection=connection)
    yield name, password
    admin.drop_user(name, connection=connection)


@pytest.mark.parametrize("pattern", sorted(SYSTEM_REACH))
@pytest.mark.parametrize("role", ["reader", "writer"])
def test_grant_patterns_reaching_system_schemas_are_refused(connection, plain_user, pattern, role):
    name, _ = plain_user
    with pytest.raises(GrantError) as info:
        admin.grant(name, pattern, role, connection=connection)
    assert isinstance(info.value, AccessError)
    message = str(info.value)
    assert "server's own schema" in message and SYSTEM_REACH[pattern] in message and f"'{pattern}'" in message
    assert admin.schema_grants(name, connection=connection) == {}


@pytest.mark.parametrize("pattern", sorted(SYSTEM_REACH) + ["sys\\", r"mysql\_x", r"lab\_%", "%x%", "sy"])
def test_system_schema_matching_agrees_with_the_server(connection, plain_user, pattern):
    """Granted behind our back, a pattern shows the user exactly the system schemas we say it reaches
    (information_schema is visible to everyone; names in other letter case are refused on top)."""
    name, password = plain_user
    connection.query(f"GRANT SELECT ON {escape_percent(quote_identifier(pattern))}.* TO %s@'%%'", (name,))
    with closing(login(name, password)) as user:
        visible = {row[0] for row in user.query("SHOW DATABASES").fetchall()}
    server = sorted(visible & (admin.SYSTEM_SCHEMAS - {"information_schema"}))
    ours = [s for s in admin.system_schemas_reached(pattern) if s != "information_schema"]
    case_sensitive = connection.query("SELECT @@lower_case_table_names").fetchone()[0] == 0
    if pattern == "MySQL" and case_sensitive:  # the server compares case-sensitively; we refuse anyway
        assert server == [] and ours == ["mysql"]
    else:
        assert server == ours, pattern


def test_user_cannot_read_password_hashes_after_refused_or_allowed_grants(connection, plain_user, db_prefix):
    """The exploit of the report, end to end: no grant `dji grant` accepts lets a user read mysql.*."""
    name, password = plain_user
    mine = f"{db_prefix}_adm_own"
    connection.query(f"CREATE DATABASE `{mine}`")
    try:
        connection.query(f"CREATE TABLE `{mine}`.`t` (x int PRIMARY KEY)")
        for pattern in ("%", "m%", "mysq_", r"performance\_schema"):
            with pytest.raises(GrantError):
                admin.grant(name, pattern, "writer", connection=connection)
        admin.grant(name, _like_literal(mine), "admin", connection=connection)
        admin.grant(name, _like_literal(db_prefix) + r"\_adm\_own%", "writer", connection=connection)
        with closing(login(name, password)) as user:
            user.query(f"SELECT * FROM `{mine}`.`t`")  # the allowed grants work
            for table in ("mysql.global_priv", "mysql.user", "mysql.db"):
                with pytest.raises(AccessError, match="denied"):
                    user.query(f"SELECT * FROM {table}")
            with pytest.raises(AccessError):
                user.query("UPDATE mysql.global_priv SET Priv='{}' WHERE User=%s", (name,))
            assert "mysql" not in admin.list_schemas(user)
    finally:
        connection.query(f"DROP DATABASE IF EXISTS `{mine}`")


def test_revoke_accepts_any_valid_pattern_so_old_grants_can_be_removed(connection, plain_user):
    name, _ = plain_user
    connection.query("GRANT SELECT ON `m%%`.* TO %s@'%%'", (name,))  # made before the fix, or by hand
    assert admin.schema_grants(name, connection=connection) == {"m%": "reader"}
    assert admin.revoke(name, "m%", connection=connection) is True
    assert admin.schema_grants(name, connection=connection) == {}


def test_pattern_admin_may_grant_only_within_its_own_patterns(connection, db_prefix):
    """Rule (2): our decision equals the server's for the same grantor, and names what is missing."""
    base = _like_literal(f"{db_prefix}_own")
    grantor, grantee = f"djtest_{uuid.uuid4().hex[:10]}", f"djtest_{uuid.uuid4().hex[:10]}"
    admin.create_user(grantor, "pw-grantor", connection=connection)
    admin.create_user(grantee, "pw-grantee", connection=connection)
    try:
        admin.grant(grantor, base + r"\_%", "admin", connection=connection)
        inner = [base + r"\_%", base + r"\_x", base + r"\_x%", base + r"\__", base + r"\_%y",
                 base + "_%", base + "%", base, base + r"\_", "%own%", "djtest%"]
        with closing(login(grantor, "pw-grantor")) as user:
            for pattern in inner:
                ours = covers(base + r"\_%", pattern)
                try:
                    admin.check_grant(pattern, "reader", user)
                    assert ours, pattern
                except GrantError as error:
                    assert not ours, pattern
                    text = str(error)
                    assert "may not grant reader" in text and f"'{pattern}'" in text and "SELECT" in text
                # the server, asked directly, takes the same decision
                target = escape_percent(quote_identifier(pattern))
                try:
                    user.query(f"GRANT SELECT ON {target}.* TO %s@'%%'", (grantee,))
                    server = True
                except AccessError:
                    server = False
                assert server is ours, pattern
    finally:
        admin.drop_user(grantee, connection=connection)
        admin.drop_user(grantor, connection=connection)


def test_pattern_admin_through_a_role_is_left_to_the_server(connection, db_prefix):
    """information_schema hides a role's grants from its user: the server decides, nothing is refused early."""
    database, other = f"{db_prefix}_adm_role", f"{db_prefix}_adm_norole"
    role, name, grantee = (f"djtest_{uuid.uuid4().hex[:10]}" for _ in range(3))
    connection.query(f"CREATE ROLE `{role}`")
    try:
        admin.create_user(name, "pw-role", connection=connection)
        admin.create_user(grantee, "pw-grantee", connection=connection)
        privileges = ", ".join(admin.ROLE_PRIVILEGES["admin"])
        connection.query(f"GRANT {privileges} ON `{database}`.* TO `{role}` WITH GRANT OPTION")
        connection.query(f"GRANT `{role}` TO %s@'%%'", (name,))
        connection.query(f"SET DEFAULT ROLE `{role}` FOR %s@'%%'", (name,))
        with closing(login(name, "pw-role")) as user:
            admin.grant(grantee, database, "reader", connection=user)
            with pytest.raises(AccessError):
                admin.grant(grantee, other, "reader", connection=user)
            with pytest.raises(GrantError, match="mysql"):  # rule (1) holds whoever grants
                admin.grant(grantee, "m%", "reader", connection=user)
        assert admin.schema_grants(grantee, connection=connection) == {database: "reader"}
    finally:
        for account in (name, grantee):
            try:
                admin.drop_user(account, connection=connection)
            except DataJointError:
                pass
        connection.query(f"DROP ROLE `{role}`")


def _reference_like(pattern, name):
    """A slow, obviously right reference for the grant-pattern matcher (regex over short strings)."""
    regex, i = "", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            regex, i = regex + re.escape(pattern[i + 1]), i + 2
            continue
        regex, i = regex + (".*" if ch == "%" else "." if ch == "_" else re.escape(ch)), i + 1
    return re.fullmatch(regex, name, re.S) is not None


def test_pattern_matching_and_covering_agree_with_brute_force():
    import itertools
    import random
    rnd = random.Random(14)
    names = [""] + ["".join(t) for size in range(1, 5) for t in itertools.product("ab\\%_", repeat=size)]
    for _ in range(150):
        outer, inner = ("".join(rnd.choice("ab%_\\") for _ in range(rnd.randint(0, 4))) for _ in range(2))
        for name in names:
            assert matches(outer, name) == _reference_like(outer, name), (outer, name)
        expected = all(_reference_like(outer, n) for n in names if _reference_like(inner, n))
        assert covers(outer, inner) == expected, (outer, inner)


def test_pattern_matching_is_linear_and_covering_is_bounded():
    import time
    started = time.monotonic()
    assert not matches("%a" * 31 + "b", "a" * 64)  # exponential for a backtracking regex
    assert covers("%", "%a" + "_" * 40) and not covers("%b", "%a" + "_" * 20)
    assert time.monotonic() - started < 2
    with pytest.raises(DataJointError, match="too intricate"):
        covers("%a" + "_" * 20, "%a" + "_" * 20)


@pytest.mark.parametrize("account, host, message", [
    ("bob@db.lab.org", "other.org", "given"),
    ("mariadb.sys", None, "belongs to the server"),
    ("mysql.session", "localhost", "belongs to the server"),
    ("bob", "a b", "Invalid host"),
    ("bob", "", "Invalid host"),
    ("bob", "x" * 256, "Invalid host"),
    ("bob", "lab..org", "Invalid host"),
    ("bob", "10.0.0.0/", "Invalid host"),
    ("bob", "host'--", "Invalid host"),
    ("bob@", None, "Invalid host"),
])
def test_account_names_and_hosts_are_validated(account, host, message):
    with pytest.raises(DataJointError, match=message):
        admin.parse_account(account, host)


@pytest.mark.parametrize("account, host, expected", [
    ("bob", None, ("bob", "%")),
    ("bob@localhost", None, ("bob", "localhost")),
    ("bob@localhost", "localhost", ("bob", "localhost")),
    ("bob", "%.lab.org", ("bob", "%.lab.org")),
    ("bob", "10.0.0.%", ("bob", "10.0.0.%")),
    ("bob", "10.0.0.0/255.255.255.0", ("bob", "10.0.0.0/255.255.255.0")),
    ("bob", "::1", ("bob", "::1")),
    ("bob", "fe80::%", ("bob", "fe80::%")),
])
def test_valid_accounts_and_hosts(account, host, expected):
    assert admin.parse_account(account, host) == expected


# ------------------------------------------------------------------ passwords never in statement text
@pytest.mark.parametrize("password", ["pw", "s3cret-with 'quotes' and \\ backslash", " ~!@#$%^&*()"])
def test_native_password_hash_equals_the_servers(connection, password):
    expected = connection.query("SELECT PASSWORD(%s)", (password,)).fetchone()[0]
    assert admin.native_password_hash(password) == expected


@pytest.mark.parametrize("password", ["Müller-1", "日本", "tab\there", "nul\x00", ""])
def test_passwords_that_could_not_log_in_from_python_are_refused(connection, password):
    name = f"djtest_{uuid.uuid4().hex[:10]}"
    with pytest.raises(DataJointError, match="printable ASCII|non-empty"):
        admin.create_user(name, password, connection=connection)
    assert not connection.query("SELECT 1 FROM mysql.user WHERE User=%s", (name,)).fetchone()


@pytest.fixture(scope="module")
def logged_server(tmp_path_factory):
    """A private server logging every statement into mysql.general_log (the shared server is left alone)."""
    with private_server(tmp_path_factory.mktemp("glog")) as state:
        root = dj.Connection("127.0.0.1", state["user"], state["password"], port=state["port"])
        root.query("SET GLOBAL log_output='TABLE'")
        root.query("SET GLOBAL general_log=1")
        yield root, state["port"]
        root.close()


def test_passwords_never_reach_the_general_log(logged_server):
    root, port = logged_server
    name = f"djtest_{uuid.uuid4().hex[:10]}"
    first, second = "first-" + uuid.uuid4().hex, "second-" + uuid.uuid4().hex
    admin.create_user(name, first, connection=root)
    with closing(dj.Connection("127.0.0.1", name, first, port=port)) as user:
        admin.set_password(second, connection=user, update_config=False)
    dj.Connection("127.0.0.1", name, second, port=port).close()
    with pytest.raises(AccessError):
        dj.Connection("127.0.0.1", name, first, port=port)
    log = [row[0] for row in root.query(
        "SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log WHERE command_type='Query'").fetchall()]
    # the statements were logged (so the check below can fail), carrying only the hashes
    assert any(line.startswith("CREATE USER") and name in line and admin.native_password_hash(first) in line
               for line in log)
    assert any(line.startswith("SET PASSWORD") and admin.native_password_hash(second) in line for line in log)
    assert not [line for line in log if first in line or second in line]


def test_grant_to_a_missing_account_creates_nobody(connection):
    """MariaDB would create a password-less account on GRANT: grant must refuse instead."""
    name = f"djtest_missing_{uuid.uuid4().hex[:8]}"
    with pytest.raises(DataJointError, match="does not exist"):
        admin.grant(name, f"djtest\\_{uuid.uuid4().hex[:6]}", "reader", connection=connection)
    assert name not in {u["user"] for u in admin.list_users(connection)}
