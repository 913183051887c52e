"""The `.djx` archive: a plain stream of msgpack maps, written and checked record by record.

Layout (version 1)::

    header      {kind: "header", format: "djx", version: 1, created, server_version, tool,
                 schemas: [{name, charset, collation}], tables: ["db.tbl", ...], row_counts,
                 restrictions, sha256}
    per table:  {kind: "table", schema, table, create, columns, binary, heading, primary_key,
                 comment, self_referencing, sha256}
                {kind: "rows", rows: [[value, ...], ...]}          (zero or more batches)
                {kind: "table_end", schema, table, rows, checksum, sha256}
    trailer     {kind: "end", tables, rows, sha256}

Values are None, str (the server's own text for every non-binary column) or bytes (blobs and
binary columns, exactly as stored: blobs are never decoded). Every record but ``rows`` carries the
sha256 of its own canonical packing; a table's rows are covered by ``checksum`` in its
``table_end``: the sum modulo 2**256 of the sha256 of each packed row. The sum does not depend on
row order, so the same checksum can be computed from the imported table in whatever order the
server returns it, which is how resumed imports recognize tables that are already complete.
"""
import hashlib

import msgpack

from .errors import ArchiveError

FORMAT = "djx"
VERSION = 1
_MODULUS = 1 << 256
_MAX_RECORD = (1 << 31) - 1


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


class RowChecksum:
    """Order-independent digest of a table's rows plus their count."""

    def __init__(self):
        self.total = 0
        self.count = 0

    def add(self, row):
        self.total = (self.total + int.from_bytes(hashlib.sha256(pack(row)).digest(), "big")) % _MODULUS
        self.count += 1

    def hexdigest(self):
        return f"{self.total:064x}"


class ArchiveWriter:
    """Writes records to a file object as they are produced (nothing is held back)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, record, sealed=True):
        self.stream.write(pack(seal(record) if sealed else record))


def _is_value(value):
    return value is None or isinstance(value, (str, bytes))


def _names(value):
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _check_header(header, name):
    schemas = header.get("schemas")
    ok = (isinstance(schemas, list) and all(isinstance(s, dict) and isinstance(s.get("name"), str) and s["name"]
                                            for s in schemas)
          and _names(header.get("tables", [])) and isinstance(header.get("row_counts", []), list)
          and all(isinstance(n, int) and n >= 0 for n in header.get("row_counts", [])))
    if not ok:
        raise ArchiveError(f"{name} has a malformed header: it is corrupt or was not written by datajoint-interop")


def _check_table(record, where):
    ok = (isinstance(record.get("schema"), str) and record["schema"] and isinstance(record.get("table"), str)
          and record["table"] and isinstance(record.get("create"), str) and _names(record.get("columns"))
          and len(set(record["columns"])) == len(record["columns"]) and record["columns"])
    if not ok:
        raise ArchiveError(f"Malformed table record {where}: the archive is corrupt")


class ArchiveReader:
    """Iterates over the records of an archive, checking structure, seals and row checksums.

    Yields ``("header", rec)``, ``("table", rec)``, ``("rows", rows)``,
    ``("table_end", rec)`` (only after its checksum and count were verified) and ``("end", rec)``.
    """

    def __init__(self, stream, name="archive"):
        self.stream = stream
        self.name = name
        self._unpacker = msgpack.Unpacker(stream, raw=False, max_buffer_size=_MAX_RECORD,
                                          strict_map_key=False)

    def _records(self):
        while True:
            offset = self._unpacker.tell()
            try:
                record = self._unpacker.unpack()
            except msgpack.OutOfData:
                return
            except (ValueError, TypeError, msgpack.UnpackException, UnicodeDecodeError) as error:
                raise ArchiveError(f"{self.name} is corrupt near byte {offset}: {error}") from None
            if not isinstance(record, dict) or not isinstance(record.get("kind"), str):
                raise ArchiveError(f"{self.name} is corrupt near byte {offset}: not an archive record")
            yield offset, record

    def __iter__(self):
        records = self._records()
        first = next(records, None)
        if first is None:
            raise ArchiveError(f"{self.name} is empty: not a djx archive")
        offset, header = first
        if header.get("kind") != "header" or header.get("format") != FORMAT:
            raise ArchiveError(f"{self.name} is not a djx archive (no djx header)")
        version = header.get("version")
        if version != VERSION:
            raise ArchiveError(f"{self.name} has archive format version {version!r}; this datajoint-interop "
                               f"reads version {VERSION} only. Use a matching version to import it.")
        verify_seal(header, f"at byte {offset}")
        _check_header(header, self.name)
        yield "header", header
        table, checksum, columns, tables, total = None, None, 0, 0, 0
        for offset, record in records:
            kind = record["kind"]
            where = f"at byte {offset} of {self.name}"
            if kind == "rows":
                rows = record.get("rows")
                if table is None or not isinstance(rows, list):
                    raise ArchiveError(f"Unexpected rows record {where}: the archive is corrupt")
                for row in rows:
                    if not isinstance(row, list) or len(row) != columns or not all(map(_is_value, row)):
                        raise ArchiveError(f"Malformed row in table {table['table']!r} {where}: the archive is corrupt")
                    checksum.add(row)
                yield "rows", rows
                continue
            verify_seal(record, where)
            if kind == "table":
                if table is not None:
                    raise ArchiveError(f"Table {table['table']!r} has no end record {where}: the archive is corrupt")
                _check_table(record, where)
                table, checksum = record, RowChecksum()
                columns = len(record["columns"])
                yield "table", record
            elif kind == "table_end":
                if table is None or (record.get("schema"), record.get("table")) != (table["schema"], table["table"]):
                    raise ArchiveError(f"Unexpected end of table {where}: the archive is corrupt")
                name = f"{table['schema']}.{table['table']}"
                if record.get("rows") != checksum.count or record.get("checksum") != checksum.hexdigest():
                    raise ArchiveError(
                        f"Archive checksum error for table {name}: the archive holds {checksum.count} rows "
                        f"with checksum {checksum.hexdigest()[:16]}..., but its end record says "
                        f"{record.get('rows')} rows with {str(record.get('checksum'))[:16]}...: "
                        "the archive is corrupt; this table was not imported")
                tables += 1
                total += checksum.count
                yield "table_end", record
                table = None
            elif kind == "end":
                if table is not None or record.get("tables") != tables or record.get("rows") != total:
                    raise ArchiveError(f"The trailer {where} does not match the archive contents: it is corrupt")
                yield "end", record
                if next(records, None) is not None:
                    raise ArchiveError(f"{self.name} has data after its trailer: it is corrupt")
                return
            else:
                raise ArchiveError(f"Unknown record kind {kind!r} {where}: the archive is corrupt")
        raise ArchiveError(f"{self.name} is truncated (no trailer): it was cut short or the export was interrupted")
