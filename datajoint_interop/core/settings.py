"""Settings: the `dj.config` object.

Names follow DataJoint 0.14 (`database.host`, `safemode`, ...) so that an existing
`dj_local_conf.json` works unchanged. Precedence, lowest to highest: built-in defaults, the user
file `~/.datajoint_config.json`, the local file `dj_local_conf.json` in the working directory, and
the environment (`DJ_HOST`, `DJ_USER`, `DJ_PASS`, `DJ_PORT`). Values set in code win over all.

Which server `dj.conn()` reaches follows one rule shared with Octave's `dj.conn`, `dji` and the
scripts (docs/settings.md): arguments > DJ_* environment > local file > user file > the default
server 127.0.0.1:3306 as root with an empty password (`server_settings` below). `Config.sources`
records where each value came from so that `dji server status` can say why.
"""
import collections.abc
import json
import logging
import numbers
import os
import pprint

from .errors import DataJointError
from .log import logger

LOCAL_CONFIG = "dj_local_conf.json"
GLOBAL_CONFIG = ".datajoint_config.json"
LOCALCONFIG, GLOBALCONFIG = LOCAL_CONFIG, GLOBAL_CONFIG  # 0.14's spellings of the same names

#: keys whose values are never shown in reprs, logs or error messages
SECRET_KEYS = frozenset({"database.password", "stores.secret_key", "stores.access_key"})

DEFAULTS = {
    "database.host": "localhost",
    "database.port": 3306,
    "database.user": None,
    "database.password": None,
    "database.use_tls": None,
    "database.reconnect": True,
    "database.connect_timeout": 10,
    # seconds a query may wait for the server to answer / accept data (None or 0: forever):
    # long enough for long queries, short enough that a stalled server ends in an error
    "database.read_timeout": 3600,
    "database.write_timeout": 600,
    "database.unix_socket": None,
    # the client library: 'auto' (Connector/C through mysqlclient when installed, else pymysql),
    # 'mysqlclient' or 'pymysql' (core/driver.py, docs/settings.md)
    "database.driver": "auto",
    "connection.init_function": None,
    "connection.charset": "",
    "loglevel": "INFO",
    "safemode": True,
    "fetch_format": "array",
    "display.limit": 12,
    "display.width": 14,
    "display.show_tuple_count": True,
    "enable_python_native_blobs": True,
    "blob.compress": True,
    "blob.max_decompressed_size": 1 << 30,  # bytes a compressed blob may inflate to (1 GiB)
    "blob.matlab_schemas": (),  # schemas MATLAB also uses: a dj0 blob inserted there warns once
    "database_prefix": "",
    "stores": {},
    "cache": None,
    "query_cache": None,  # folder of the query cache (Connection.set_query_cache)
    "filepath_checksum_size_limit": None,
    "add_hidden_timestamp": False,  # declare a hidden insertion-time column in new tables (0.14)
}

# environment variable -> (key, converter)
ENVIRONMENT = {
    "DJ_HOST": ("database.host", str),
    "DJ_USER": ("database.user", str),
    "DJ_PASS": ("database.password", str),
    "DJ_PORT": ("database.port", int),
    "DJ_DRIVER": ("database.driver", str),
}

_TYPES = {
    "database.port": int,
    "database.connect_timeout": (int, float),
    "database.read_timeout": (int, float),
    "database.write_timeout": (int, float),
    "display.limit": int,
    "display.width": int,
    "safemode": bool,
    "database.reconnect": bool,
    "enable_python_native_blobs": bool,
    "blob.max_decompressed_size": int,
    "add_hidden_timestamp": bool,
}

#: settings that must be positive integers (a zero or negative limit would refuse everything)
_POSITIVE = frozenset({"blob.max_decompressed_size"})



def _schema_names(key, value):
    """A list of schema names ('*': every schema); a bare string is refused, not split."""
    if value is None:
        return ()
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)) \
            or not all(isinstance(v, str) and v for v in value):
        raise DataJointError(f"config[{key!r}] must be a list of schema names (or ['*']), got {value!r}")
    return tuple(value)


class Config(collections.abc.MutableMapping):
    """Dict-like settings with validation and secret masking."""

    def __init__(self, *args, **kwargs):
        self._values = dict(DEFAULTS)
        self._values["stores"] = {}
        self._values.update(*args, **kwargs)
        self.source_files = []
        #: key -> where its current value came from ("set in code", a file path, "DJ_HOST", ...);
        #: keys never set keep their built-in default and have no entry
        self.sources = {}
        self._loading = None

    # -- mapping protocol ---------------------------------------------------------------------
    def __getitem__(self, key):
        return self._values[key]

    def __setitem__(self, key, value):
        if key in _POSITIVE and (isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0):
            raise DataJointError(f"config[{key!r}] must be a positive whole number of bytes, got {value!r}")
        expected = _TYPES.get(key)
        if expected is not None and value is not None and not isinstance(value, expected):
            try:
                value = expected(value) if not isinstance(expected, tuple) else float(value)
            except (TypeError, ValueError):
                raise DataJointError(
                    f"config[{key!r}] must be of type {getattr(expected, '__name__', expected)}, "
                    f"got {type(value).__name__}") from None
        if key == "blob.matlab_schemas":
            value = _schema_names(key, value)
        if key == "loglevel" and value is not None:
            level = str(value).upper()
            if level not in logging._nameToLevel:
                raise DataJointError(f"config['loglevel']: unknown level {value!r}")
            logger.setLevel(level)
            value = level
        self._values[key] = value
        self.sources[key] = self._loading or "set in code"

    def __delitem__(self, key):
        del self._values[key]
        self.sources.pop(key, None)

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    # -- display without secrets --------------------------------------------------------------
    def masked(self):
        return {k: ("*****" if k in SECRET_KEYS and v else v) for k, v in self._values.items()}

    def __repr__(self):
        return f"{type(self).__name__}({pprint.pformat(self.masked(), sort_dicts=True)})"

    __str__ = __repr__

    # -- files and environment ----------------------------------------------------------------
    def load(self, filename):
        """Merge settings from a JSON file (nested dicts are flattened with dots)."""
        try:
            with open(filename) as f:
                data = json.load(f)
        except json.JSONDecodeError as error:
            raise DataJointError(f"Config file {filename} is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise DataJointError(f"Config file {filename} must hold a JSON object")
        self._loading = os.path.abspath(filename)
        try:
            for key, value in _flatten(data).items():
                self[key] = value
        finally:
            self._loading = None
        self.source_files.append(os.path.abspath(filename))

    def load_environment(self):
        """Merge DJ_HOST/DJ_PORT/DJ_USER/DJ_PASS; empty variables count as unset, except DJ_PASS.

        DJ_PASS is taken (even empty or unset, meaning no password) whenever DJ_USER is set, so the
        environment names a whole account and never pairs its user with a file's password. Octave
        cannot tell an empty variable from an unset one, and this rule lets both languages agree.
        """
        for variable, (key, convert) in ENVIRONMENT.items():
            value = os.environ.get(variable, "")
            if variable == "DJ_PASS" and os.environ.get("DJ_USER"):
                pass  # part of the account named by DJ_USER, even when empty
            elif value == "":
                continue
            self._loading = variable
            try:
                self[key] = convert(value)
            except ValueError:
                raise DataJointError(f"Environment variable {variable}={value!r} is invalid") from None
            finally:
                self._loading = None

    def save(self, filename, verbose=False):
        """Write the settings as JSON to a file only its owner can read (it may hold a password).

        The file is created with mode 0600 (and an existing file is narrowed to 0600 before anything
        is written), so the password is never readable by others, not even for an instant."""
        fd = os.open(filename, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
        except BaseException:
            os.close(fd)
            raise
        with os.fdopen(fd, "w") as f:
            json.dump(self._values, f, indent=4, sort_keys=True, default=str)
        if verbose:
            logger.info("Saved settings in %s", filename)

    def save_local(self, verbose=False):
        """Write the settings to `dj_local_conf.json` in the working directory (the module's
        LOCALCONFIG, read at call time as in 0.14)."""
        self.save(LOCALCONFIG, verbose)

    def save_global(self, verbose=False):
        """Write the settings to `~/.datajoint_config.json`."""
        self.save(os.path.join(os.path.expanduser("~"), GLOBALCONFIG), verbose)

    def __call__(self, **overrides):
        """Temporarily override settings: ``with dj.config(safemode=False): ...``.

        Keyword names use ``__`` for dots: ``dj.config(database__host='x')``.
        """
        return _Override(self, {k.replace("__", "."): v for k, v in overrides.items()})


class _Override:
    def __init__(self, config, overrides):
        self.config, self.overrides, self.saved = config, overrides, {}

    def __enter__(self):
        missing = object()
        for key, value in self.overrides.items():
            self.saved[key] = (self.config._values.get(key, missing), self.config.sources.get(key))
            self.config[key] = value
        self._missing = missing
        return self.config

    def __exit__(self, *exc):
        for key, (value, source) in self.saved.items():
            if value is self._missing:
                self.config._values.pop(key, None)
            else:
                self.config._values[key] = value
            if source is None:
                self.config.sources.pop(key, None)
            else:
                self.config.sources[key] = source


def _flatten(data, prefix=""):
    flat = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict) and key != "stores" and not full.startswith("stores"):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = value
    return flat


#: the server and account used when no source names one (field -> value)
DEFAULT_SERVER = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}


class ServerChoice(collections.namedtuple("ServerChoice", "host port user password sources")):
    """The server and account `dj.conn()` would use; `sources` maps each field to its origin."""

    def __repr__(self):
        return f"ServerChoice({self.describe()})"  # never the password

    @property
    def address(self):
        return f"{self.host}:{self.port}"

    def describe(self):
        """One line naming the account, the address and where each part came from (no password)."""
        password = "empty password" if not self.password else "a password"
        origins = ", ".join(f"{field} from {self.sources[field]}" for field in ("host", "port", "user", "password"))
        return f"{self.user}@{self.address} with {password} ({origins})"


def server_settings(cfg=None, host=None, user=None, password=None):
    """Resolve the server and account by the one documented rule (docs/settings.md).

    Each of host, port, user and password is taken from the first source that sets it: the
    arguments, then `cfg` (code, DJ_* environment, local file, user file, as merged by `Config`),
    then DEFAULT_SERVER. 0.14's built-in host "localhost" is not a choice of the user and yields
    127.0.0.1 like the other languages. A password without a user from the same or a higher
    source is not paired with the default root account: a configured user gets the configured
    password, the default root gets an empty one unless a password was given explicitly.
    """
    cfg = config if cfg is None else cfg
    values, sources = {}, {}
    for field, argument in (("host", host), ("port", None), ("user", user), ("password", password)):
        key = f"database.{field}"
        if argument is not None:
            values[field], sources[field] = argument, "the arguments"
        elif key in cfg.sources and cfg[key] is not None:
            values[field], sources[field] = cfg[key], _describe_source(cfg.sources[key])
        elif field == "host" and cfg.get("database.unix_socket"):
            values[field], sources[field] = "localhost", "the default (a unix socket is configured)"
        else:
            values[field], sources[field] = DEFAULT_SERVER[field], "the default"
    if sources["user"] == "the default" and sources["password"] not in ("the default", "the arguments"):
        values["password"], sources["password"] = "", "the default (no user configured)"
    return ServerChoice(values["host"], int(values["port"]), values["user"], values["password"], sources)


def _describe_source(source):
    """Human name of a Config.sources entry: an environment variable, a file, or code."""
    if source in ENVIRONMENT:
        return f"environment {source}"
    if source == "set in code":
        return "dj.config (set in code)"
    return source


def user_config_path():
    return os.path.join(os.path.expanduser("~"), GLOBAL_CONFIG)


def load_default_config():
    cfg = Config()
    for path in (user_config_path(), LOCAL_CONFIG):
        if os.path.isfile(path):
            cfg.load(path)
    cfg.load_environment()
    return cfg


config = load_default_config()
