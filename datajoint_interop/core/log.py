"""The package's logger, `dj.logger`, set up as 0.14 sets up its own.

One logger named after the package carries every message of every module. Its level comes from
the environment variable DJ_LOG_LEVEL (default INFO; `config['loglevel']` changes it later) and it
gets one stream handler with 0.14's format, unless the application already gave it handlers.
Unlike 0.14, importing the package does not replace `sys.excepthook`: a library should not decide
how an application reports its uncaught exceptions.
"""
import logging
import os
import sys

logger = logging.getLogger(__name__.split(".")[0])

log_format = logging.Formatter("[%(asctime)s][%(levelname)s]: %(message)s")


def _level_from_environment(default="INFO"):
    """DJ_LOG_LEVEL as a level name; an unknown value falls back to the default with a warning
    rather than failing the import of the whole package."""
    level = os.getenv("DJ_LOG_LEVEL", default).upper()
    if level not in logging._nameToLevel:
        logging.getLogger(__name__).warning("DJ_LOG_LEVEL=%r is not a log level; using %s", level, default)
        return default
    return level


log_level = _level_from_environment()
logger.setLevel(log_level)
if not logger.handlers:
    stream_handler = logging.StreamHandler()
    stream_handler.setFormatter(log_format)
    logger.addHandler(stream_handler)


def excepthook(exc_type, exc_value, exc_traceback):
    """0.14's hook logging uncaught exceptions; not installed here (see the module's docstring),
    an application may install it with ``sys.excepthook = dj.logging.excepthook``."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc_value, exc_traceback)
        return
    logger.error("Uncaught exception", exc_info=(exc_type, exc_value, exc_traceback))
