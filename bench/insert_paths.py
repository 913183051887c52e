"""Bulk insert, path by path: multi-row INSERT vs LOAD DATA LOCAL vs a C client's executemany.

Usage: python bench/insert_paths.py [--rows 50000 500000] [--rounds 2]
Connection from DJ_HOST/DJ_PORT/DJ_USER/DJ_PASS (default 127.0.0.1:3306 root, no password).
Needs MariaDB Connector/Python (``pip install mariadb``) for the C client's array-bound
executemany, the reference every figure is divided by (measured in the same run).

For each table layout and row count, the contenders insert the same rows into empty tables, in
turns (nobody always goes first), and the best round counts:
  insert  ``Table.insert`` forced to multi-row INSERT statements
  load    ``Table.insert`` forced to try LOAD DATA LOCAL (an in-memory upload)
  auto    ``Table.insert`` as shipped (picks the path)
  c       mariadb ``executemany`` with array binding (blobs packed by our codec in the timed part)
"""
import argparse
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np

import datajoint_interop as dj
from datajoint_interop.blob import pack
from datajoint_interop.query import bulk
from datajoint_interop.table import FreeTable
from tests.server_env import connection_settings as settings

LAYOUTS = {
    # int, double, varchar(32), small blob (8 float64): the layout of bench/insert_fetch.py
    "mixed": ("id int NOT NULL, x double NOT NULL, name varchar(32) NOT NULL, data longblob NOT NULL",
              lambda i, rng: dict(id=i, x=i / 7, name=f"name_{i:08d}", data=rng.random(8))),
    # nine values in ten NULL
    "nulls": ("id int NOT NULL, a int NULL, b double NULL, c varchar(32) NULL, d longblob NULL",
              lambda i, rng: dict(id=i, a=i if i % 10 == 0 else None, b=None if i % 10 else i / 3,
                                  c=None if i % 10 else f"c{i}", d=None if i % 10 else rng.random(2))),
    # text of several scripts, emoji (4-byte UTF-8), tabs, newlines and backslashes
    "unicode": ("id int NOT NULL, name varchar(32) NOT NULL, note varchar(255) NOT NULL",
                lambda i, rng: dict(id=i, name=f"Ünïcödé-{i}-名前", note=f"データ {i} 😀\tτ\\ω\nπ " * 3)),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[50_000, 500_000])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--layouts", nargs="+", default=list(LAYOUTS))
    args = ap.parse_args()
    import mariadb
    s = settings()
    db = f"djbench_{uuid.uuid4().hex[:8]}"
    c = mariadb.connect(host=s["host"], port=s["port"], user=s["user"], password=s["password"],
                        autocommit=True)
    cur = c.cursor()
    cur.execute(f"CREATE DATABASE `{db}`")
    conn = dj.Connection(s["host"], s["user"], s["password"], port=s["port"], use_tls=False)
    print(f"{'layout':8s} {'rows':>7s} {'c s':>7s} {'insert s':>9s} {'load s':>7s} {'auto s':>7s} "
          f"{'insert/c':>9s} {'load/c':>7s} {'auto/c':>7s}")
    try:
        for layout in args.layouts:
            columns, make = LAYOUTS[layout]
            for t in ("c", "insert", "load", "auto"):
                cur.execute(f"CREATE TABLE `{db}`.`{layout}_{t}` ({columns}, PRIMARY KEY (id)) "
                            "DEFAULT CHARSET=utf8mb4")
            for n in args.rows:
                rng = np.random.default_rng(0)
                rows = [make(i, rng) for i in range(n)]
                names = list(rows[0])
                sql = (f"INSERT INTO `{db}`.`{layout}_c` ({','.join(names)}) "
                       f"VALUES ({','.join(['?'] * len(names))})")

                def c_insert():  # in chunks: one executemany is one packet, bounded by max_allowed_packet
                    for k in range(0, n, 10_000):
                        cur.executemany(sql, [tuple(pack(v) if isinstance(v, np.ndarray) else v
                                                    for v in r.values()) for r in rows[k:k + 10_000]])

                def ours(mode, t):
                    def run():
                        bulk.MODE = mode
                        try:
                            FreeTable(conn, f"{db}.{layout}_{t}").insert(rows)
                        finally:
                            bulk.MODE = "auto"
                    return run
                contenders = dict(c=c_insert, insert=ours("insert", "insert"), load=ours("load", "load"),
                                  auto=ours("auto", "auto"))
                best = {}
                for rnd in range(args.rounds):
                    order = list(contenders.items())
                    order = order[rnd % len(order):] + order[:rnd % len(order)]
                    for k, fn in order:
                        cur.execute(f"TRUNCATE TABLE `{db}`.`{layout}_{k}`")
                        t0 = time.perf_counter()
                        fn()
                        best[k] = min(best.get(k, float("inf")), time.perf_counter() - t0)
                for k in contenders:
                    cur.execute(f"SELECT COUNT(*) FROM `{db}`.`{layout}_{k}`")
                    assert cur.fetchone()[0] == n, (layout, k)
                r = best["c"]
                print(f"{layout:8s} {n:7d} {r:7.3f} {best['insert']:9.3f} {best['load']:7.3f} "
                      f"{best['auto']:7.3f} {best['insert'] / r:9.2f} {best['load'] / r:7.2f} "
                      f"{best['auto'] / r:7.2f}", flush=True)
    finally:
        cur.execute(f"DROP DATABASE `{db}`")
        conn.close()
        c.close()


if __name__ == "__main__":
    main()
