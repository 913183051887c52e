"""scripts/test's closing summary counts every step that can fail (issue: a failed fuzz step
printed `FAILED` then `total: 854 passed, 0 failed`). The fake python answers both Python steps
(the whole suite, then the fetch/insert modules again on pymysql), so its counts appear twice.

The real scripts/test runs here against stand-ins for its steps (a stub lib.sh, fake python,
octave-cli and fuzz-codec on PATH), so each failure mode is produced on purpose and quickly; the
full run is .ci/run's job.
"""
import os
import shutil
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

STUB_LIB = """set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\\n==> %s\\n' "$*" >&2; }
system_packages() { :; }
fuzz_packages() { :; }
slurm_packages() { :; }
python_env() { [ -z "${FAKE_PIP_FAIL:-}" ]; }
build_mex() { [ -z "${FAKE_MEX_FAIL:-}" ]; }
ensure_test_server() { :; }
"""

FAKES = {
    "bin/python": 'echo "${FAKE_PY_OUT:-5 passed in 1.0s}"; exit ${FAKE_PY_RC:-0}',
    "bin/octave-cli": 'echo "${FAKE_OCT_OUT:-4 passed, 0 failed}"; exit ${FAKE_OCT_RC:-0}',
    "scripts/fuzz-codec": 'echo "fuzzing"; exit ${FAKE_FUZZ_RC:-0}',
}


@pytest.fixture
def fake_repo(tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "bin").mkdir()
    shutil.copy(os.path.join(REPO, "scripts", "test"), tmp_path / "scripts" / "test")
    (tmp_path / "scripts" / "lib.sh").write_text(STUB_LIB)
    for name, body in FAKES.items():
        path = tmp_path / name
        path.write_text("#!/bin/bash\n" + body + "\n")
        path.chmod(0o755)
    return tmp_path


def run(repo, **fakes):
    env = dict(os.environ, PATH=f"{repo / 'bin'}:{os.environ['PATH']}", **fakes)
    result = subprocess.run(["bash", str(repo / "scripts" / "test")], env=env, capture_output=True,
                            text=True, timeout=60)
    lines = (result.stdout + result.stderr).splitlines()
    return result.returncode, [l for l in lines if l.startswith("total:")][-1], lines


@pytest.mark.parametrize("fakes, total, failed_line", [
    ({}, "total: 15 passed, 0 failed", None),
    ({"FAKE_FUZZ_RC": "1"}, "total: 14 passed, 1 failed", "fuzz failed"),
    ({"FAKE_PY_OUT": "2 failed, 3 passed, 1 error in 1s", "FAKE_PY_RC": "1"},
     "total: 11 passed, 6 failed", "Python suite failed"),
    ({"FAKE_OCT_OUT": "Segmentation fault", "FAKE_OCT_RC": "139"}, "total: 11 passed, 1 failed",
     "Octave suite failed"),
    ({"FAKE_PY_OUT": "no tests ran", "FAKE_PY_RC": "5"}, "total: 5 passed, 2 failed", "Python suite failed"),
    ({"FAKE_MEX_FAIL": "1"}, "total: 15 passed, 1 failed", "MEX build failed"),
    ({"FAKE_PIP_FAIL": "1"}, "total: 0 passed, 1 failed", "pip install -e .[test] failed"),
])
def test_summary_counts_every_failed_step(fake_repo, fakes, total, failed_line):
    code, summary, lines = run(fake_repo, **fakes)
    assert summary == total, lines
    if failed_line is None:
        assert code == 0 and not [l for l in lines if l.endswith(" failed") and not l.startswith(("total", "4 "))]
    else:
        assert code == 1 and failed_line in lines, lines
        assert any(l.startswith("==> FAILED: ") for l in lines), lines
