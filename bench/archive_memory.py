"""Peak memory of `dji export` / `dji import` on a blob-heavy table (default 1 GB of blobs).

The goal: both stay bounded, i.e. their peak RSS is a small constant above that of a process that
merely imports the package and connects, however large the data. Each measurement runs in its own
subprocess so that the peak belongs to that step alone; the reference process is measured in the
same run on the same machine.

    python bench/archive_memory.py                 # 1024 MB of 1 MB blobs
    python bench/archive_memory.py --size-mb 64    # a quick run
    python bench/archive_memory.py --max-overhead-mb 200   # exit 1 if the bound is exceeded

Uses the server configured as for the tests (DJ_HOST, DJ_PORT, DJ_USER, DJ_PASS).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

CHILD = r"""
import json, resource, sys, time
import datajoint_interop as dj
from datajoint_interop import archive
step, schema, path, target = sys.argv[1:]
connection = dj.conn()
connection.query("SELECT 1")
start = time.perf_counter()
if step == "export":
    archive.export(schema, path, progress=False)
elif step == "import":
    archive.import_archive(path, rename={schema: target}, progress=False)
elapsed = time.perf_counter() - start
print(json.dumps(dict(peak_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, seconds=elapsed)))
"""


def configure(dj):
    dj.config["database.host"] = os.environ.get("DJ_HOST", "127.0.0.1")
    dj.config["database.port"] = int(os.environ.get("DJ_PORT", "3306"))
    dj.config["database.user"] = os.environ.get("DJ_USER", "root")
    dj.config["database.password"] = os.environ.get("DJ_PASS", "")


def child(step, schema, path, target=""):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.setdefault("DJ_HOST", "127.0.0.1")
    env.setdefault("DJ_USER", "root")
    done = subprocess.run([sys.executable, "-c", CHILD, step, schema, str(path), target], env=env,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{step} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="megabytes of blob data (default 1024)")
    parser.add_argument("--blob-kb", type=int, default=1024, help="size of each blob in KB (default 1024)")
    parser.add_argument("--max-overhead-mb", type=float, default=None,
                        help="fail if a step's peak RSS exceeds the reference by more than this")
    parser.add_argument("--keep", action="store_true", help="keep the schemas and the archive")
    args = parser.parse_args()

    import datajoint_interop as dj
    configure(dj)
    connection = dj.conn()
    tag = uuid.uuid4().hex[:8]
    source, target = f"djbench_{tag}_src", f"djbench_{tag}_dst"
    folder = tempfile.mkdtemp(prefix="djx_bench_")
    path = os.path.join(folder, "bench.djx")
    rows = max(1, args.size_mb * 1024 // args.blob_kb)
    try:
        connection.query(f"CREATE DATABASE `{source}`")
        connection.query(f"CREATE TABLE `{source}`.`recording` (id int PRIMARY KEY, data longblob NOT NULL)")
        start = time.perf_counter()
        for i in range(rows):
            connection.query(f"INSERT INTO `{source}`.`recording` VALUES (%s, %s)", (i, os.urandom(args.blob_kb * 1024)))
        print(f"filled {rows} rows x {args.blob_kb} KB = {rows * args.blob_kb / 1024:.0f} MB "
              f"in {time.perf_counter() - start:.1f} s")
        reference = child("connect", source, path)
        exported = child("export", source, path)
        imported = child("import", source, path, target)
        data_mb = rows * args.blob_kb / 1024
        ref_mb = reference["peak_kb"] / 1024
        print(f"archive size: {os.path.getsize(path) / 2**20:.0f} MB")
        print(f"reference (import + connect): peak RSS {ref_mb:.0f} MB")
        failed = False
        for name, result in (("export", exported), ("import", imported)):
            peak = result["peak_kb"] / 1024
            overhead = peak - ref_mb
            print(f"{name}: peak RSS {peak:.0f} MB = {peak / ref_mb:.2f} x reference "
                  f"(+{overhead:.0f} MB, {overhead / data_mb:.3f} of the data size), "
                  f"{data_mb / max(result['seconds'], 1e-9):.0f} MB/s")
            if args.max_overhead_mb is not None and overhead > args.max_overhead_mb:
                failed = True
        if failed:
            print(f"FAIL: a step exceeded the reference by more than {args.max_overhead_mb} MB")
            return 1
        return 0
    finally:
        if not args.keep:
            for db in (target, source):
                connection.query(f"DROP DATABASE IF EXISTS `{db}`")
            if os.path.exists(path):
                os.remove(path)
            os.rmdir(folder)


if __name__ == "__main__":
    sys.exit(main())
