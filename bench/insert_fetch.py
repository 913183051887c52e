"""Insert/fetch throughput: datajoint_interop vs raw pymysql vs DataJoint 0.14, in one run.

Usage: python bench/insert_fetch.py [--rows 100000] [--single 1000]
Connection from DJ_HOST/DJ_PORT/DJ_USER/DJ_PASS (default 127.0.0.1:3306 root, no password).

Every contender does the same work on the same table layout (int key, double, varchar(32),
small longblob): the blob is packed on insert and unpacked on fetch by every contender (raw pymysql
uses our codec directly, with no query layer). The figures printed are ratios measured in this run:
ours/raw (goal <= 1.3) and dj014/ours (goal >= 3).

A C client (MariaDB Connector/C through the `mariadb` package's binary protocol, decoding blobs
with our codec) is the reference for fetch (issue 19): ours/C for fetch and fetch(as_dict=True)
(goal <= 1.5), for one 8 MB blob (goal <= 1.2), and the peak memory of a 1M-row numeric fetch
over the NumPy size of its result (goal <= 1.5). Which driver ours uses: database.driver/DJ_DRIVER.
Bulk insert is measured against the same C client's array-bound executemany (goal: ours/C <= 1).
"""
import argparse
import os
import sys
import time
import tracemalloc
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np
import pymysql

import datajoint_interop as dj
from datajoint_interop.blob import pack, unpack
from datajoint_interop.table import FreeTable
from tests.server_env import connection_settings as settings  # the DJ_* settings of the tests

DDL = ("CREATE TABLE {t} (id int NOT NULL, x double NOT NULL, name varchar(32) NOT NULL, "
       "data longblob NOT NULL, PRIMARY KEY (id))")


def timed(fn, repeat=1):
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--single", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--numeric", type=int, default=1_000_000, help="rows of the memory measurement")
    args = ap.parse_args()
    n, m = args.rows, args.single
    s = settings()
    db = f"djbench_{uuid.uuid4().hex[:8]}"
    raw = pymysql.connect(host=s["host"], port=s["port"], user=s["user"], password=s["password"],
                          autocommit=True, charset="utf8mb4")
    cur = raw.cursor()
    cur.execute(f"CREATE DATABASE `{db}`")
    for t in ("raw", "ours", "dj14", "c"):
        cur.execute(DDL.format(t=f"`{db}`.`{t}`"))
    for t in ("raw1", "ours1", "dj141"):
        cur.execute(DDL.format(t=f"`{db}`.`{t}`"))
    rng = np.random.default_rng(0)
    payloads = [rng.random(8) for _ in range(n)]
    rows = [dict(id=i, x=float(i) / 7, name=f"name_{i:08d}", data=payloads[i]) for i in range(n)]
    tuples = [(r["id"], r["x"], r["name"], r["data"]) for r in rows]
    results = {}
    try:
        conn = dj.Connection(s["host"], s["user"], s["password"], port=s["port"], use_tls=False)
        ours = FreeTable(conn, f"{db}.ours")
        import datajoint as dj14
        dj14.config["database.use_tls"] = False
        c14 = dj14.Connection(s["host"], s["user"], s["password"], port=s["port"], use_tls=False)
        theirs = dj14.FreeTable(c14, f"`{db}`.`dj14`")

        # Bulk operations: the contenders take turns, round after round, and the best round of
        # each counts, so that load from other processes on the machine hits all of them alike.
        chunks = range(0, n, 10000)

        def raw_insert():
            cur.executemany(f"INSERT INTO `{db}`.`raw` (id, x, name, data) VALUES (%s,%s,%s,%s)",
                            [(i, x, nm, pack(d)) for i, x, nm, d in tuples])

        import mariadb
        cclient = mariadb.connect(host=s["host"], port=s["port"], user=s["user"], password=s["password"],
                                  autocommit=True)

        # what each client does for fetch() and fetch(as_dict=True): read every row of the
        # table, unpacking its blob with our codec
        def read_tuples(c):
            c.execute(f"SELECT * FROM `{db}`.`raw`")
            out = [(i, x, nm, unpack(d)) for i, x, nm, d in c.fetchall()]
            c.close()
            return out

        def read_dicts(c):
            c.execute(f"SELECT * FROM `{db}`.`raw`")
            out = c.fetchall()
            for r in out:
                r["data"] = unpack(r["data"])
            c.close()
            return out

        def c_insert():  # array binding; one executemany is one packet, so in chunks as well
            ccur = cclient.cursor()
            for k in chunks:
                ccur.executemany(f"INSERT INTO `{db}`.`c` (id, x, name, data) VALUES (?,?,?,?)",
                                 [(i, x, nm, pack(d)) for i, x, nm, d in tuples[k:k + 10000]])
            ccur.close()

        raw_fetch = lambda: read_tuples(raw.cursor())  # noqa: E731
        raw_fetch_dict = lambda: read_dicts(raw.cursor(pymysql.cursors.DictCursor))  # noqa: E731
        c_fetch = lambda: read_tuples(cclient.cursor(binary=True))  # noqa: E731
        c_fetch_dict = lambda: read_dicts(cclient.cursor(binary=True, dictionary=True))  # noqa: E731

        bulk = {
            "insert": dict(raw=raw_insert, ours=lambda: ours.insert(rows),
                           # 0.14 sends one statement per call, too big for max_allowed_packet: chunks
                           dj014=lambda: [theirs.insert(rows[k:k + 10000]) for k in chunks], c=c_insert),
            "fetch": dict(raw=raw_fetch, ours=lambda: ours.fetch(), dj014=lambda: theirs.fetch(), c=c_fetch),
            "dict": dict(raw=raw_fetch_dict, ours=lambda: ours.fetch(as_dict=True),
                         dj014=lambda: theirs.fetch(as_dict=True), c=c_fetch_dict),
        }
        tables = dict(raw="raw", ours="ours", dj014="dj14", c="c")
        for op, contenders in bulk.items():
            for rnd in range(args.rounds):
                order = list(contenders.items())
                order = order[rnd % len(order):] + order[:rnd % len(order)]  # nobody always goes first
                for k, fn in order:
                    if op == "insert":
                        cur.execute(f"TRUNCATE TABLE `{db}`.`{tables[k]}`")
                    t, got = timed(fn)
                    results[f"{op} {k}"] = min(results.get(f"{op} {k}", t), t)
                    if op == "fetch" and k == "ours":
                        assert len(got) == n and np.array_equal(got["data"][5], payloads[5])
                    if op == "dict" and k == "ours":
                        assert len(got) == n and np.array_equal(got[7]["data"], payloads[7])

        # --- single rows ----------------------------------------------------------------------
        ours1 = FreeTable(conn, f"{db}.ours1")
        theirs1 = dj14.FreeTable(c14, f"`{db}`.`dj141`")

        # single-row operations are dominated by server round trips whose latency drifts on a
        # shared machine, so the contenders take turns in small slices
        def interleaved(contenders, slices=20):
            totals = {k: 0.0 for k in contenders}
            step = max(1, m // slices)
            for j, a in enumerate(range(0, m, step)):
                order = list(contenders.items())
                for k, fn in order[j % len(order):] + order[:j % len(order)]:
                    t0 = time.perf_counter()
                    fn(range(a, min(a + step, m)))
                    totals[k] += time.perf_counter() - t0
            return totals

        def raw_insert1(ids):
            for i in ids:
                r = rows[i]
                cur.execute(f"INSERT INTO `{db}`.`raw1` (id, x, name, data) VALUES (%s,%s,%s,%s)",
                            (r["id"], r["x"], r["name"], pack(r["data"])))

        def ours_insert1(ids):
            for i in ids:
                ours1.insert1(rows[i])

        def dj14_insert1(ids):
            for i in ids:
                theirs1.insert1(rows[i])
        t = interleaved(dict(raw=raw_insert1, ours=ours_insert1, dj014=dj14_insert1))
        for k, v in t.items():
            results[f"insert1 {k}"] = v

        fetched = {}

        def raw_fetch1(ids):
            for i in ids:
                c = raw.cursor(pymysql.cursors.DictCursor)
                c.execute(f"SELECT * FROM `{db}`.`raw1` WHERE id=%s", (i,))
                r = c.fetchone()
                r["data"] = unpack(r["data"])

        def ours_fetch1(ids):
            for i in ids:
                fetched[i] = (ours1 & {"id": i}).fetch1()

        def dj14_fetch1(ids):
            for i in ids:
                (theirs1 & {"id": i}).fetch1()
        t = interleaved(dict(raw=raw_fetch1, ours=ours_fetch1, dj014=dj14_fetch1))
        for k, v in t.items():
            results[f"fetch1 {k}"] = v
        assert np.array_equal(fetched[3]["data"], payloads[3])

        # --- one 8 MB blob, C client vs ours, taking turns ------------------------------------
        cur.execute(f"CREATE TABLE `{db}`.`big` (id int NOT NULL, data longblob NOT NULL, PRIMARY KEY (id))")
        big = rng.random(1 << 20)  # 8 MB of float64
        # bound in the binary protocol: raw bytes, not an escaped literal twice the size
        cclient.cursor().execute(f"INSERT INTO `{db}`.`big` VALUES (1, ?)", (pack(big, compress=False),))
        big_table = FreeTable(conn, f"{db}.big")

        def c_big():
            c = cclient.cursor(binary=True)
            c.execute(f"SELECT data FROM `{db}`.`big` WHERE id=?", (1,))
            value = unpack(c.fetchone()[0])
            c.close()
            return value
        big_contenders = [("c", c_big), ("ours", lambda: (big_table & {"id": 1}).fetch1("data"))]
        for rnd in range(args.rounds * 10):  # short: many turns, best of each
            for k, fn in (big_contenders if rnd % 2 else big_contenders[::-1]):  # take turns going first
                t, got = timed(fn)
                results[f"blob8 {k}"] = min(results.get(f"blob8 {k}", t), t)
        assert np.array_equal(np.ravel(got), big)

        # --- peak memory of a 1M-row numeric fetch over the NumPy size of its result ------------
        cur.execute(f"CREATE TABLE `{db}`.`num` (id int NOT NULL, x double NOT NULL, y float NOT NULL, "
                    f"PRIMARY KEY (id))")
        cur.execute(f"INSERT INTO `{db}`.`num` SELECT seq, seq / 7, seq / 3 FROM mysql.seq_1_to_{args.numeric}")
        num = FreeTable(conn, f"{db}.num")
        tracemalloc.start()
        result = num.fetch()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        results["memory"] = (peak, result.nbytes, len(result))
        del result
        cclient.close()
        c14.close()
        conn.close()
    finally:
        raw.close()  # a failed statement may have cost this connection: drop with a fresh one
        raw = pymysql.connect(host=s["host"], port=s["port"], user=s["user"], password=s["password"])
        raw.cursor().execute(f"DROP DATABASE `{db}`")
        raw.close()

    print(f"rows={n} single={m}")
    print(f"{'operation':10s} {'raw s':>8s} {'ours s':>8s} {'dj014 s':>8s} {'ours/raw':>9s} {'dj014/ours':>11s}"
          f" {'dj014/raw':>10s}")
    for op in ("insert", "fetch", "dict", "insert1", "fetch1"):
        r, o, d = results[f"{op} raw"], results[f"{op} ours"], results[f"{op} dj014"]
        print(f"{op:10s} {r:8.3f} {o:8.3f} {d:8.3f} {o / r:9.2f} {d / o:11.2f} {d / r:10.2f}")
    print("goals: bulk insert/fetch ours/raw <= 1.3 and dj014/ours >= 3 "
          "(dj014/raw bounds what any pymysql-based layer can reach)")
    print(f"\nagainst a C client (MariaDB Connector/C, binary protocol, + our codec); ours uses {conn.driver}")
    print(f"{'operation':10s} {'C s':>8s} {'ours s':>8s} {'ours/C':>7s} {'goal':>5s}")
    for op, goal in (("insert", 1.0), ("fetch", 1.5), ("dict", 1.5), ("blob8", 1.2)):
        c, o = results[f"{op} c"], results[f"{op} ours"]
        print(f"{op:10s} {c:8.3f} {o:8.3f} {o / c:7.2f} {goal:5.1f}")
    peak, size, count = results["memory"]
    print(f"memory: fetch of {count} numeric rows peaked at {peak / 2**20:.1f} MiB for a {size / 2**20:.1f} MiB "
          f"result: {peak / size:.2f}x (goal <= 1.5)")


if __name__ == "__main__":
    main()
