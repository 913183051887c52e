"""External storage objects: ``blob@store``, ``attach`` / ``attach@store`` and the ``~external_<store>`` tables.

The layout on disk and in the database is DataJoint 0.14's, so that either implementation reads
what the other wrote and both share one store directory:

* a store is configured as ``config['stores'][name] = {'protocol': 'file', 'location': DIR,
  'subfolding': (2, 2)}`` (subfolding defaults to (2, 2); ``None`` or ``()`` means flat);
* an external blob is the packed blob, saved as ``DIR/<database>/<ab>/<cd>/<hex>`` where ``hex`` is
  the MD5 of the packed bytes written as a UUID, and ``ab``/``cd`` its first characters;
* an external attachment is the file itself, saved as ``.../<hex>.<file name>`` where ``hex`` is
  the MD5 of ``file name + NUL + contents``;
* every object has one row in ``~external_<store>`` of the table's database (hash, size, and the
  file name for attachments); the referencing column is ``binary(16)`` with a foreign key to it.

The MD5 naming is what de-duplicates: storing the same bytes twice writes nothing new. Objects are
never removed when rows are deleted; ``schema.external[store].delete(delete_external_files=True)``
removes the objects no table references any more.
"""
import functools
import logging
import os
import re
import shutil
import struct
import tempfile
import uuid
import zlib
from pathlib import Path

from ..core.errors import DataJointError, MissingExternalFile, MissingTableError
from ..core.settings import config
from ..core.sql import escape_percent, execute, full_table_name
from ..schema.declare import compile_model
from ..schema.definition import parse_definition
from ..codec.blob import pack_and_protocol, shares_with_matlab, unpack, warn_if_dj0
from ..codec.hash import uuid_from_buffer, uuid_from_file
from ..codec.values import DEFAULT, Codec, in_row_codec
from ..core import catalog
from ..query import compiler

logger = logging.getLogger("datajoint_interop")


TABLE_PREFIX = "~external_"
DEFAULT_SUBFOLDING = (2, 2)
CACHE_SUBFOLDING = (2, 2)  # layout of config['cache'], fixed as in 0.14
_FILE_KEYS = {"protocol", "location", "subfolding", "stage"}

# the ~external_<store> table, as DataJoint 0.14 declares it
EXTERNAL_DEFINITION = """
# external storage tracking
hash : uuid    #  hash of contents (blob), of filename + contents (attach), or relative filepath (filepath)
---
size : bigint unsigned   # size of object in bytes
attachment_name = null : varchar(255)   # the filename of an attachment
filepath = null : varchar(1000)   # relative filepath or attachment filename
contents_hash = null : uuid   # used for the filepath datatype
timestamp = CURRENT_TIMESTAMP : timestamp   # automatic timestamp
"""


def _md5_uuid(data=b"", *, prefix=b""):
    return uuid_from_buffer(data, init_string=prefix)


def _md5_uuid_of_file(path, *, prefix=b""):
    return uuid_from_file(path, init_string=prefix)


def subfold(name, folds):
    """Folder names taken from the start of ``name``: ``subfold('abcdef', (2, 3)) == ['ab', 'cde']``."""
    parts, start = [], 0
    for width in folds or ():
        parts.append(name[start:start + width].lower())
        start += width
    return parts


def store_spec(store):
    """The validated settings of a store (a copy; subfolding filled in)."""
    stores = config.get("stores") or {}
    if store not in stores:
        raise DataJointError(f"Storage {store!r} is requested but not configured in dj.config['stores'] "
                             f"(configured: {sorted(stores)})")
    raw = stores[store]
    if not isinstance(raw, dict):
        raise DataJointError(f"dj.config['stores'][{store!r}] must be a dict, got {type(raw).__name__}")
    spec = {str(k).lower(): v for k, v in raw.items()}
    protocol = str(spec.get("protocol", "")).lower()
    if protocol == "s3":
        raise DataJointError(f"Store {store!r}: protocol 's3' is not supported by datajoint_interop; "
                             "use protocol 'file' (a mounted directory)")
    if protocol != "file":
        raise DataJointError(f"Missing or invalid protocol in dj.config['stores'][{store!r}]: "
                             f"{spec.get('protocol')!r} (expected 'file')")
    if not spec.get("location"):
        raise DataJointError(f"dj.config['stores'][{store!r}] is missing 'location'")
    unknown = sorted(set(spec) - _FILE_KEYS)
    if unknown:
        raise DataJointError(f"Invalid key(s) {unknown} in dj.config['stores'][{store!r}]; "
                             f"allowed: {sorted(_FILE_KEYS)}")
    folds = spec.get("subfolding", DEFAULT_SUBFOLDING)
    folds = tuple(folds) if folds else ()
    if not all(isinstance(f, int) and not isinstance(f, bool) and f > 0 for f in folds) or sum(folds) > 32:
        raise DataJointError(f"dj.config['stores'][{store!r}]['subfolding'] must be positive integers "
                             f"summing to at most 32, got {spec.get('subfolding')!r}")
    spec.update(protocol="file", location=os.fspath(spec["location"]), subfolding=folds)
    return spec


def _temporary(path):
    """A unique temporary file next to ``path``: concurrent writers of one object (the same hash
    from two processes) each rename a complete file into place, and readers never see a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=path.name[:64] + ".", suffix=".saving", dir=path.parent)
    os.close(fd)
    return Path(temp)


def _place(path, fill):
    temp = _temporary(path)
    try:
        fill(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _write_new(path, data):
    """Write ``data`` to ``path`` unless it exists (same name = same hash = same contents)."""
    path = Path(path)
    if not path.is_file():
        _place(path, lambda temp: temp.write_bytes(data))


def _copy_file(source, target, *, overwrite=False):
    source, target = Path(source), Path(target)
    if target.is_file() and (not overwrite or source.samefile(target)):
        return
    _place(target, lambda temp: shutil.copyfile(source, temp))


def _declare(connection, database, store):

    name = full_table_name(database, TABLE_PREFIX + store)
    declaration = compile_model(name, parse_definition(EXTERNAL_DEFINITION), lambda fk: None)
    execute(connection, escape_percent(declaration.sql))  # IF NOT EXISTS: racing declarers are harmless


_TABLES = {}


class ObjectStore:
    """The objects of one store used by one database, and their rows in ``~external_<store>``.

    This is what insert and fetch need (put, get, attachments, filepaths); the table API over the
    tracking rows (``schema.external[store]``) is ``storage.external.ExternalTable``, built on it.
    The tracking table is declared on first use.
    """

    def __init__(self, connection, store, database):
        if not isinstance(store, str) or not re.fullmatch(r"[a-z][-\w]*", store):
            raise DataJointError(f"Invalid store name {store!r}: expected a lowercase letter, then letters, "
                                 "digits, '_' or '-'")
        self.connection = connection
        self.store = store
        self.database = database
        self.table_name = TABLE_PREFIX + store
        store_spec(store)  # fail early on a bad configuration
        if not catalog.table_exists(connection, database, self.table_name):
            if connection.in_transaction:
                raise DataJointError(f"Table {self.full_table_name} must be declared before a transaction starts "
                                     "(CREATE TABLE would commit it)")
            _declare(connection, database, store)

    @classmethod
    def for_store(cls, connection, database, store):
        """The (cached) table of ``store`` in ``database``."""
        key = (cls, id(connection), database, store)
        table = _TABLES.get(key)
        if table is None or table.connection is not connection:
            table = cls(connection, store, database)
            _TABLES[key] = table
        return table

    @property
    def spec(self):
        """Read on every use, so changing dj.config['stores'] takes effect immediately."""
        return store_spec(self.store)

    @property
    def full_table_name(self):
        return full_table_name(self.database, self.table_name)

    # --- paths ------------------------------------------------------------------------------------
    def _root(self):
        spec = self.spec
        location = Path(spec["location"])
        if not location.is_dir():
            raise DataJointError(f"Store {self.store!r}: inaccessible local directory {str(location)!r}")
        return location, spec["subfolding"]

    def object_path(self, hash_, attachment_name=None):
        """Where the object with this hash lives: ``location/database/folds/hex[.name]``."""
        location, folds = self._root()
        hex_ = _as_uuid(hash_).hex
        name = hex_ if attachment_name is None else hex_ + "." + attachment_name
        return location.joinpath(self.database, *subfold(hex_, folds), name)

    def _track(self, hash_, size, attachment_name=None):
        sql, params = compiler.compile_insert_row(
            self.full_table_name, {"hash": hash_.bytes, "size": size, "attachment_name": attachment_name},
            touch_on_duplicate="timestamp")
        try:
            execute(self.connection, sql, params)
        except MissingTableError:  # dropped since it was cached (a schema dropped and re-created)
            _declare(self.connection, self.database, self.store)
            execute(self.connection, sql, params)

    # --- blobs ------------------------------------------------------------------------------------
    def put(self, blob):
        """Store packed blob bytes; return their hash (a UUID) for the referencing column."""
        blob = bytes(blob)
        hash_ = _md5_uuid(blob)
        _write_new(self.object_path(hash_), blob)
        self._track(hash_, len(blob))
        return hash_

    def get(self, hash_):
        """The packed bytes of a stored blob (through config['cache'] when set)."""
        if hash_ is None:
            return None
        hash_ = _as_uuid(hash_)
        cache = config.get("cache")
        cache_file = None
        if cache:
            cache_file = Path(cache).joinpath(*subfold(hash_.hex, CACHE_SUBFOLDING), hash_.hex)
            if cache_file.is_file():
                return cache_file.read_bytes()
        path = self.object_path(hash_)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = self._read_migrated(hash_, path)
        if cache_file is not None:
            _write_new(cache_file, data)
        return data

    def _read_migrated(self, hash_, path):
        """Blobs migrated from DataJoint 0.11 live at the relative path kept in `filepath`."""
        row = execute(self.connection,
                      *compiler.compile_lookup(self.full_table_name, ["filepath"], {"hash": hash_.bytes})).fetchone()
        if row is None:
            raise MissingExternalFile(f"Blob {hash_} is not tracked in {self.full_table_name}")
        if row[0]:
            alternative = Path(self.spec["location"], row[0])
            if alternative.is_file():
                return alternative.read_bytes()
        raise MissingExternalFile(f"Missing external file {str(path)!r} (store {self.store!r}, "
                                  f"table {self.full_table_name})")

    # --- attachments ------------------------------------------------------------------------------
    def upload_attachment(self, local_path):
        """Copy a file into the store; return the hash of its name and contents."""
        local_path = Path(local_path)
        name = _attachment_name(local_path)
        try:
            hash_ = _md5_uuid_of_file(local_path, prefix=name.encode() + b"\0")
            size = local_path.stat().st_size
            target = self.object_path(hash_, name)
            if not (target.is_file() and target.stat().st_size == size):
                _copy_file(local_path, target, overwrite=True)
        except OSError as error:
            raise DataJointError(f"Cannot store attachment {str(local_path)!r} in store {self.store!r}: "
                                 f"{error}") from None
        self._track(hash_, size, name)
        return hash_

    def get_attachment_name(self, hash_):
        hash_ = _as_uuid(hash_)
        row = execute(self.connection,
                      *compiler.compile_lookup(self.full_table_name, ["attachment_name"], {"hash": hash_.bytes})).fetchone()
        if row is None or not row[0]:
            raise MissingExternalFile(f"Attachment {hash_} is not tracked in {self.full_table_name}")
        return row[0]

    def download_attachment(self, hash_, attachment_name, download_path):
        source = self.object_path(hash_, attachment_name)
        if not source.is_file():
            raise MissingExternalFile(f"Missing external file {str(source)!r} (store {self.store!r})")
        _copy_file(source, download_path)

    # --- filepaths --------------------------------------------------------------------------------
    def _stage(self):
        stage = self.spec.get("stage")
        if not stage:
            raise DataJointError(f"dj.config['stores'][{self.store!r}] needs a 'stage' directory for filepath "
                                 "attributes")
        return Path(os.fspath(stage)).absolute()

    def upload_filepath(self, local_filepath):
        """Track a file inside the store's stage: it is copied to ``location/<relative path>`` and
        identified by the MD5 of that relative path; its contents hash guards against replacing it."""
        local = Path(os.fspath(local_filepath)).absolute()
        stage = self._stage()
        try:
            relative = local.relative_to(stage).as_posix()
        except ValueError:
            raise DataJointError(f"The path {str(local)!r} is not in the stage {str(stage)!r} of store "
                                 f"{self.store!r}") from None
        if not local.is_file():
            raise DataJointError(f"Filepath {str(local)!r} is not a readable file")
        if len(relative) > 1000:
            raise DataJointError(f"Relative filepath {relative!r} is longer than 1000 characters")
        hash_ = _md5_uuid(relative.encode())
        size = local.stat().st_size
        limit = config.get("filepath_checksum_size_limit_insert")
        contents = None if limit is not None and size > limit else _md5_uuid_of_file(local)
        row = execute(self.connection,
                      *compiler.compile_lookup(self.full_table_name, ["contents_hash"], {"hash": hash_.bytes})).fetchone()
        if row is not None:
            if contents is not None and row[0] is not None and uuid.UUID(bytes=bytes(row[0])) != contents:
                raise DataJointError(f"A different version of {relative!r} has already been placed in store "
                                     f"{self.store!r}")
            return hash_
        location, _ = self._root()
        _copy_file(local, location / relative, overwrite=True)
        execute(self.connection, *compiler.compile_insert_row(self.full_table_name, {
            "hash": hash_.bytes, "size": size, "filepath": relative, "contents_hash": contents.bytes if contents else None}))
        return hash_

    def download_filepath(self, hash_):
        """The file of a filepath value, at ``stage/<relative path>`` (copied from the store when
        absent or different); returns (local path, contents hash)."""
        hash_ = _as_uuid(hash_)
        row = execute(self.connection, *compiler.compile_lookup(
            self.full_table_name, ["filepath", "contents_hash", "size"], {"hash": hash_.bytes})).fetchone()
        if row is None or not row[0]:
            raise MissingExternalFile(f"Filepath {hash_} is not tracked in {self.full_table_name}")
        relative, contents, size = row[0], row[1] and uuid.UUID(bytes=bytes(row[1])), row[2]
        local = self._stage() / relative
        limit = config.get("filepath_checksum_size_limit")
        check = contents is not None and (limit is None or size < limit)

        def intact():
            return local.is_file() and local.stat().st_size == size and (
                not check or _md5_uuid_of_file(local) == contents)

        if not intact():
            location, _ = self._root()
            source = location / relative
            if not source.is_file():
                raise MissingExternalFile(f"Missing external file {str(source)!r} (store {self.store!r})")
            _copy_file(source, local, overwrite=True)
            if not intact():
                raise DataJointError(f"{str(local)!r} was downloaded but does not match its recorded size "
                                     "or checksum")
        if not check:  # 0.14's warning, so a skipped verification is visible
            logger.warning(f"Skipped checksum for file with hash: {contents}, and path: {local}")
        return str(local), contents


# --- helpers used by insert and fetch ---------------------------------------------------------------

def _as_uuid(value):
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)) and len(value) == 16:
        return uuid.UUID(bytes=bytes(value))
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise DataJointError(f"Invalid external object hash {value!r}") from None


def _attachment_name(path):
    name = Path(path).name
    if not name or name in (".", ".."):
        raise DataJointError(f"Attachment path {str(path)!r} does not name a file")
    if len(name) > 255:
        raise DataJointError(f"Attachment file name {name!r} is longer than 255 characters")
    return name


def _table_for(connection, attr):
    database = getattr(attr, "database", None)
    if database is None:
        raise DataJointError(f"Cannot tell which schema's ~external_{attr.store} holds attribute "
                             f"`{attr.name}` ({attr.type})")
    return ObjectStore.for_store(connection, database, attr.store)


FILEPATH_SWITCH = "DJ_SUPPORT_FILEPATH_MANAGEMENT"


def _check_filepath_enabled(label):
    """Like 0.14, filepath values are an opt-in feature (environment variable)."""
    if os.getenv(FILEPATH_SWITCH, "FALSE").upper() != "TRUE":
        raise DataJointError(f"Attribute {label}: the filepath data type is disabled; set the environment "
                             f"variable {FILEPATH_SWITCH}=TRUE to use it (experimental, as in DataJoint 0.14)")


def insert_encoder(connection, database, attr, label, default):
    """Function: user value -> value bound for an external or attachment column (`default` for None)."""
    if attr.is_filepath:
        def filepath(value):
            if value is None:
                return default
            _check_filepath_enabled(label)
            return ObjectStore.for_store(connection, database, attr.store).upload_filepath(value).bytes
        return filepath
    if attr.is_attachment:
        def attachment(value):
            if value is None:
                return default
            path = Path(os.fspath(value))
            if not path.is_file():
                raise DataJointError(f"Attachment for {label} is not a readable file: {str(path)!r}")
            if attr.is_external:
                return ObjectStore.for_store(connection, database, attr.store).upload_attachment(path).bytes
            try:
                return _attachment_name(path).encode() + b"\0" + path.read_bytes()
            except OSError as error:
                raise DataJointError(f"Cannot read attachment file {str(path)!r} for {label}: {error}") from None
        return attachment

    compress = config.get("blob.compress", True)
    shared = shares_with_matlab(database)  # read once per statement, as for in-row blobs

    def blob(value):
        if value is None:
            return default
        try:
            packed, is_dj0 = pack_and_protocol(value, compress=False)
            if shared:
                warn_if_dj0(is_dj0, database, label, value)
            if compress:
                packed = _compress_as_014(packed)
        except DataJointError as error:
            raise type(error)(f"Cannot store {type(value).__name__} value in blob attribute {label}: "
                              f"{error}") from error
        except (TypeError, ValueError) as error:
            raise DataJointError(f"Cannot store {type(value).__name__} value in blob attribute {label}: "
                                 f"{error}") from error
        return ObjectStore.for_store(connection, database, attr.store).put(packed).bytes
    return blob


def _compress_as_014(plain):
    """Objects are named by the hash of their bytes, so an external blob is compressed exactly as
    DataJoint 0.14 does it (blob-format spec §3.1: zlib at its default level, kept when longer than
    1000 bytes and any smaller), not by the codec's faster level; then both write the same object.
    MATLAB's rule differs for compression ratios between 1.0 and 1.1 (spec §12.3)."""
    if len(plain) <= 1000:
        return plain
    packed = b"ZL123\0" + struct.pack("<Q", len(plain)) + zlib.compress(plain)
    return packed if len(packed) < len(plain) else plain


def _local_attachment(name, checksum, download_path, write):
    """Save an attachment as ``download_path/name`` unless an identical file is already there;
    a different file of that name is kept, and the attachment gets ``stem_0000.ext``, ... (as 0.14)."""
    directory = Path(download_path)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    prefix = name.encode() + b"\0"
    candidate, n = target, 0
    while candidate.is_file():
        if _md5_uuid_of_file(candidate, prefix=prefix) == checksum:
            return str(candidate)
        candidate = target.with_name(f"{target.stem}_{n:04x}{target.suffix}")
        n += 1
    write(candidate)
    return str(candidate)


def fetch_decoder(connection, attr, squeeze, download_path):
    """Function: raw column value -> Python value for an external or attachment column."""
    if attr.is_filepath:
        def filepath(value):
            if value is None:
                return None
            _check_filepath_enabled(f"`{attr.name}`")
            return _table_for(connection, attr).download_filepath(_as_uuid(value))[0]
        return filepath
    if attr.is_attachment and attr.is_external:
        def external_attachment(value):
            if value is None:
                return None
            table = _table_for(connection, attr)
            hash_ = _as_uuid(value)
            stored_name = table.get_attachment_name(hash_)
            name = _attachment_name(stored_name)
            if name != stored_name:
                raise DataJointError(f"Attachment {hash_} in `{attr.name}` has an invalid stored name "
                                     f"{stored_name!r}")
            return _local_attachment(name, hash_, download_path,
                                     lambda path: table.download_attachment(hash_, stored_name, path))
        return external_attachment
    if attr.is_attachment:
        def attachment(value):
            if value is None:
                return None
            value = bytes(value)
            raw_name, sep, data = value.partition(b"\0")
            if not sep:
                raise DataJointError(f"Attachment in `{attr.name}` is malformed (no file name)")
            name = _attachment_name(raw_name.decode(errors="replace"))
            return _local_attachment(name, _md5_uuid(data, prefix=name.encode() + b"\0"), download_path,
                                     lambda path: _write_new(path, data))
        return attachment

    def external_blob(value):
        if value is None:
            return None
        return unpack(_table_for(connection, attr).get(_as_uuid(value)), squeeze=squeeze)
    return external_blob


class StoredCodec(Codec):
    """The codec of a kind whose value lives in a store or is a file (``blob@store``, ``attach``,
    ``attach@store``, ``filepath@store``): encoding stores the object, decoding fetches it."""

    def __init__(self, connection, database, attr, label=None, squeeze=False, download_path="."):
        super().__init__(attr, label)
        self.connection, self.database = connection, database
        self.squeeze, self.download_path = squeeze, download_path

    @functools.cached_property
    def _encoder(self):
        return insert_encoder(self.connection, self.database, self.attr, self.label, DEFAULT)

    def encode(self, value):
        return self._encoder(value)

    @functools.cached_property
    def decode(self):
        return fetch_decoder(self.connection, self.attr, self.squeeze, self.download_path)


def attribute_codec(connection, database, attr, label=None, squeeze=False, download_path="."):
    """The codec of any attribute: stored kinds here, in-row kinds from codec/values.py."""
    if attr.is_external or attr.is_attachment or attr.is_filepath:
        codec = StoredCodec(connection, database, attr, label, squeeze, download_path)
    else:
        codec = in_row_codec(attr, label, squeeze)
    adapter = getattr(attr, "adapter", None)
    return AdaptedCodec(codec, adapter) if adapter is not None else codec


class AdaptedCodec:
    """An adapted attribute (``<name>``): the adapter's put/get around the stored type's codec."""

    def __init__(self, codec, adapter):
        self.codec, self.adapter = codec, adapter
        self.attr, self.label = codec.attr, codec.label

    def encode(self, v):
        return self.codec.encode(self.adapter.put(v))

    def decode(self, raw):
        if raw is None:
            return None
        value = self.codec.decode(raw) if self.codec.decode is not None else raw
        return self.adapter.get(value)
