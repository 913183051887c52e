"""Moving whole pipelines between servers: `export` to a `.djx` archive and `import_archive`.

Both work in constant memory: rows stream from an unbuffered cursor into the file batch by batch,
and back from the file into batched INSERTs. Blobs travel as their stored bytes and every other
value as the server's own text, so nothing is reinterpreted on the way (see archive_format for the
layout and the checksums). Tables are exported from one consistent snapshot, in dependency order,
and imported one transaction per table, committed only after the table's checksum was verified.
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
import sys

from . import archive_catalog as catalog
from .archive_format import FORMAT, VERSION, ArchiveReader, ArchiveWriter, RowChecksum, row_value_size
from .archive_model import check_target_schema, create_statement, model_from_server
from .errors import ArchiveError, DataJointError
from .sql import escape_percent, execute, quote_identifier
from .version import __version__

logger = logging.getLogger(__name__.split(".")[0])

BATCH_ROWS = 1000
BATCH_BYTES = 8 << 20


def _conn(connection):
    if connection is None:
        from .connection import conn
        connection = conn()
    return connection


def _open(path, mode):
    try:
        return open(path, mode)
    except OSError as error:
        verb = "read" if "r" in mode else "write"
        raise ArchiveError(f"Cannot {verb} archive {path}: {error.strerror or error}") from None


def _bar(total, desc, progress):
    from tqdm import tqdm
    if progress is None:
        progress = sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit="row", disable=not progress, leave=False)


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


def _select_list(cols):
    """(name, binary) pairs -> select list: binary columns as stored; everything else as the
    server's text, which it parses back exactly."""
    return ", ".join(quote_identifier(name) if binary else f"CAST({quote_identifier(name)} AS CHAR)"
                     for name, binary in cols)


class _SessionTimeZone:
    """Timestamps are exchanged as UTC text, whatever the session's own time zone."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        self.saved = self.connection.query("SELECT @@session.time_zone").fetchone()[0]
        self.connection.query("SET time_zone = '+00:00'")

    def __exit__(self, kind, error, trace):
        try:
            self.connection.query("SET time_zone = %s", (self.saved,))
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
            from .sql import split_full_table_name
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
                where = f" WHERE {conditions[table]}" if conditions[table] else ""
                counts[table] = connection.query(
                    f"SELECT COUNT(*) FROM {catalog.full_name(*table)}{where}").fetchone()[0]
            header = dict(
                kind="header", format=FORMAT, version=VERSION,
                created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                server_version=connection.query("SELECT VERSION()").fetchone()[0],
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
    where = f" WHERE {condition}" if condition else ""
    cursor = connection.query(
        f"SELECT {_select_list([(c.name, c.binary) for c in model.columns])} FROM {catalog.full_name(schema, name)}"
        f"{where}", unbuffered=True)
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
    with _open(path, "rb") as stream:
        for kind, record in ArchiveReader(stream, name=str(path)):
            return record


def verify_archive(path, progress=None):
    """Read a whole archive and check every table model, seal and checksum, without a server;
    returns the trailer. Raises ArchiveError naming the record that is wrong."""
    with _open(path, "rb") as stream:
        for kind, record in ArchiveReader(stream, name=str(path)):
            if kind == "end":
                return record
    raise ArchiveError(f"{path} is truncated")


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

    The archive is untrusted: tables are built from its validated models (never from SQL text),
    system schemas are refused as targets, and rows stream in bounded memory.
    `on_batch(table, rows_inserted)` is called after each inserted batch (before the commit).
    Returns a summary dict with the imported and skipped tables.
    """
    connection = _conn(connection)
    rename = _parse_rename(rename)
    if connection.in_transaction:
        raise DataJointError("import_archive commits one transaction per table: call it outside a transaction")
    max_packet = connection.query("SELECT @@max_allowed_packet").fetchone()[0]
    batch_bytes = max(1, min(batch_bytes, max_packet // 4))
    summary = dict(path=str(path), imported=[], skipped=[], rows=0)
    with _open(path, "rb") as stream, _SessionTimeZone(connection):
        reader = iter(ArchiveReader(stream, name=str(path), max_row=max_packet,
                                    chunk_bytes=min(batch_bytes, 4 << 20)))
        _, header = next(reader)
        targets = _targets(header, rename)
        collations = _Collations(connection)
        for info in header["schemas"]:
            _create_schema(connection, targets[info["name"]], info, collations)
        with _bar(sum(header["row_counts"]), "import", progress) as bar:
            state = None
            try:
                for kind, item in reader:
                    if kind == "table":
                        state = _TableImport(connection, item, targets, batch_bytes, on_batch, bar, collations)
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
    return summary


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
            self.known[key] = self.connection.query(
                "SELECT COUNT(*) FROM information_schema.COLLATIONS WHERE (%s IS NULL OR CHARACTER_SET_NAME=%s) "
                "AND (%s IS NULL OR COLLATION_NAME=%s)", (charset, charset, collation, collation)).fetchone()[0]
        if not self.known[key]:
            raise ArchiveError(f"{what} uses character set {charset!r} with collation {collation!r}, which this "
                               "server does not have")


def _create_schema(connection, name, info, collations):
    charset, collation = info.get("charset"), info.get("collation")
    collations.check(charset, collation, f"Schema {info['name']!r} of the archive")
    options = (f" CHARACTER SET {charset}" if charset else "") + (f" COLLATE {collation}" if collation else "")
    connection.query(f"CREATE DATABASE IF NOT EXISTS {quote_identifier(name)}{options}")


class _TableImport:
    """Import of one table section: create from the validated model, insert in batches, verify,
    commit (or verify a table that an earlier, interrupted run completed)."""

    def __init__(self, connection, model, targets, batch_bytes, on_batch, bar, collations):
        self.connection, self.model, self.bar = connection, model, bar
        self.batch_bytes, self.on_batch = batch_bytes, on_batch
        self.targets = targets
        self.schema = targets[model.schema]
        self.name = model.table
        self.target = catalog.full_name(self.schema, self.name)
        self.columns = model.column_names
        self.inserted = 0
        self.relaxed = False
        exists = connection.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s "
                                  "AND TABLE_NAME=%s", (self.schema, self.name)).fetchone()[0]
        if not exists:
            collations.check(model.charset, model.collation, f"Table {model.label}")
            for column in model.columns:
                collations.check(column.charset, column.collation, f"Column {column.name!r} of {model.label}")
            try:
                execute(connection, *create_statement(model, self.schema, targets))
            except DataJointError as error:
                raise ArchiveError(f"Cannot create table {model.label} of the archive as {self.target}: "
                                   f"the server refused its model ({error})") from error
        else:
            present = [c["name"] for c in catalog.columns(connection, self.schema, self.name)]
            if present != list(self.columns):
                raise ArchiveError(f"Table {self.target} already exists with different columns "
                                   f"({', '.join(present)}) than the archive ({', '.join(self.columns)})")
        self.resuming = exists and connection.query(f"SELECT EXISTS(SELECT 1 FROM {self.target})").fetchone()[0]
        if not self.resuming:
            connection.start_transaction()
            if model.self_referencing:
                # rows of a self-referencing table may arrive child-first: the importer (never the
                # archive) turns checks off for this table and verifies every reference before commit
                connection.query("SET foreign_key_checks = 0")
                self.relaxed = True
        cols = ", ".join(quote_identifier(c) for c in self.columns)
        # names may contain '%'; the values are bound, so the statement text is %-formatted
        self.insert_head = escape_percent(f"INSERT INTO {self.target} ({cols}) VALUES ")
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
            self.connection.query(self.insert_head + ", ".join([self.placeholder] * len(rows)), args)
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
            self.connection.query("SET foreign_key_checks = 1")

    def _check_references(self):
        """With checks off, prove that every foreign key of the table is satisfied."""
        for fk in self.model.foreign_keys:
            parent = catalog.full_name(self.targets[fk.schema], fk.table)
            present = " AND ".join(f"c.{quote_identifier(c)} IS NOT NULL" for c in fk.columns)
            match = " AND ".join(f"p.{quote_identifier(r)} = c.{quote_identifier(c)}"
                                 for c, r in zip(fk.columns, fk.referenced))
            missing = self.connection.query(  # no parameters: the text is sent as is
                f"SELECT COUNT(*) FROM {self.target} AS c WHERE {present} AND NOT EXISTS "
                f"(SELECT 1 FROM {parent} AS p WHERE {match})").fetchone()[0]
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
    cursor = connection.query(f"SELECT {_select_list([(c['name'], c['binary']) for c in cols])} FROM {catalog.full_name(schema, table)}",
                              unbuffered=True)
    checksum = RowChecksum()
    try:
        for row in cursor:
            checksum.add(list(row))
    finally:
        cursor.close()
    return checksum
