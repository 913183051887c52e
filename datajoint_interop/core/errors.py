"""Exception hierarchy.

Every failure a user can cause raises a subclass of DataJointError, so one ``except`` clause
catches them all, while the subclass says which kind of problem it is. Names mirror DataJoint 0.14
where it has one, so code written against the original keeps working.
"""
import os


import pymysql


class DataJointError(Exception):
    """Base class of every error raised by datajoint_interop."""

    def suggest(self, *args):
        """Return a copy of this error with a hint appended to its message."""
        return self.__class__(*(self.args + args))


# --- connection and server ---------------------------------------------------------------------
class ConnectionFailedError(DataJointError, pymysql.err.OperationalError):
    """The server cannot be reached or the connection could not be set up (not a lost connection:
    see LostConnectionError). A refused login is an AccessError. Also pymysql's OperationalError,
    which is what 0.14 let through, so code catching that keeps working."""


class LostConnectionError(DataJointError):
    """The connection to the server was lost and could not be silently restored."""


class AccessError(DataJointError):
    """The server refused an operation for lack of privileges."""


class LoginRefusedError(AccessError, pymysql.err.OperationalError):
    """The server refused the login (wrong password, no such account, host not allowed). Also
    pymysql's OperationalError, which is what 0.14 let through, so code catching that keeps working."""


class GrantError(AccessError):
    """A grant refused before it reaches the server: its schema pattern covers a system schema,
    or schemas on which the granting account may not pass that role on."""


class ServerError(DataJointError):
    """Managing the private MariaDB server (`dji server`) failed."""


# --- queries -----------------------------------------------------------------------------------
class QueryError(DataJointError):
    """The server rejected a query."""


class QuerySyntaxError(QueryError):
    """The server reported an SQL syntax error."""


class MissingTableError(QueryError):
    """A table or schema that the query needs does not exist."""


class UnknownAttributeError(QueryError, KeyError):
    """An attribute name is not part of the heading. Also a KeyError, which 0.14 raised when a
    heading was indexed by an unknown name."""

    __str__ = Exception.__str__  # the message as written, not KeyError's quoted repr


class MissingAttributeError(QueryError):
    """A required attribute was not provided (e.g. on insert)."""


class DuplicateError(QueryError):
    """An insert would duplicate an existing primary or unique key."""


class IntegrityError(QueryError):
    """A foreign-key constraint prevents the operation."""


# --- data and definitions ----------------------------------------------------------------------
class InvalidTextError(DataJointError, ValueError):
    """A str that cannot travel as UTF-8 (it holds a lone surrogate, e.g. from bytes decoded with
    ``errors='surrogateescape'``). A ValueError, as the driver's UnicodeEncodeError was."""


class ArgumentTypeError(DataJointError, TypeError):
    """An argument of the wrong type where 0.14 raised TypeError (e.g. ``dj.Top(limit="1")``)."""


class BlobError(DataJointError):
    """A blob cannot be decoded (corrupt, truncated, hostile) or a value cannot be encoded."""

    def __init__(self, message, offset=None):
        self.offset = offset
        if offset is not None:
            message = f"{message} (at byte offset {offset})"
        super().__init__(message)


class DefinitionError(DataJointError):
    """A table definition cannot be parsed or declared."""


class MissingDefinitionError(DefinitionError, NotImplementedError):
    """A table class has no definition and its table does not exist. Also NotImplementedError,
    as 0.14 raised for a class without ``definition``."""


class ArchiveError(DataJointError):
    """An export archive is unreadable, of an unknown version, or fails its checksums."""


class JobError(DataJointError):
    """The job reservation protocol failed."""


class MissingExternalFile(DataJointError):
    """A tracked external object is not where its store says it is (same name as 0.14)."""


class BucketInaccessible(DataJointError):
    """An S3 bucket of a store cannot be reached (same name as 0.14)."""


class PluginWarning(DataJointError):
    """A plugin could not be verified (same name as 0.14; this package loads no plugins)."""


# Names of the environment variables with which 0.14 gated its experimental features. Both features
# are always on here; the names stay importable because 0.14 code and tests set them.
ADAPTED_TYPE_SWITCH = "DJ_SUPPORT_ADAPTED_TYPES"
FILEPATH_FEATURE_SWITCH = "DJ_SUPPORT_FILEPATH_MANAGEMENT"


def _set_switch(name, on):
    """Set or clear one of the switches above, as 0.14's test suites do before using the feature."""
    if on:
        os.environ[name] = "TRUE"
    else:
        os.environ.pop(name, None)


def _switch_adapted_types(on):
    _set_switch(ADAPTED_TYPE_SWITCH, on)


def _switch_filepath_types(on):
    _set_switch(FILEPATH_FEATURE_SWITCH, on)


def _support_adapted_types():
    """Always true: adapted types need no switch here (0.14 read ADAPTED_TYPE_SWITCH)."""
    return True


def _support_filepath_types():
    """Always true: filepath attributes need no switch here (0.14 read FILEPATH_FEATURE_SWITCH)."""
    return True


# Earlier names of ConnectionFailedError, kept importable: `ConnectionError_` (this package's first
# name for it) and `ConnectionError` (same spelling as the builtin, so `from errors import *` code
# written against either keeps catching it).
ConnectionError_ = ConnectionFailedError
ConnectionError = ConnectionFailedError

__all__ = [name for name in dir() if name.endswith("Error") or name.endswith("Error_")] + [
    "MissingExternalFile", "BucketInaccessible", "PluginWarning", "ADAPTED_TYPE_SWITCH", "FILEPATH_FEATURE_SWITCH"]
