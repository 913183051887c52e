"""The `.djx` archive: a plain stream of msgpack maps, written and checked record by record.

Layout (version 2; see docs/sharing.md)::

    header      {kind: "header", format: "djx", version: 2, created, server_version, tool,
                 schemas: [{name, charset, collation}], tables: ["db.tbl", ...], row_counts,
                 restrictions, include_jobs, sha256}
    per table:  {kind: "table", schema, table, model, sha256}     (model: see archive_model)
                {kind: "rows", rows: [[value, ...], ...]}          (zero or more batches)
                {kind: "table_end", schema, table, rows, checksum, sha256}
    trailer     {kind: "end", tables, rows, sha256}

Values are None, str (the server's own text for every non-binary column) or bytes (blobs and
binary columns, exactly as stored: blobs are never decoded). Every record but ``rows`` carries the
sha256 of its own canonical packing; a table's rows are covered by ``checksum`` in its
``table_end``: the sum modulo 2**256 of the sha256 of each packed row. The sum does not depend on
row order, so the same checksum can be computed from the imported table in whatever order the
server returns it, which is how resumed imports recognize tables that are already complete.

An archive is untrusted input, so it is read by a streaming decoder that never holds more than one
metadata record (at most MAX_META_RECORD bytes, nested at most MAX_DEPTH deep) or one chunk of
rows, and that allocates only for bytes actually read: a length field claiming gigabytes costs
nothing until the bytes are there. A ``rows`` record is never decoded as one object: its rows are
read value by value (only NULL, text and bytes are accepted) and handed out in bounded chunks.
"""
import hashlib

import msgpack

from .archive_model import ArchiveCatalog
from ..core.errors import ArchiveError

FORMAT = "djx"
VERSION = 2
_MODULUS = 1 << 256
#: header, table and end records are metadata (a few KB); 8 MiB leaves room for huge enums
MAX_META_RECORD = 8 << 20
MAX_DEPTH = 16
#: a row is inserted in one statement, so it can never exceed max_allowed_packet (at most 1 GiB)
MAX_ROW = 1 << 30
#: rows are handed out in chunks of at most this many estimated bytes of Python memory / rows
CHUNK_BYTES = 4 << 20
CHUNK_ROWS = 10000
_READ = 1 << 16
_READ_MAX = 1 << 22
_NIL = 0xC0
_NONES = [None] * 256


def pack(record):
    return msgpack.packb(record, use_bin_type=True)


def seal(record):
    """Add the self-check digest to a non-row record."""
    record = dict(record)
    record.pop("sha256", None)
    record["sha256"] = hashlib.sha256(pack(record)).hexdigest()
    return record


def verify_seal(record, where):
    claimed = record.get("sha256")
    body = {k: v for k, v in record.items() if k != "sha256"}
    if not isinstance(claimed, str) or hashlib.sha256(pack(body)).hexdigest() != claimed:
        raise ArchiveError(f"Archive checksum error in the {record.get('kind', '?')} record {where}: "
                           "the archive is corrupt (a byte was changed); nothing from this record was used")


def row_value_size(row):
    """Estimated Python memory of a row: its bytes plus per-object overhead, so that a million
    NULLs count for what they cost rather than for nothing."""
    return 64 + 8 * len(row) + sum(len(v) for v in row if v is not None)


class RowChecksum:
    """Order-independent digest of a table's rows plus their count."""

    def __init__(self):
        self.total = 0
        self.count = 0

    def add(self, row):
        self.add_packed(pack(row))

    def add_packed(self, packed):
        self.total = (self.total + int.from_bytes(hashlib.sha256(packed).digest(), "big")) % _MODULUS
        self.count += 1

    def hexdigest(self):
        return f"{self.total:064x}"


class ArchiveWriter:
    """Writes records to a file object as they are produced (nothing is held back)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, record, sealed=True):
        self.stream.write(pack(seal(record) if sealed else record))


class _Truncated(Exception):
    """The file ended inside a record."""


class _Source:
    """A file read through a window holding only bytes actually read and not yet released."""

    def __init__(self, stream):
        self.stream = stream
        self.buf = bytearray()
        self.pos = 0
        self.base = 0  # file offset of buf[0]

    @property
    def offset(self):
        return self.base + self.pos

    def release(self):
        """Forget consumed bytes; only between records or rows, never inside one being scanned."""
        if self.pos:
            del self.buf[:self.pos]
            self.base += self.pos
            self.pos = 0

    def fill(self, n):
        """Make n bytes available after pos; False at end of file. Reads in bounded chunks, so a
        claimed length costs memory only as the file really delivers the bytes."""
        while len(self.buf) - self.pos < n:
            chunk = self.stream.read(min(max(_READ, n - (len(self.buf) - self.pos)), _READ_MAX))
            if not chunk:
                return False
            self.buf += chunk
        return True

    def need(self, n):
        if not self.fill(n):
            raise _Truncated()

    def byte(self):
        self.need(1)
        value = self.buf[self.pos]
        self.pos += 1
        return value

    def uint(self, size):
        self.need(size)
        value = int.from_bytes(self.buf[self.pos:self.pos + size], "big")
        self.pos += size
        return value

    def skip(self, n):
        self.need(n)
        self.pos += n


# msgpack type bytes -> (size of the length field, kind) for the variable-length and fixed types
_LENGTHS = {0xC4: (1, "bin"), 0xC5: (2, "bin"), 0xC6: (4, "bin"), 0xD9: (1, "str"), 0xDA: (2, "str"),
            0xDB: (4, "str"), 0xDC: (2, "array"), 0xDD: (4, "array"), 0xDE: (2, "map"), 0xDF: (4, "map")}
_FIXED = {0xC0: 0, 0xC2: 0, 0xC3: 0, 0xCA: 4, 0xCB: 8, 0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8,
          0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8}


class ArchiveReader:
    """Iterates over the records of an archive, checking structure, seals, table models and row
    checksums as it goes.

    Yields ``("header", rec)``, ``("table", TableModel)``, ``("rows", RowChunk)`` (bounded
    chunks), ``("table_end", rec)`` (only after its checksum and count were verified) and
    ``("end", rec)``. `max_row` caps the encoded size of one row (an importer passes the
    server's max_allowed_packet).
    """

    def __init__(self, stream, name="archive", max_row=MAX_ROW, chunk_bytes=CHUNK_BYTES):
        self.source = _Source(stream)
        self.name = name
        self.max_row = max_row
        self.chunk_bytes = chunk_bytes
        self.position = None  # the row being read, for messages

    # ---------------------------------------------------------------- low-level decoding
    def _fail(self, offset, what, record=None):
        inside = f" (in the record starting at byte {record})" if record is not None and record != offset else ""
        raise ArchiveError(f"{self.name} is corrupt at byte {offset}{inside}: {what}")

    def _scan(self, start):
        """Skip one msgpack object (a metadata record), bounded in size and nesting depth."""
        src = self.source
        pending, stack = 1, []
        while True:
            while pending == 0:
                if not stack:
                    return
                pending = stack.pop()
            pending -= 1
            at = src.offset
            if at - start > MAX_META_RECORD:
                self._fail(start, f"a metadata record is larger than {MAX_META_RECORD >> 20} MiB")
            code = src.byte()
            children = 0
            if code <= 0x7F or code >= 0xE0 or code in _FIXED:
                src.skip(_FIXED.get(code, 0))
            elif code <= 0x8F:
                children = 2 * (code & 0x0F)
            elif code <= 0x9F:
                children = code & 0x0F
            elif code <= 0xBF:
                src.skip(code & 0x1F)
            elif code in _LENGTHS:
                size, kind = _LENGTHS[code]
                length = src.uint(size)
                if kind in ("array", "map"):
                    children = length * (2 if kind == "map" else 1)
                else:
                    if src.offset + length - start > MAX_META_RECORD:
                        self._fail(start, f"a metadata record is larger than {MAX_META_RECORD >> 20} MiB")
                    src.skip(length)
            else:
                self._fail(at, f"msgpack type 0x{code:02x} (extension or reserved) is not used in archives", start)
            if children:
                if len(stack) >= MAX_DEPTH:
                    self._fail(at, f"values are nested more than {MAX_DEPTH} levels deep; "
                                   "no archive record is nested that deeply", start)
                stack.append(pending)
                pending = children

    def _metadata(self, start):
        """Decode the whole record at `start` (already known not to be a rows record)."""
        src = self.source
        src.pos = start - src.base
        self._scan(start)
        data = bytes(src.buf[start - src.base:src.pos])
        try:
            record = msgpack.unpackb(data, raw=False)
        except (ValueError, TypeError, msgpack.UnpackException) as error:
            self._fail(start, f"undecodable record ({type(error).__name__}: {error or 'no detail'})")
        if not isinstance(record, dict) or not isinstance(record.get("kind"), str):
            self._fail(start, "not an archive record (expected a map with a 'kind')")
        return record

    def _header_length(self, code, base, kinds):
        """Element count of an array/map header byte (`base`: fixarray 0x90 or fixmap 0x80)."""
        if base <= code <= base + 0x0F:
            return code & 0x0F
        size, kind = _LENGTHS.get(code, (0, None))
        if kind != kinds:
            return None
        return self.source.uint(size)

    def _short_string(self):
        """A map key or kind string of at most 32 bytes, or None when the next item is not one."""
        src = self.source
        code = src.byte()
        if 0xA0 <= code <= 0xBF:
            length = code & 0x1F
        elif code == 0xD9:
            length = src.uint(1)
        else:
            return None
        if length > 32:
            return None
        src.need(length)
        text = bytes(src.buf[src.pos:src.pos + length])
        src.pos += length
        try:
            return text.decode()
        except UnicodeDecodeError:
            return None

    def _is_rows(self, start):
        """Whether the record at `start` is ``{kind: "rows", rows: [...]}``, leaving the source at
        the rows array when it is (the writer always puts ``kind`` first)."""
        src = self.source
        length = self._header_length(src.byte(), 0x80, "map")
        if length is None:
            self._fail(start, "not an archive record (expected a map)")
        if length != 2 or self._short_string() != "kind" or self._short_string() != "rows":
            return False
        if self._short_string() != "rows":
            self._fail(start, "a rows record must be {kind: 'rows', rows: [...]}")
        return True

    # ---------------------------------------------------------------- rows
    def _rows(self, start, model, checksum, first_row):
        """Stream the rows of one rows record in bounded chunks."""
        src = self.source
        count = self._header_length(src.byte(), 0x90, "array")
        if count is None:
            self._fail(start, f"the rows of table {model.label} are not a list")
        width = len(model.columns)
        chunk, size, chunk_start, number = [], 0, src.offset, first_row
        for _ in range(count):
            src.release()
            row_start = src.offset
            number += 1
            row = self._row(model, width, number, row_start)
            end = src.pos
            checksum.add_packed(bytes(src.buf[row_start - src.base:end]))
            chunk.append(row)
            size += row_value_size(row)
            if size >= self.chunk_bytes or len(chunk) >= CHUNK_ROWS:
                yield RowChunk(model, number - len(chunk) + 1, chunk_start, chunk)
                chunk, size, chunk_start = [], 0, src.offset
        if chunk:
            yield RowChunk(model, number - len(chunk) + 1, chunk_start, chunk)

    def _row(self, model, width, number, row_start):
        src = self.source
        self.position = where = _RowPlace(number, model, row_start)
        code = src.byte()
        length = self._header_length(code, 0x90, "array")
        if length is None:
            raise ArchiveError(f"{self.name}: {where} is not a list of values: the archive is corrupt")
        if length != width:
            raise ArchiveError(f"{self.name}: {where} has {length} values but the table has {width} columns: "
                               "the archive is corrupt")
        row = []
        append = row.append
        buf = src.buf  # fill() extends this same bytearray in place
        if not src.fill(width):  # every value takes at least its type byte
            raise _Truncated()
        pos, index = src.pos, 0
        while index < width:
            code = buf[pos]
            if code == _NIL:  # NULLs come in runs (sparse rows): take the whole run at C speed
                end = pos + width - index
                run = end - pos - len(buf[pos:end].lstrip(b"\xc0"))
                row += _NONES[:run] if run <= len(_NONES) else [None] * run
                pos += run
                index += run
                continue
            pos += 1
            index += 1
            if 0xA0 <= code <= 0xBF:
                size, kind = code & 0x1F, "str"
            elif code in (0xC4, 0xC5, 0xC6, 0xD9, 0xDA, 0xDB):
                nbytes, kind = _LENGTHS[code]
                src.pos = pos
                size = src.uint(nbytes)
                pos = src.pos
            else:
                raise ArchiveError(f"{self.name}: {where}, column {model.columns[index - 1].name!r}: a value must "
                                   f"be NULL, text or bytes, found msgpack type 0x{code:02x}: the archive is corrupt")
            if src.base + pos + size - row_start > self.max_row:
                raise ArchiveError(f"{self.name}: {where} is larger than the limit of {self.max_row} bytes "
                                   "(one row must fit the server's max_allowed_packet)")
            src.pos = pos
            src.need(size + width - index)  # this value, then at least a byte for each one after it
            value = bytes(buf[pos:pos + size])
            pos += size
            if kind == "str":
                try:
                    value = value.decode()
                except UnicodeDecodeError:
                    raise ArchiveError(f"{self.name}: {where}, column {model.columns[index - 1].name!r}: text "
                                       "that is not UTF-8: the archive is corrupt") from None
            append(value)
        src.pos = pos
        return row

    # ---------------------------------------------------------------- records
    def _records(self):
        """Yield (offset, kind, record or None); for rows, the caller then reads the rows."""
        src = self.source
        while True:
            src.release()
            if not src.fill(1):
                return
            start = src.offset
            if self._is_rows(start):
                yield start, "rows", None
            else:
                record = self._metadata(start)
                if record["kind"] == "rows":
                    self._fail(start, "a rows record must be {kind: 'rows', rows: [...]} with kind first")
                yield start, record["kind"], record

    def __iter__(self):
        try:
            yield from self._iterate()
        except _Truncated:
            inside = f" inside {self.position}" if self.position is not None else ""
            raise ArchiveError(f"{self.name} is truncated at byte {self.source.offset}{inside}: it was cut short "
                               "or the export was interrupted") from None

    def _iterate(self):
        records = self._records()
        first = next(records, None)
        if first is None:
            raise ArchiveError(f"{self.name} is empty: not a djx archive")
        offset, kind, header = first
        if header is None or kind != "header" or header.get("format") != FORMAT:
            raise ArchiveError(f"{self.name} is not a djx archive (no djx header)")
        version = header.get("version")
        if version == 1:
            raise ArchiveError(
                f"{self.name} has archive format version 1, which carries table definitions as SQL text. "
                "Import no longer executes SQL from archives: re-export the schemas with this version of "
                f"datajoint-interop (format version {VERSION}) and import that archive.")
        if version != VERSION:
            raise ArchiveError(f"{self.name} has archive format version {version!r}; this datajoint-interop "
                               f"reads version {VERSION} only. Use a matching version to import it.")
        verify_seal(header, f"at byte {offset}")
        catalog = ArchiveCatalog(header, self.name)
        yield "header", header
        model, checksum, tables, total = None, None, 0, 0
        for offset, kind, record in records:
            where = f"at byte {offset} of {self.name}"
            if kind == "rows":
                if model is None:
                    raise ArchiveError(f"Unexpected rows record {where}: rows outside a table; the archive is corrupt")
                for chunk in self._rows(offset, model, checksum, checksum.count):
                    yield "rows", chunk
                continue
            verify_seal(record, where)
            if kind == "table":
                if model is not None:
                    raise ArchiveError(f"Table {model.label} has no end record {where}: the archive is corrupt")
                model, checksum = catalog.add(record, where), RowChecksum()
                yield "table", model
            elif kind == "table_end":
                if model is None or (record.get("schema"), record.get("table")) != (model.schema, model.table):
                    raise ArchiveError(f"Unexpected end of table {where}: the archive is corrupt")
                self.position = None
                if record.get("rows") != checksum.count or record.get("checksum") != checksum.hexdigest():
                    raise ArchiveError(
                        f"Archive checksum error for table {model.label}: the archive holds {checksum.count} rows "
                        f"with checksum {checksum.hexdigest()[:16]}..., but its end record says "
                        f"{record.get('rows')} rows with {str(record.get('checksum'))[:16]}...: "
                        "the archive is corrupt; nothing of it is imported")
                catalog.check_count(model, checksum.count, where)
                tables += 1
                total += checksum.count
                yield "table_end", record
                model = None
            elif kind == "end":
                if model is not None or record.get("tables") != tables or record.get("rows") != total:
                    raise ArchiveError(f"The trailer {where} does not match the archive contents: it is corrupt")
                catalog.finish(where)
                yield "end", record
                self.source.release()
                if self.source.fill(1):
                    raise ArchiveError(f"{self.name} has data after its trailer (byte {self.source.offset}): "
                                       "it is corrupt")
                return
            else:
                raise ArchiveError(f"Unknown record kind {kind!r} {where}: the archive is corrupt")
        raise ArchiveError(f"{self.name} is truncated (no trailer): it was cut short or the export was interrupted")


class _RowPlace:
    """Where a row is, formatted only when a message needs it (rows are read by the million)."""

    def __init__(self, number, model, offset):
        self.number, self.model, self.offset = number, model, offset

    def __str__(self):
        return f"row {self.number} of table {self.model.label} (byte {self.offset})"


class RowChunk:
    """Consecutive rows of one table, with where they came from (for error messages)."""

    def __init__(self, model, first_row, offset, rows):
        self.model, self.first_row, self.offset, self.rows = model, first_row, offset, rows

    def describe(self, start=0, count=None):
        count = len(self.rows) - start if count is None else count
        first = self.first_row + start
        span = f"row {first}" if count == 1 else f"rows {first}-{first + count - 1}"
        return f"{span} of table {self.model.label} (archive byte {self.offset})"
