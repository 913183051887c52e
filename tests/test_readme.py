"""The README as a new user meets it: its Python example runs (twice), its MATLAB/Octave example runs
when pasted into octave-cli from a folder outside the clone, and no document links outside the
repository. The examples are taken from README.md itself, so the README cannot drift from what works."""
import os
import re
import subprocess
import sys

from datajoint_interop.matlab_package import _get_schema_text
from .server_env import connection_settings
from .test_crosslang_support import MATLAB_DIR, octave_binary

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")


def _blocks(language):
    """The README's fenced code blocks of one language, each with the line before it (its caption)."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    found = re.findall(r"(?:^|\n)([^\n]*)\n\n?```" + language + r"\n(.*?)\n```", text, flags=re.S)
    assert found, f"README.md has no ```{language} block"
    return found


def _python_example():
    (_, code), = _blocks("python")
    return code


def _matlab_files_and_session():
    """{'+lab/X.m': text} of the files the README shows, and the block to paste into octave-cli."""
    files, session = {}, []
    for caption, code in _blocks("matlab"):
        name = re.fullmatch(r"`(\+\w+/\w+\.m)`", caption.strip())
        if name:
            files[name.group(1)] = code + "\n"
        else:
            session.append(code)
    assert len(session) == 1, "one MATLAB block to paste, the others captioned with their file name"
    return files, session[0]


def _substitute(text, old, new):
    """Replace exactly one occurrence: the test must fail if the README changes shape."""
    assert text.count(old) == 1, f"expected {old!r} once in the README example"
    return text.replace(old, new)


def _user_env(home):
    """A new user's environment: a fresh HOME and the test server in DJ_*."""
    s = connection_settings()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJ_")}
    env.update(HOME=str(home), DJ_HOST=s["host"], DJ_PORT=str(s["port"]), DJ_USER=s["user"], DJ_PASS=s["password"],
               PYTHONPATH=ROOT)
    return env


def test_python_example_runs_twice(connection, schema_name, tmp_path):
    db = schema_name("readme")
    code = _substitute(_python_example(), 'dj.Schema("lab")', f'dj.Schema("{db}")')
    work = tmp_path / "work"
    work.mkdir()
    outputs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], cwd=work, env=_user_env(tmp_path), capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert "mouse" in outputs[0] and "rat" not in outputs[0]
    rows = connection.query(f"SELECT animal_id, grams FROM `{db}`.`__weight` ORDER BY animal_id").fetchall()
    assert rows == ((1, 20.0), (2, 20.0))


def _octave_user(tmp_path):
    """A new user's environment after the README's one-liner (run in the clone) and a built MEX."""
    subprocess.run([octave_binary(), "--norc", "--no-history", "--eval", f"addpath('{MATLAB_DIR}'); build_mex();"],
                   check=True, capture_output=True, timeout=300)
    home = tmp_path / "home"
    home.mkdir()
    env = _user_env(home)
    (_, setup), = [(c, b) for c, b in _blocks("bash") if "octaverc" in b]
    subprocess.run(["bash", "-c", setup], cwd=ROOT, env=env, check=True, timeout=30)
    assert (home / ".octaverc").read_text() == f"addpath('{ROOT}/matlab');\n"
    return env


def _write_package(project, db):
    """The README's +lab files in a folder of the user's own (not the clone), bound to database db."""
    files, session = _matlab_files_and_session()
    assert set(files) == {"+lab/getSchema.m", "+lab/Animal.m", "+lab/Weight.m"}
    # the getSchema.m shown is the one `dji classdefs` writes
    assert files["+lab/getSchema.m"] == _get_schema_text("lab", "lab")
    files["+lab/getSchema.m"] = _substitute(files["+lab/getSchema.m"], "'lab', 'lab')", f"'lab', '{db}')")
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    return session


def _paste(session, project, env):
    """Paste the block into octave-cli started in project; returns what it printed."""
    done = subprocess.run([octave_binary(), "--no-history"], input=session + "\n", cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "error:" not in done.stderr, done.stdout + done.stderr
    return done.stdout


def _rows(connection, db, sql):
    return connection.query(sql.replace("DB", f"`{db}`")).fetchall()


def test_matlab_example_runs_from_any_folder(connection, schema_name, tmp_path):
    db = schema_name("readme_m")
    env = _octave_user(tmp_path)
    project = tmp_path / "project"
    session = _write_package(project, db)
    for _ in range(2):  # pasted twice: the second paste must work too
        out = _paste(session, project, env)
    for shown in ("mice =", "ids =", "grams ="):
        assert shown in out, out
    assert _rows(connection, db, "SELECT animal_id, species FROM DB.animal ORDER BY 1") == ((3, "mouse"), (4, "rat"))
    assert _rows(connection, db, "SELECT animal_id, grams FROM DB.__weight ORDER BY 1") == ((3, 20.0), (4, 20.0))


def test_python_then_matlab_example_share_one_schema(connection, schema_name, tmp_path):
    """The two examples in order on one database, and `dji classdefs` gives Octave a working package."""
    db = schema_name("readme_pm")
    env = _octave_user(tmp_path)
    code = _substitute(_python_example(), 'dj.Schema("lab")', f'dj.Schema("{db}")')
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    project = tmp_path / "project"
    _paste(_write_package(project, db), project, env)
    assert _rows(connection, db, "SELECT animal_id, grams FROM DB.__weight ORDER BY 1") == tuple(
        (i, 20.0) for i in (1, 2, 3, 4))

    generated = tmp_path / "generated"
    done = subprocess.run([sys.executable, "-m", "datajoint_interop", "classdefs", db, "-o", str(generated / "+lab")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = _paste("n = count(lab.Animal * lab.Weight)", generated, env)
    assert re.search(r"n = 4\b", out), out


def _markdown_files():
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("build", "dist", "node_modules")
                   and not d.endswith(".egg-info")]
        for name in names:
            if name.endswith(".md"):
                yield os.path.join(folder, name)


def test_documents_link_nothing_outside_the_repository():
    files = list(_markdown_files())
    assert README in files and os.path.join(ROOT, "docs", "spec", "blob-format.md") in files
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert "shared/spec" not in text and "/work/" not in text, path
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            resolved = os.path.realpath(os.path.join(os.path.dirname(path), target))
            assert resolved.startswith(ROOT + os.sep), (path, target)
            assert os.path.exists(resolved), (path, target)
