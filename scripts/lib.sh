# Shared by scripts/test and scripts/setup-and-demo: installs what the project needs, idempotently.
# Works on a fresh Debian/Ubuntu machine that has only Python, as root or with sudo.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${DJI_VENV:-$REPO/.venv}"

say() { printf '\n==> %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "need root (or sudo) to run: $*" >&2; return 1; fi
}

# Install the Debian packages given as arguments unless they are all installed already.
apt_ensure() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "apt-get install ${missing[*]}"
    if [ ! -f /var/lib/apt/periodic/dji-updated ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
        as_root apt-get update -qq
        as_root mkdir -p /var/lib/apt/periodic && as_root touch /var/lib/apt/periodic/dji-updated
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

system_packages() {
    # compilers and headers for the codec extension and the MEX; Octave; MariaDB Connector/C;
    # graphviz for diagrams; openssl for the TLS tests; the MariaDB server binaries for `dji server`
    # pkg-config: mysqlclient (the C driver, python_env) finds Connector/C through it
    apt_ensure gcc libc6-dev zlib1g-dev python3-dev python3-venv octave-dev libmariadb-dev pkg-config graphviz \
        openssl mariadb-server mariadb-client "$@"
}

# Fuzzing the C decoder needs clang's libFuzzer runtime, which clang does not pull in without
# recommends (Debian 12: libclang-rt-14-dev, matching clang 14).
fuzz_packages() {
    apt_ensure clang
    local major
    major="$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9][0-9]*\).*/\1/p' | head -1)"
    apt_ensure "libclang-rt-${major:-14}-dev"
}

# A private one-node Slurm cluster for scripts/test-slurm (tests/slurm_cluster.py): the daemons,
# the client commands and MUNGE, which authenticates them to each other. Debian 12 ships Slurm 22.05.
slurm_packages() {
    apt_ensure slurm-wlm slurmctld slurmd slurm-client slurm-wlm-basic-plugins munge libmunge2
}

# A digest of the given files (sorted, missing ones skipped) and extra words: a stamp that
# changes exactly when something that goes into a build changes.
inputs_digest() {
    local words="$1"; shift
    { printf '%s\n' "$words"; for f in $(printf '%s\n' "$@" | sort); do
        [ -f "$f" ] && { printf '%s\n' "$f"; cat "$f"; }; done; } | sha256sum | cut -d' ' -f1
}

python_env() {
    # a venv that sees the system's site-packages, so what is installed already is reused
    local extras="${1:-}"
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating virtual environment $VENV"
        python3 -m venv --system-site-packages "$VENV"
    fi
    export PATH="$VENV/bin:$PATH"
    # the install is editable: only the build inputs of the codec extension and the declared
    # dependencies can make a new `pip install` necessary, so skip it while they are unchanged
    local stamp="$VENV/.dji-install-$(printf '%s' "$extras" | tr -c 'a-z' _)" digest
    digest="$(inputs_digest "$REPO $(python -V 2>&1)" "$REPO/setup.py" "$REPO/pyproject.toml" \
        "$REPO/setup.cfg" "$REPO/MANIFEST.in" "$REPO"/src/codec/* "$REPO"/src/infile/* "$REPO"/datajoint_interop/*.pyx)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ] && python -c "import datajoint_interop._blob" 2>/dev/null; then
        say "datajoint-interop${extras} is installed and up to date in $VENV"
        return 0
    fi
    say "pip install -e .${extras}"
    python -m pip install -q --disable-pip-version-check -e "$REPO${extras}" 2>&1 | grep -v "^WARNING: Running pip as" || true
    python -c "import datajoint_interop._blob" || { echo "the codec extension failed to build" >&2; return 1; }
    # the C driver (pyproject's `fast` extra) is optional and installed on its own, so that a
    # failed build of it never fails the install: connections then use pymysql
    python -m pip install -q --disable-pip-version-check "mysqlclient>=2.2.4" 2>&1 \
        | grep -v "^WARNING: Running pip as" || true
    python -c "import MySQLdb" 2>/dev/null \
        || echo "mysqlclient did not build: database.driver 'auto' will use pymysql" >&2
    echo "$digest" > "$stamp"
}

build_mex() {
    # build_mex.m compares file times itself; this stamp also spares starting Octave at all
    local stamp="$REPO/matlab/.mym-build-stamp" digest
    digest="$(inputs_digest "$(octave-cli --version 2>/dev/null | head -1) $(mariadb_config --version 2>/dev/null)" \
        "$REPO"/matlab/build_mex.m "$REPO"/matlab/mex/*.[ch] "$REPO"/src/codec/*.[ch])"
    if [ -f "$REPO/matlab/mym.mex" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
        say "the mym MEX for Octave is up to date"
        return 0
    fi
    say "building the mym MEX for Octave"
    (cd "$REPO/matlab" && octave-cli --norc --no-history --eval "build_mex()") || return 1
    [ -f "$REPO/matlab/mym.mex" ] || { echo "build_mex() made no matlab/mym.mex" >&2; return 1; }
    echo "$digest" > "$stamp"
}

# The server by the rule every part of the project uses (docs/settings.md): DJ_* environment >
# ./dj_local_conf.json > ~/.datajoint_config.json > root@127.0.0.1:3306 with no password. Prints
# `export DJ_HOST=... DJ_PORT=... DJ_USER=... DJ_PASS=...` for it, with all four set so that
# Octave (which cannot tell an empty DJ_PASS from an unset one) takes exactly the same account.
resolved_server_exports() {
    python - <<'PY'
import shlex
from datajoint_interop.settings import server_settings
s = server_settings()
print("export DJ_HOST=%s DJ_PORT=%d DJ_USER=%s DJ_PASS=%s"
      % (shlex.quote(s.host), s.port, shlex.quote(s.user), shlex.quote(s.password)))
PY
}

# Whether the server chosen by that rule accepts its account (status 0), saying so on stderr.
resolved_server_reachable() {
    python - <<'PY'
import sys
from datajoint_interop.server import configured_server_status
from datajoint_interop.settings import config
reachable, description = configured_server_status(config)
print(("reachable: " if reachable else "not reachable: ") + description, file=sys.stderr)
sys.exit(0 if reachable else 1)
PY
}

# Use the server chosen by the rule when it accepts its account; otherwise (the rule's last
# step) start a private one with `dji server start`, which names it in ~/.datajoint_config.json.
ensure_server() {
    if [ -z "${DJI_DEMO_PRIVATE:-}" ] && resolved_server_reachable; then
        return 0
    fi
    if [ -z "${DJI_DEMO_PRIVATE:-}" ] && [ -n "${DJ_HOST:-}${DJ_PORT:-}${DJ_USER:-}" ]; then
        # the environment outranks any private server: starting one would not be used
        echo "the server named by DJ_HOST/DJ_PORT/DJ_USER does not answer (see above): start it, fix" \
             "the variables, or unset them to use (or start) another server" >&2
        return 1
    fi
    say "no reachable database server: starting a private one (dji server start)"
    dji server start ${DJI_DEMO_PRIVATE:+--force}
    resolved_server_reachable
}

# Point DJ_* (all four) at the server the tests use, chosen as ensure_server chooses it.
ensure_test_server() {
    ensure_server
    eval "$(resolved_server_exports)"
    say "tests use $DJ_USER@$DJ_HOST:$DJ_PORT"
}
