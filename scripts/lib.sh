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
    apt_ensure gcc libc6-dev zlib1g-dev python3-dev python3-venv octave-dev libmariadb-dev graphviz \
        openssl mariadb-server mariadb-client "$@"
}

python_env() {
    # a venv that sees the system's site-packages, so what is installed already is reused
    local extras="${1:-}"
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating virtual environment $VENV"
        python3 -m venv --system-site-packages "$VENV"
    fi
    export PATH="$VENV/bin:$PATH"
    say "pip install -e .${extras}"
    python -m pip install -q --disable-pip-version-check -e "$REPO${extras}" 2>&1 | grep -v "^WARNING: Running pip as" || true
    python -c "import datajoint_interop._blob" || { echo "the codec extension failed to build" >&2; return 1; }
}

build_mex() {
    say "building the mym MEX for Octave"
    (cd "$REPO/matlab" && octave-cli --norc --no-history --eval "build_mex()")
}

# Point DJ_* at a server the tests can use: the one given in DJ_* (default 127.0.0.1:3306 root with
# an empty password), or, when that is not reachable, a private server started by `dji server`.
ensure_test_server() {
    export DJ_HOST="${DJ_HOST:-127.0.0.1}" DJ_USER="${DJ_USER:-root}" DJ_PASS="${DJ_PASS:-}" DJ_PORT="${DJ_PORT:-3306}"
    if python -c "import os, pymysql; pymysql.connect(host=os.environ['DJ_HOST'], port=int(os.environ['DJ_PORT']), user=os.environ['DJ_USER'], password=os.environ['DJ_PASS'], connect_timeout=5).close()" 2>/dev/null; then
        return 0
    fi
    say "no server accepts $DJ_USER at $DJ_HOST:$DJ_PORT: starting a private one (dji server start)"
    dji server start --force
    eval "$(python -c "
import shlex
from datajoint_interop.server import PrivateServer
s = PrivateServer().state()
print('export DJ_HOST=127.0.0.1 DJ_PORT=%d DJ_USER=%s DJ_PASS=%s' % (s['port'], s['user'], shlex.quote(s['password'])))
")"
}
