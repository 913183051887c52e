"""Settings: the `dj.config` object.

Names follow DataJoint 0.14 (`database.host`, `safemode`, ...) so that an existing
`dj_local_conf.json` works unchanged. Precedence, lowest to highest: built-in defaults, the user
file `~/.datajoint_config.json`, the local file `dj_local_conf.json` in the working directory, and
the environment (`DJ_HOST`, `DJ_USER`, `DJ_PASS`, `DJ_PORT`). Values set in code win over all.
"""
import collections.abc
import json
import logging
import os
import pprint

from .errors import DataJointError

LOCAL_CONFIG = "dj_local_conf.json"
GLOBAL_CONFIG = ".datajoint_config.json"

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
    "database_prefix": "",
    "stores": {},
    "cache": None,
    "filepath_checksum_size_limit": None,
}

# environment variable -> (key, converter)
ENVIRONMENT = {
    "DJ_HOST": ("database.host", str),
    "DJ_USER": ("database.user", str),
    "DJ_PASS": ("database.password", str),
    "DJ_PORT": ("database.port", int),
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
}

logger = logging.getLogger(__name__.split(".")[0])


class Config(collections.abc.MutableMapping):
    """Dict-like settings with validation and secret masking."""

    def __init__(self, *args, **kwargs):
        self._values = dict(DEFAULTS)
        self._values["stores"] = {}
        self._values.update(*args, **kwargs)
        self.source_files = []

    # -- mapping protocol ---------------------------------------------------------------------
    def __getitem__(self, key):
        return self._values[key]

    def __setitem__(self, key, value):
        expected = _TYPES.get(key)
        if expected is not None and value is not None and not isinstance(value, expected):
            try:
                value = expected(value) if not isinstance(expected, tuple) else float(value)
            except (TypeError, ValueError):
                raise DataJointError(
                    f"config[{key!r}] must be of type {getattr(expected, '__name__', expected)}, "
                    f"got {type(value).__name__}") from None
        if key == "loglevel" and value is not None:
            level = str(value).upper()
            if level not in logging._nameToLevel:
                raise DataJointError(f"config['loglevel']: unknown level {value!r}")
            logger.setLevel(level)
            value = level
        self._values[key] = value

    def __delitem__(self, key):
        del self._values[key]

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
        for key, value in _flatten(data).items():
            self[key] = value
        self.source_files.append(os.path.abspath(filename))

    def load_environment(self):
        for variable, (key, convert) in ENVIRONMENT.items():
            value = os.environ.get(variable)
            if value is not None and value != "":
                try:
                    self[key] = convert(value)
                except ValueError:
                    raise DataJointError(f"Environment variable {variable}={value!r} is invalid") from None
            elif variable == "DJ_PASS" and value == "":
                self[key] = ""

    def save(self, filename, verbose=False):
        with open(filename, "w") as f:
            json.dump(self._values, f, indent=4, sort_keys=True, default=str)
        os.chmod(filename, 0o600)  # the file may hold a password
        if verbose:
            logger.info("Saved settings in %s", filename)

    def save_local(self, verbose=False):
        """Write the settings to `dj_local_conf.json` in the working directory."""
        self.save(LOCAL_CONFIG, verbose)

    def save_global(self, verbose=False):
        """Write the settings to `~/.datajoint_config.json`."""
        self.save(os.path.join(os.path.expanduser("~"), GLOBAL_CONFIG), verbose)

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
            self.saved[key] = self.config._values.get(key, missing)
            self.config[key] = value
        self._missing = missing
        return self.config

    def __exit__(self, *exc):
        for key, value in self.saved.items():
            if value is self._missing:
                self.config._values.pop(key, None)
            else:
                self.config._values[key] = value


def _flatten(data, prefix=""):
    flat = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict) and key != "stores" and not full.startswith("stores"):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = value
    return flat


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
