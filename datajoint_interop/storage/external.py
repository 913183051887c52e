"""The ``~external_<store>`` tables as tables: ``schema.external[store]``, its references, and cleanup.

The objects themselves (layout on disk, put/get, attachments, filepaths) are ``storage/objects.py``;
this module adds what needs the query layer: restricting, fetching and deleting tracking rows.
"""
import collections.abc
from pathlib import Path

from ..core.errors import DataJointError, IntegrityError, MissingExternalFile, MissingTableError
from ..core.sql import execute, full_table_name, sql_table
from ..query.table import Table
from .objects import TABLE_PREFIX, ObjectStore, store_spec, subfold  # noqa: F401  (0.14 names)
from ..core import catalog
from ..query import compiler

__all__ = ["ExternalTable", "ExternalMapping", "MissingExternalFile", "store_spec", "subfold"]


class ExternalTable(ObjectStore, Table):
    """The ``~external_<store>`` table of one database, and the objects it tracks.

    Obtain it as ``schema.external[store]``; it is declared on first use.
    """

    # --- maintenance ------------------------------------------------------------------------------
    @property
    def references(self):
        """(referencing table "`db`.`tbl`", column) for every foreign key into this table."""
        return [(full_table_name(db, tbl), col)
                for db, tbl, col in catalog.referencing_columns(self.connection, self.database, self.table_name)]

    def _reference_sql(self):
        return [compiler.referenced_hash_condition(tbl, col) for tbl, col in self.references]

    def unused(self):
        """This table restricted to objects that no table references."""
        refs = self._reference_sql()
        return self & compiler.none_of(refs) if refs else self & "TRUE"

    def used(self):
        """This table restricted to objects referenced by some table."""
        refs = self._reference_sql()
        return self & compiler.any_of(refs) if refs else self & "FALSE"

    def _path_of(self, row):
        if row["attachment_name"]:
            return self.object_path(row["hash"], row["attachment_name"])
        if row["filepath"]:
            return Path(self.spec["location"], row["filepath"])
        return self.object_path(row["hash"])

    def _make_external_filepath(self, relative_filepath):
        """The full path of ``relative_filepath`` in this store (0.14's name)."""
        return Path(self.spec["location"], relative_filepath)

    def exists(self, external_filepath):
        """True if the file is in the store (0.14's check before and after a filepath is deleted)."""
        return Path(external_filepath).is_file()

    def fetch_external_paths(self, limit=None):
        """(hash, path) of every object of this (restricted) table."""
        rows = self.fetch("hash", "attachment_name", "filepath", as_dict=True, limit=limit)
        return [(row["hash"], self._path_of(row)) for row in rows]

    def delete(self, *, delete_external_files=None, limit=None, display_progress=False, errors_as_string=True):
        """Forget the objects that no table references; with ``delete_external_files=True`` also
        remove their files. Returns the list of (hash, path, error) that could not be removed.

        Each object goes row first, file second: a row that became referenced meanwhile cannot be
        deleted (foreign key), so its file stays; a file that cannot be removed gets its row back."""
        if delete_external_files not in (True, False):
            raise DataJointError("The delete_external_files argument must be set to either True or False "
                                 "in delete()")
        unused = self.unused()
        if not delete_external_files:
            unused.delete_quick()
            return []
        errors = []
        names = ["hash", "size", "attachment_name", "filepath", "contents_hash"]
        for row in unused.fetch(*names, as_dict=True, limit=limit):
            path = self._path_of(row)
            try:
                deleted = execute(self.connection, *compiler.compile_delete(
                    self & {"hash": row["hash"]}, self.full_table_name)).rowcount
            except IntegrityError:
                continue
            if not deleted:
                continue
            try:
                path.unlink(missing_ok=True)
            except OSError as error:
                execute(self.connection, *compiler.compile_insert_row(self.full_table_name, dict(
                    row, hash=row["hash"].bytes,
                    contents_hash=row["contents_hash"].bytes if row["contents_hash"] else None), ignore=True))
                errors.append((row["hash"], path, str(error) if errors_as_string else error))
        return errors

    def delete_quick(self, get_count=False):
        """Delete the tracking rows of this (restricted) table, leaving files (referenced rows fail)."""
        return Table.delete_quick(self, get_count=get_count)


class ExternalMapping(collections.abc.Mapping):
    """``schema.external``: ``schema.external[store]`` is that store's ExternalTable. A Mapping as
    in 0.14, so ``keys()``, ``values()``, ``items()`` and ``get()`` go over the stores the schema
    has tracking tables for."""

    def __init__(self, connection, database):
        self.connection = connection
        self.database = database

    def __getitem__(self, store):
        return ExternalTable.for_store(self.connection, self.database, store)

    def __contains__(self, store):
        try:
            name = sql_table(full_table_name(self.database, TABLE_PREFIX + store))
            execute(self.connection, compiler.compile_probe(name))
        except (MissingTableError, DataJointError):
            return False
        return True

    def __iter__(self):
        names = catalog.list_tables(self.connection, self.database, prefix=TABLE_PREFIX)
        return iter(sorted(name[len(TABLE_PREFIX):] for name in names))

    def __len__(self):
        return len(list(iter(self)))

    def __repr__(self):
        return f"External stores of schema `{self.database}`: {list(self)}"
