"""Octave (mym MEX) vs Python (datajoint_interop) I/O on the same server, in the same run.

    python bench/octave_io.py [--rows 100000] [--repeat 3]

Measures, best of --repeat: inserting and fetching N rows (int, double, varchar), and inserting
and fetching one 8 MB double array as a blob. Octave times are taken inside Octave (tic/toc, no
process start-up); Python times use the package's Table.insert/fetch when it can declare tables,
otherwise raw pymysql + datajoint_interop.blob (the report says which). Prints ratios
octave/python: below 1 means Octave is faster.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import numpy as np
import pymysql

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import datajoint_interop as dj  # noqa: E402
from datajoint_interop.blob import pack, unpack  # noqa: E402
from tests.server_env import connection_settings as settings  # noqa: E402  (the DJ_* settings of the tests)

OCTAVE = r"""
addpath(fullfile(getenv('DJI_ROOT'), 'matlab'));
build_mex();
id = mym(-1, 'open', getenv('B_ADDR'), getenv('B_USER'), getenv('B_PASS'));
mym(id, 'use', getenv('B_DB'));
n = str2double(getenv('B_ROWS')); rep = str2double(getenv('B_REPEAT'));
batch = 5000;
best = struct('insert_rows', Inf, 'insert_rows_in_mym', Inf, 'fetch_rows', Inf, 'insert_blob', Inf, 'fetch_blob', Inf);
x = (1:n) * 0.5;
names = arrayfun(@(k) sprintf('name%d', k), 1:n, 'UniformOutput', false);
big = reshape(sin(1:1048576), 1024, 1024);   % 8 MB, incompressible enough
for r = 1:rep
  mym(id, 'TRUNCATE oct_rows');
  mym(id, 'TRUNCATE oct_big');
  t = tic;
  in_mym = 0;
  for s = 1:batch:n
    e = min(n, s + batch - 1);
    % as DataJoint for MATLAB does: numbers inline, strings as "{S}" placeholders
    vals = arrayfun(@(k) sprintf('(%d,%.16g,"{S}")', k, x(k)), s:e, 'UniformOutput', false);
    sql = ['INSERT INTO oct_rows VALUES ' strjoin(vals, ',')];
    t2 = tic;
    mym(id, sql, names{s:e});
    in_mym = in_mym + toc(t2);
  end
  best.insert_rows = min(best.insert_rows, toc(t));
  best.insert_rows_in_mym = min(best.insert_rows_in_mym, in_mym);
  t = tic;
  res = mym(id, 'SELECT * FROM oct_rows');
  best.fetch_rows = min(best.fetch_rows, toc(t));
  assert(numel(res.id) == n && isequal(res.s{end}, names{end}));
  t = tic;
  mym(id, 'INSERT INTO oct_big VALUES (1, "{M}")', big);
  best.insert_blob = min(best.insert_blob, toc(t));
  t = tic;
  res = mym(id, 'SELECT v FROM oct_big WHERE id = 1');
  best.fetch_blob = min(best.fetch_blob, toc(t));
  assert(isequal(res.v{1}, big));
end
mym(id, 'close');
printf('BENCH %s\n', jsonencode(best));
"""


def run_octave(db, rows, repeat):
    exe = shutil.which("octave-cli")
    if not exe:
        sys.exit("octave-cli not found")
    s = settings()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.m")
        with open(path, "w") as f:
            f.write(OCTAVE)
        env = dict(os.environ, DJI_ROOT=ROOT, B_ADDR="%s:%d" % (s["host"], s["port"]), B_USER=s["user"],
                   B_PASS=s["password"], B_DB=db, B_ROWS=str(rows), B_REPEAT=str(repeat))
        out = subprocess.run([exe, "--norc", "--no-history", path], env=env, capture_output=True,
                             text=True, timeout=1800)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    sys.exit("Octave benchmark failed:\n%s\n%s" % (out.stdout[-2000:], out.stderr[-2000:]))


def python_tables(db):
    """Declare the tables through the package; None if its table API is not usable here."""
    try:
        schema = dj.Schema(db, connection=dj.conn())

        @schema
        class Rows(dj.Manual):
            definition = """
            id: int
            ---
            x: double
            s: varchar(20)
            """

        @schema
        class Big(dj.Manual):
            definition = """
            id: int
            ---
            v: longblob
            """
        return Rows(), Big()
    except Exception as exc:  # report and fall back to raw SQL
        print("note: package table API unavailable (%s: %s); using pymysql + blob" % (type(exc).__name__, exc))
        return None


def bench_python(db, rows, repeat, raw):
    tables = python_tables(db)
    ids = np.arange(1, rows + 1)
    x = ids * 0.5
    names = ["name%d" % k for k in ids]
    big = np.sin(np.arange(1, 1048577, dtype=float)).reshape((1024, 1024), order="F")
    best = dict(insert_rows=float("inf"), fetch_rows=float("inf"), insert_blob=float("inf"),
                fetch_blob=float("inf"))
    cur = raw.cursor()
    notes = set()
    for _ in range(repeat):
        if tables:
            rows_t, big_t = tables
            cur.execute("DELETE FROM `%s`.`%s`" % (db, rows_t.table_name))
            cur.execute("DELETE FROM `%s`.`%s`" % (db, big_t.table_name))
            t = time.perf_counter()
            rows_t.insert(list(zip(ids.tolist(), x.tolist(), names)))
            best["insert_rows"] = min(best["insert_rows"], time.perf_counter() - t)
            t = time.perf_counter()
            got = rows_t.fetch()
            best["fetch_rows"] = min(best["fetch_rows"], time.perf_counter() - t)
            assert len(got) == rows
            t = time.perf_counter()
            try:
                big_t.insert1((1, big))
                best["insert_blob"] = min(best["insert_blob"], time.perf_counter() - t)
                t = time.perf_counter()
                v = big_t.fetch1("v")
            except Exception as exc:
                notes.add("python blob insert failed (%s: %s); python blob fetch reads the row "
                          "Octave wrote" % (type(exc).__name__, str(exc)[:120]))
                best["insert_blob"] = None
                t = time.perf_counter()
                cur.execute("SELECT v FROM `%s`.oct_big WHERE id = 1" % db)
                v = unpack(cur.fetchone()[0])
            best["fetch_blob"] = min(best["fetch_blob"], time.perf_counter() - t)
        else:
            cur.execute("TRUNCATE `%s`.py_rows" % db)
            cur.execute("TRUNCATE `%s`.py_big" % db)
            t = time.perf_counter()
            data = list(zip(ids.tolist(), x.tolist(), names))
            for s in range(0, rows, 5000):
                cur.executemany("INSERT INTO `%s`.py_rows VALUES (%%s,%%s,%%s)" % db, data[s:s + 5000])
            best["insert_rows"] = min(best["insert_rows"], time.perf_counter() - t)
            t = time.perf_counter()
            cur.execute("SELECT * FROM `%s`.py_rows" % db)
            got = cur.fetchall()
            best["fetch_rows"] = min(best["fetch_rows"], time.perf_counter() - t)
            assert len(got) == rows
            t = time.perf_counter()
            table = "py_big"
            try:
                cur.execute("INSERT INTO `%s`.py_big VALUES (1, %%s)" % db, (pack(big),))
                best["insert_blob"] = min(best["insert_blob"], time.perf_counter() - t)
            except Exception as exc:
                notes.add("python blob insert failed (%s: %s); python blob fetch reads the row "
                          "Octave wrote" % (type(exc).__name__, str(exc)[:120]))
                best["insert_blob"] = None
                table = "oct_big"
            t = time.perf_counter()
            cur.execute("SELECT v FROM `%s`.%s WHERE id = 1" % (db, table))
            v = unpack(cur.fetchone()[0])
            best["fetch_blob"] = min(best["fetch_blob"], time.perf_counter() - t)
        assert np.array_equal(v, big)
    how = "datajoint_interop Table.insert/fetch" if tables else "pymysql + datajoint_interop.blob"
    return best, how, sorted(notes)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    s = settings()
    for k, v in (("host", s["host"]), ("port", s["port"]), ("user", s["user"]), ("password", s["password"])):
        dj.config["database." + k] = v
    db = "djtest_bench_%s" % uuid.uuid4().hex[:8]
    raw = pymysql.connect(autocommit=True, **s)
    cur = raw.cursor()
    cur.execute("CREATE DATABASE `%s`" % db)
    try:
        for prefix in ("oct", "py"):
            cur.execute("CREATE TABLE `%s`.%s_rows (id int PRIMARY KEY, x double, s varchar(20))" % (db, prefix))
            cur.execute("CREATE TABLE `%s`.%s_big (id int PRIMARY KEY, v longblob)" % (db, prefix))
        octave = run_octave(db, args.rows, args.repeat)
        python, how, notes = bench_python(db, args.rows, args.repeat, raw)
    finally:
        cur.execute("DROP DATABASE IF EXISTS `%s`" % db)
        raw.close()
    print("rows=%d, blob=8 MB double 1024x1024, best of %d; Python side: %s" % (args.rows, args.repeat, how))
    print("%-12s %10s %10s %8s" % ("operation", "octave s", "python s", "ratio"))
    for key in ("insert_rows", "fetch_rows", "insert_blob", "fetch_blob"):
        if python[key] is None:
            print("%-12s %10.3f %10s %8s" % (key, octave[key], "failed", "-"))
        else:
            print("%-12s %10.3f %10.3f %8.2f" % (key, octave[key], python[key], octave[key] / python[key]))
    print("(of Octave's insert_rows, %.3f s were spent inside mym; the rest builds the SQL text "
          "in Octave code)" % octave["insert_rows_in_mym"])
    for note in notes:
        print("note:", note)


if __name__ == "__main__":
    main()
