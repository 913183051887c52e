"""Moving whole pipelines between servers: `export` to a `.djx` archive and `import_archive`.

Both work in constant memory: rows stream from an unbuffered cursor into the file batch by batch,
and back from the file into batched INSERTs. Blobs travel as their stored bytes and every other
value as the server's own text, so nothing is reinterpreted on the way (see archive_format for the
layout and the checksums). Tables are exported from one consistent snapshot, in dependency order.
Import reads the archive twice: the first pass checks all of it and creates nothing, the second
creates the tables and fills each in one transaction, committed only after the table's checksum
was verified; if the server refuses something, what this import created is dropped again.
An interrupted import is resumed by running it again: complete tables are recognized by their
row count and checksum and skipped, the interrupted one was rolled back and is imported anew.

Hidden tables: ``~log`` is never exported (it records the source server's history); ``~jobs`` only
with ``include_jobs=True`` (reservations are meaningless elsewhere, but error records may be worth
keeping). External-storage tracking tables (``~external_*``) are exported like any other table,
the externally stored files themselves are not.
"""
import datetime
import logging
import os
import stat
import sys
import tempfile

from . import archive_catalog as catalog
from .archive_format import FORMAT, VERSION, ArchiveReader, ArchiveWriter, RowChecksum, row_value_size
from .archive_model import check_target_schema, model_from_server
from ..core.errors import ArchiveError, DataJointError, LostConnectionError
from ..core.sql import escape_percent, execute, quote_identifier, split_full_table_name
from ..core.version import __version__
from ..core.connection import conn
from ..core import catalog as catalog_
from ..query import compiler
from ..schema import ddl

logger = logging.getLogger(__name__.split(".")[0])

BATCH_ROWS = 1000
BATCH_BYTES = 8 << 20


def _conn(connection):
    if connection is None:
        connection = conn()
    return connection


def _open(path, mode):
    try:
        return open(path, mode)
    except OSError as error:
        verb = "read" if "r" in mode else "write"
        raise ArchiveError(f"Cannot {verb} archive {path}: {error.strerror or error}") from None


def _bar(total, desc, progress, unit="row"):
    """A tqdm bar on stderr; by default only when stderr is a terminal."""
    from tqdm import tqdm
    if progress is None:
        progress = sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit=unit, unit_scale=unit == "B", disable=not progress, leave=False)


def _schema_names(schemas):
    if isinstance(schemas, str) or hasattr(schemas, "database"):
        schemas = [schemas]
    names = []
    for schema in schemas:
        name = getattr(schema, "database", schema)
        if not isinstance(name, str) or not name:
            raise DataJointError(f"Invalid schema {schema!r}: give schema names or Schema objects")
        if name not in names:
            names.append(name)
    if not names:
        raise DataJointError("Nothing to export: give at least one schema")
    return names


class _SessionTimeZone:
    """Timestamps are exchanged as UTC text, whatever the session's own time zone."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        self.saved = catalog_.session_time_zone(self.connection)
        catalog_.use_utc(self.connection)

    def __exit__(self, kind, error, trace):
        try:
            catalog_.set_time_zone(self.connection, self.saved)
        except DataJointError:
            if kind is None:
                raise  # otherwise keep the original error visible


def _user_restrictions(restrictions, tables, schemas):
    """{(db, table): [SQL conditions]} from "Table: condition" strings or {Table: condition(s)}.

    A key may also be a table class (anything with ``full_table_name``); several conditions for
    one table are combined with AND, as successive restrictions are in DataJoint.
    """
    if restrictions is None:
        return {}
    if isinstance(restrictions, str):
        restrictions = [restrictions]
    if isinstance(restrictions, dict):
        items = []
        for spec, conditions in restrictions.items():
            for condition in [conditions] if isinstance(conditions, str) else list(conditions):
                items.append((spec, condition))
    else:
        items = [catalog.parse_restriction(text) for text in restrictions]
    result = {}
    for spec, condition in items:
        if not isinstance(condition, str) or not condition.strip():
            raise DataJointError(f"The restriction of {spec!r} must be a non-empty SQL condition")
        if ";" in condition:
            raise DataJointError(f"Invalid restriction of {spec!r}: a condition is one SQL expression (no ';')")
        full = getattr(spec, "full_table_name", None)
        if isinstance(full, str):
            table = split_full_table_name(full)
            if table not in tables:
                raise DataJointError(f"Restriction target {full} is not in the exported schemas")
        else:
            table = catalog.resolve_table(str(spec), tables, schemas)
        result.setdefault(table, []).append(condition)
    return result


# ------------------------------------------------------------------------------ export
def export(schemas, path, restrictions=None, *, connection=None, include_jobs=False,
           batch_rows=BATCH_ROWS, batch_bytes=BATCH_BYTES, progress=None):
    """Write schemas (names or Schema objects) to a `.djx` archive at `path`.

    `restrictions`: ``{"Table": "SQL condition"}`` or a list of ``"Table: condition"`` strings
    (``Table`` may be a class name, ``Master.Part``, ``schema.Table`` or the SQL table name). The
    archive then holds the restricted rows, the rows downstream of them, and every row they
    reference upstream, so it is self-consistent. Returns a summary dict.
    """
    connection = _conn(connection)
    names = _schema_names(schemas)
    if batch_rows < 1 or batch_bytes < 1:
        raise DataJointError("batch_rows and batch_bytes must be positive")
    own_transaction = not connection.in_transaction
    if own_transaction:
        connection.start_transaction()  # one consistent snapshot for every table
    temporary = f"{path}.part"
    try:
        with _SessionTimeZone(connection):
            infos = [catalog.schema_info(connection, name) for name in names]
            tables = [t for name in names for t in catalog.list_tables(connection, name, include_jobs)]
            fks = catalog.foreign_keys(connection, names)
            members = set(tables)
            outside = sorted({f"{fk.parent[0]}.{fk.parent[1]}" for fk in fks
                              if fk.child in members and fk.parent not in members})
            if outside:
                raise ArchiveError(
                    f"The exported tables reference tables outside the archive: {', '.join(outside)}. "
                    "Export their schemas too (or include_jobs=True for ~jobs) so the archive is self-consistent.")
            order = catalog.dependency_order(tables, fks)
            models = {table: model_from_server(connection, *table) for table in order}  # refuse before writing
            user = _user_restrictions(restrictions, tables, names)
            conditions = catalog.restricted_conditions(order, fks, user) if user else {t: None for t in order}
            counts = {}
            for table in order:
                counts[table] = execute(connection, compiler.compile_table_count(
                    catalog.full_name(*table), conditions[table])).fetchone()[0]
            header = dict(
                kind="header", format=FORMAT, version=VERSION,
                created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                server_version=catalog_.server_version(connection),
                tool=f"datajoint-interop {__version__}", schemas=infos,
                tables=[f"{d}.{t}" for d, t in order],
                row_counts=[counts[t] for t in order],
                restrictions={f"{d}.{t}": c for (d, t), c in user.items()} or None,
                include_jobs=bool(include_jobs))
            total_rows = 0
            with _open(temporary, "wb") as stream, _bar(sum(counts.values()), "export", progress) as bar:
                writer = ArchiveWriter(stream)
                writer.write(header)
                for table in order:
                    total_rows += _export_table(connection, writer, models[table], conditions[table],
                                                batch_rows, batch_bytes, bar)
                writer.write(dict(kind="end", tables=len(order), rows=total_rows))
            os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    finally:
        if own_transaction:
            connection.cancel_transaction()
    logger.info("exported %d tables, %d rows to %s", len(order), total_rows, path)
    return dict(path=str(path), schemas=names, tables=len(order), rows=total_rows)


def _export_table(connection, writer, model, condition, batch_rows, batch_bytes, bar):
    schema, name = model.schema, model.table
    writer.write(dict(kind="table", schema=schema, table=name, model=model.to_record()))
    cursor = execute(connection, compiler.compile_table_rows(
        catalog.full_name(schema, name), [(c.name, c.binary) for c in model.columns], condition), unbuffered=True)
    checksum = RowChecksum()
    batch, size = [], 0
    try:
        for row in cursor:
            row = list(row)
            checksum.add(row)
            batch.append(row)
            size += sum(len(v) for v in row if v is not None)
            if len(batch) >= batch_rows or size >= batch_bytes:
                writer.write(dict(kind="rows", rows=batch), sealed=False)
                bar.update(len(batch))
                batch, size = [], 0
    finally:
        cursor.close()
    if batch:
        writer.write(dict(kind="rows", rows=batch), sealed=False)
        bar.update(len(batch))
    writer.write(dict(kind="table_end", schema=schema, table=name, rows=checksum.count,
                      checksum=checksum.hexdigest()))
    return checksum.count


# ------------------------------------------------------------------------------ import
def _parse_rename(rename):
    """{"old": "new"} from a dict or "old=new" strings; every new name is checked up front."""
    if rename is None:
        return {}
    if isinstance(rename, str):
        rename = [rename]
    if not isinstance(rename, dict):
        pairs = {}
        for text in rename:
            old, eq, new = str(text).partition("=")
            if not eq:
                raise DataJointError(f"Invalid rename {text!r}: write old=new")
            pairs[old.strip()] = new.strip()
        rename = pairs
    for old, new in rename.items():
        check_target_schema(new, f"new schema name for {old!r}")
    return dict(rename)


def archive_info(path):
    """The header of an archive (format, version, schemas, tables, row counts) without reading rows."""
    with _ArchiveFile(path) as source:
        for kind, record in ArchiveReader(source.first_pass(), name=source.name):
            return record


def verify_archive(path, progress=None):
    """Read a whole archive and check every table model, seal and checksum, without a server;
    returns the trailer. Raises ArchiveError naming the record that is wrong."""
    return check_archive(path, progress)[1]


def check_archive(path, progress=None):
    """(header, trailer) of an archive after checking all of it, as `dji import --check` does."""
    with _ArchiveFile(path) as source:
        return _validate(source, progress)


class _ArchiveFile:
    """An archive (a path, or a binary file object such as standard input) opened for reading in
    two passes: validation, then import. A pipe cannot be read twice, so while the first pass
    reads one, its bytes are spooled to an anonymous temporary file that the second pass reads:
    memory stays bounded, the disk holds one copy of the archive until the import ends."""

    def __init__(self, path):
        self.owned = not hasattr(path, "read")
        self.file = _open(path, "rb") if self.owned else path
        self.name = str(path) if self.owned else str(getattr(path, "name", "the archive stream"))
        self.spool, self.start = None, 0
        try:
            self.start = self.file.tell() if self.file.seekable() else None
        except (AttributeError, OSError, ValueError):
            self.start = None
        if self.start is None:
            self.spool = tempfile.TemporaryFile(prefix="dji-import-")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.spool is not None:
            self.spool.close()
        if self.owned:
            self.file.close()

    def size(self):
        """Bytes to read, for the progress bar; None for a pipe."""
        try:
            info = os.fstat(self.file.fileno())
        except (AttributeError, OSError, ValueError):
            return None
        return info.st_size if stat.S_ISREG(info.st_mode) else None

    def first_pass(self):
        return self.file if self.spool is None else _Tee(self.file, self.spool)

    def second_pass(self):
        if self.spool is not None:
            self.spool.seek(0)
            return self.spool
        self.file.seek(self.start)  # a file object may hold the archive after other data
        return self.file


class _Tee:
    """Reads from a pipe and copies every byte read into the spool file."""

    def __init__(self, stream, spool):
        self.stream, self.spool = stream, spool

    def read(self, size=-1):
        data = self.stream.read(size)
        try:
            self.spool.write(data)
        except OSError as error:
            raise ArchiveError(f"Cannot spool the archive to a temporary file for its second pass: "
                               f"{error.strerror or error} (set TMPDIR to a directory with room for it)") from None
        return data


def _validate(source, progress, on_record=None, **limits):
    """First pass: read the whole archive through the checking reader (structure, seals, table
    models, row framing and checksums) with a byte progress bar; `on_record(kind, item)` sees
    every header, table model and table end. Returns (header, trailer)."""
    reader = ArchiveReader(source.first_pass(), name=source.name, **limits)
    header = None
    with _bar(source.size(), "checking", progress, unit="B") as bar:
        for kind, item in reader:
            bar.update(reader.source.offset - bar.n)
            if kind == "header":
                header = item
            if on_record is not None and kind != "rows":
                on_record(kind, item)
            if kind == "end":
                return header, item
    raise ArchiveError(f"{source.name} is truncated (no trailer)")  # the reader says so first


def _targets(header, rename):
    """Archived schema -> schema to create; refuses system schemas, bad names and merges."""
    archived = [info["name"] for info in header["schemas"]]
    unknown = set(rename) - set(archived)
    if unknown:
        raise DataJointError(f"--rename names schemas not in the archive: {', '.join(sorted(unknown))}; "
                             f"it holds {', '.join(archived)}")
    targets = {name: check_target_schema(rename.get(name, name)) for name in archived}
    if len({t.lower() for t in targets.values()}) != len(targets):
        raise DataJointError(f"--rename would merge several archived schemas into one: {sorted(targets.values())}")
    return targets


def import_archive(path, rename=None, *, connection=None, batch_bytes=BATCH_BYTES, progress=None,
                   on_batch=None):
    """Create the archive's schemas and tables (renamed by ``{"old": "new"}`` or ``["old=new"]``)
    and insert its rows, one verified transaction per table. Running it again after an
    interruption resumes: tables that already hold exactly the archived rows are skipped.

    The archive is untrusted: it is read twice. The first pass checks all of it (every model,
    record, row and checksum, plus the character sets and existing tables it names on this
    server) and creates nothing; only then does the second pass create and fill the tables. If
    the server refuses something in the second pass, the schemas and tables this import created
    are dropped again (never ones that existed before) and the error says what was dropped.
    An interruption (Ctrl-C, a killed process) keeps the committed tables, for resumption.
    `path` may also be a binary file object (e.g. ``sys.stdin.buffer``); a pipe is spooled to a
    temporary file for the second pass. `on_batch(table, rows_inserted)` is called after each
    inserted batch (before the commit). Returns a summary dict with the imported and skipped tables.
    """
    connection = _conn(connection)
    rename = _parse_rename(rename)
    if connection.in_transaction:
        raise DataJointError("import_archive commits one transaction per table: call it outside a transaction")
    max_packet = catalog_.max_allowed_packet(connection)
    batch_bytes = max(1, min(batch_bytes, max_packet // 4))
    limits = dict(max_row=max_packet, chunk_bytes=min(batch_bytes, 4 << 20))
    with _ArchiveFile(path) as source, _SessionTimeZone(connection):
        plan = _Plan(connection, rename)
        _validate(source, progress, plan.check, **limits)
        created = _Created(connection)
        try:
            return _load(connection, source, plan, created, batch_bytes, on_batch, progress, limits)
        except Exception as error:
            note = created.undo()
            if isinstance(error, DataJointError):
                raise ArchiveError(f"{error} {note}") from error
            if isinstance(error, OSError):
                raise ArchiveError(f"Cannot read {source.name}: {error.strerror or error}. {note}") from error
            logger.error("import of %s failed: %s", source.name, note)
            raise


class _Plan:
    """What the first pass learned: the target of each archived schema, and the header, models
    and table ends the second pass must find again (so an archive rewritten between the passes
    cannot slip in anything unchecked). Checks against this server are read-only."""

    def __init__(self, connection, rename):
        self.connection, self.rename = connection, rename
        self.collations = _Collations(connection)
        self.records = []

    def check(self, kind, item):
        self.records.append((kind, item))
        if kind == "header":
            self.targets = _targets(item, self.rename)
            for info in item["schemas"]:
                self.collations.check(info.get("charset"), info.get("collation"),
                                      f"Schema {info['name']!r} of the archive")
        elif kind == "table":
            _check_table(self.connection, item, self.targets[item.schema], self.collations)

    def same(self, index, kind, item, name):
        """The second pass's record `index` must be the one the first pass checked."""
        expected = self.records[index] if index < len(self.records) else (None, None)
        if expected != (kind, item):
            what = item.label if kind == "table" else f"{kind} record" + (
                f" of {item.get('schema')}.{item.get('table')}" if kind == "table_end" else "")
            raise ArchiveError(f"{name} changed while it was imported (its {what} differs from the one checked "
                               "before the import): another process is writing it. Import a copy that nobody "
                               "writes.")


def _check_table(connection, model, schema, collations):
    """Before creating anything: the model's character sets exist here, and a table that exists
    already has the archived columns. Returns whether it exists."""
    exists = catalog_.table_exists(connection, schema, model.table)
    if exists:
        present = [c["name"] for c in catalog.columns(connection, schema, model.table)]
        if present != model.column_names:
            raise ArchiveError(f"Table {catalog.full_name(schema, model.table)} already exists with different "
                               f"columns ({', '.join(present)}) than the archive ({', '.join(model.column_names)})")
    else:
        collations.check(model.charset, model.collation, f"Table {model.label}")
        for column in model.columns:
            collations.check(column.charset, column.collation, f"Column {column.name!r} of {model.label}")
    return bool(exists)


def _load(connection, source, plan, created, batch_bytes, on_batch, progress, limits):
    """Second pass: create the schemas and tables and insert the rows, table by table."""
    summary = dict(path=source.name, imported=[], skipped=[], rows=0)
    reader = ArchiveReader(source.second_pass(), name=source.name, **limits)
    bar, state, index = None, None, 0
    try:
        for kind, item in reader:
            if kind != "rows":
                plan.same(index, kind, item, source.name)
                index += 1
            if kind == "header":
                bar = _bar(sum(item["row_counts"]), "import", progress)
                for info in item["schemas"]:
                    created.schema(plan.targets[info["name"]], info)
            elif kind == "table":
                state = _TableImport(connection, item, plan, created, batch_bytes, on_batch, bar)
            elif kind == "rows":
                state.add(item)
            elif kind == "table_end":
                done = state.finish(item)
                summary["imported" if done else "skipped"].append(state.target)
                summary["rows"] += item["rows"] if done else 0
                state = None
    finally:
        if state is not None:
            state.abort()
        if bar is not None:
            bar.close()
    return summary


class _Created:
    """The schemas and tables this import created itself, so that a failure can take them back
    without touching anything that existed before."""

    LISTED = 10

    def __init__(self, connection):
        self.connection = connection
        self.schemas, self.tables, self.filled = [], [], []

    def schema(self, name, info):
        exists = catalog_.schema_exists(self.connection, name)
        if exists:
            return
        charset, collation = info.get("charset"), info.get("collation")
        # fails if the schema appeared meanwhile
        execute(self.connection, escape_percent(ddl.create_database_like(name, charset, collation)))
        self.schemas.append(name)

    def table(self, schema, name):
        self.tables.append((schema, name))

    def filled_existing(self, schema, name):
        self.filled.append((schema, name))

    def _names(self, items):
        shown = ", ".join(items[:self.LISTED])
        return shown + (f" and {len(items) - self.LISTED} more" if len(items) > self.LISTED else "")

    def _run(self, statement):
        """Undo statements are idempotent, so one that met a lost connection (the usual reason
        for the failure being undone) is sent once more on the reconnected connection."""
        try:
            execute(self.connection, escape_percent(statement))
        except LostConnectionError:
            execute(self.connection, escape_percent(statement))

    def undo(self):
        """Drop what was created (children first; a schema only if nothing else is in it) and
        return a sentence saying what was done, for the error message."""
        dropped, kept, failed = [], [], None
        try:
            if self.connection.in_transaction:
                self.connection.cancel_transaction()  # a DROP would commit it
            while self.tables:
                name = catalog.full_name(*self.tables[-1])
                self._run(ddl.drop_table_if_exists(name))
                dropped.append(name)
                self.tables.pop()
            while self.schemas:
                schema = self.schemas[-1]
                left = len(catalog_.list_tables(self.connection, schema))
                if left:  # someone else put tables there meanwhile: not ours to drop
                    kept.append(quote_identifier(schema))
                else:
                    self._run(ddl.drop_database_if_exists(schema))
                    dropped.append(quote_identifier(schema))
                self.schemas.pop()
        except DataJointError as error:
            failed = error
        if failed is not None:
            left = [catalog.full_name(*t) for t in self.tables] + [quote_identifier(s) for s in self.schemas]
            note = f"Undoing the import failed ({failed}): drop by hand what it created: {self._names(left)}."
        elif dropped:
            note = f"Nothing of this import was kept: dropped what it had created ({self._names(dropped)})."
        else:
            note = "It had created nothing."
        if kept:
            note += f" Kept the schema(s) it created but others wrote into meanwhile: {self._names(kept)}."
        if self.filled:
            names = self._names([catalog.full_name(*t) for t in self.filled])
            note += (f" Rows committed into tables that existed before were kept ({names}): run the import "
                     "again to resume, or empty them.")
        return note


class _Collations:
    """Character sets and collations named by an archive must exist on this server (checked with
    bound parameters before they appear in a statement)."""

    def __init__(self, connection):
        self.connection, self.known = connection, {}

    def check(self, charset, collation, what):
        if collation is None and charset is None:
            return
        key = (charset, collation)
        if key not in self.known:
            self.known[key] = catalog_.collation_count(self.connection, charset, collation)
        if not self.known[key]:
            raise ArchiveError(f"{what} uses character set {charset!r} with collation {collation!r}, which this "
                               "server does not have")


class _TableImport:
    """Import of one table section: create from the validated model, insert in batches, verify,
    commit (or verify a table that an earlier, interrupted run completed)."""

    def __init__(self, connection, model, plan, created, batch_bytes, on_batch, bar):
        self.connection, self.model, self.bar = connection, model, bar
        self.batch_bytes, self.on_batch = batch_bytes, on_batch
        self.targets, self.created = plan.targets, created
        self.schema = self.targets[model.schema]
        self.name = model.table
        self.target = catalog.full_name(self.schema, self.name)
        self.columns = model.column_names
        self.inserted = 0
        self.relaxed = False
        # checked in the first pass already; again here, as the server may have changed since
        exists = _check_table(connection, model, self.schema, plan.collations)
        if not exists:
            try:
                execute(connection, *ddl.archive_create_table(model, self.schema, self.targets))
            except DataJointError as error:
                raise ArchiveError(f"Cannot create table {model.label} of the archive as {self.target}: "
                                   f"the server refused its model ({error}).") from error
            created.table(self.schema, self.name)
        self.resuming = exists and execute(connection, compiler.compile_table_nonempty(self.target)).fetchone()[0]
        if not self.resuming:
            connection.start_transaction()
            if model.self_referencing:
                # rows of a self-referencing table may arrive child-first: the importer (never the
                # archive) turns checks off for this table and verifies every reference before commit
                catalog_.set_foreign_key_checks(connection, False)
                self.relaxed = True
        # names may contain '%'; the values are bound, so the statement text is %-formatted
        self.insert_head = compiler.compile_insert_head(self.target, self.columns)
        self.placeholder = "(" + ", ".join(["%s"] * len(self.columns)) + ")"

    def add(self, chunk):
        if self.resuming:
            self.bar.update(len(chunk.rows))
            return
        first, size = 0, 0
        for i, row in enumerate(chunk.rows):
            size += row_value_size(row)
            if size >= self.batch_bytes:
                self._insert(chunk, first, i + 1)
                first, size = i + 1, 0
        if first < len(chunk.rows):
            self._insert(chunk, first, len(chunk.rows))

    def _insert(self, chunk, start, stop):
        rows = chunk.rows[start:stop]
        args = [value for row in rows for value in row]
        try:
            execute(self.connection, self.insert_head + ", ".join([self.placeholder] * len(rows)), args)
        except DataJointError as error:
            self.abort()
            raise ArchiveError(f"Cannot insert {chunk.describe(start, len(rows))} into {self.target}: {error}. "
                               "This table was rolled back.") from error
        self.inserted += len(rows)
        self.bar.update(len(rows))
        if self.on_batch is not None:
            self.on_batch(self.target, self.inserted)

    def _restore_checks(self):
        if self.relaxed:
            self.relaxed = False
            catalog_.set_foreign_key_checks(self.connection, True)

    def _check_references(self):
        """With checks off, prove that every foreign key of the table is satisfied."""
        for fk in self.model.foreign_keys:
            parent = catalog.full_name(self.targets[fk.schema], fk.table)
            missing = execute(self.connection, compiler.compile_dangling_count(
                self.target, fk.columns, parent, fk.referenced)).fetchone()[0]
            if missing:
                self.abort()
                raise ArchiveError(
                    f"{missing} archived row(s) of {self.target} reference rows that do not exist (foreign key "
                    f"{fk.name!r} on {', '.join(fk.columns)}): the archive is inconsistent; this table was "
                    "rolled back")

    def finish(self, end):
        """Commit after verification; returns False when the table was already complete."""
        if self.resuming:
            checksum = table_checksum(self.connection, self.schema, self.name)
            if (checksum.count, checksum.hexdigest()) != (end["rows"], end["checksum"]):
                raise ArchiveError(
                    f"Table {self.target} already exists with {checksum.count} rows that differ from the archive's "
                    f"{end['rows']}: refusing to mix them. Drop it, or import under another name (--rename).")
            logger.info("%s already complete; skipped", self.target)
            return False
        if self.relaxed:
            self._check_references()
        checksum = table_checksum(self.connection, self.schema, self.name)
        if (checksum.count, checksum.hexdigest()) != (end["rows"], end["checksum"]):
            self.abort()
            raise ArchiveError(
                f"Imported rows of {self.target} do not match the archive's checksum ({checksum.count} rows "
                f"read back, {end['rows']} archived): rolled back. Was the table written concurrently, or does "
                "the archive encode its rows differently from the server's text?")
        self._restore_checks()
        self.connection.commit_transaction()
        if (self.schema, self.name) not in self.created.tables:
            self.created.filled_existing(self.schema, self.name)
        logger.info("imported %s (%d rows)", self.target, self.inserted)
        return True

    def abort(self):
        if not self.resuming and self.connection.in_transaction:
            self.connection.cancel_transaction()
        try:
            self._restore_checks()
        except DataJointError:
            pass


def table_checksum(connection, schema, table):
    """Row count and order-independent checksum of a table's rows, as the archive computes them."""
    cols = catalog.columns(connection, schema, table)
    cursor = execute(connection, compiler.compile_table_rows(
        catalog.full_name(schema, table), [(c['name'], c['binary']) for c in cols]), unbuffered=True)
    checksum = RowChecksum()
    try:
        for row in cursor:
            checksum.add(list(row))
    finally:
        cursor.close()
    return checksum
