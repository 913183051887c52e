"""INSERT, UPDATE, DELETE and DROP compiled by the one compiler, run against the real server."""
import pytest

import datajoint_interop as dj
from datajoint_interop.query import compiler
from datajoint_interop.sql import execute

NULL = object()


@pytest.fixture
def item(connection, schema_name):
    schema = dj.Schema(schema_name("dml"), connection=connection)

    @schema
    class Item(dj.Manual):
        definition = """
        item : int
        ---
        label : varchar(20)
        note = null : varchar(20)
        """
    Item.insert([(1, "a%", None), (2, "b", "x")])
    yield Item()
    schema.drop(force=True)


def test_update_sets_values_and_null_under_the_restriction(item):
    restricted = item & "label LIKE 'a%'" & {"item": 1}
    sql, params = compiler.compile_update(restricted, item.full_table_name, {"label": "c%", "note": NULL}, null=NULL)
    assert sql.startswith(f"UPDATE {item.full_table_name} SET `label`=%s, `note`=NULL WHERE ")
    assert params == ["c%", 1]
    assert execute(item.connection, sql, params).rowcount == 1
    assert item.fetch(as_dict=True, order_by="item") == [
        {"item": 1, "label": "c%", "note": None}, {"item": 2, "label": "b", "note": "x"}]
    with pytest.raises(dj.DataJointError, match="at least one"):
        compiler.compile_update(item, item.full_table_name, {}, null=NULL)


def test_update1_goes_through_the_compiler(item):
    item.update1({"item": 2, "note": None})
    assert (item & {"item": 2}).fetch1("note") is None


def test_insert_rows_with_defaults_and_skipped_duplicates(item):
    clauses = compiler.insert_clauses(item.full_table_name, ["item", "label", "note"], skip_duplicates_on="item")
    sql, params = compiler.compile_insert_rows(clauses, [[2, 3], ["dup", "c"], [NULL, "y"]], NULL)
    assert sql.endswith("VALUES (%s,%s,DEFAULT),(%s,%s,%s) ON DUPLICATE KEY UPDATE `item`=`item`")
    assert params == [2, "dup", 3, "c", "y"]
    execute(item.connection, sql, params)
    assert item.fetch("label", order_by="item").tolist() == ["a%", "b", "c"]


def test_insert_from_a_query_and_delete_and_drop(item, connection):
    other = dj.FreeTable(connection, item.full_table_name)
    sql, params = compiler.compile_insert_query(item.full_table_name, ["item", "label"],
                                                (other & "item = 1").proj(label="'copy'"), replace=True)
    assert sql.startswith("REPLACE INTO")
    execute(connection, sql, params)
    assert (item & {"item": 1}).fetch1("label") == "copy"
    sql, params = compiler.compile_delete(item & {"item": 1}, item.full_table_name)
    assert execute(connection, sql, params).rowcount == 1
    assert compiler.compile_drop(item.full_table_name) == (f"DROP TABLE {item.full_table_name}", [])


def test_rows_by_name_lookup_touch_and_ignore(item, connection):
    name = item.full_table_name
    sql, params = compiler.compile_lookup(name, ["label", "note"], {"item": 2})
    assert sql == f"SELECT `label`, `note` FROM {name} WHERE (`item`=%s)" and params == [2]
    assert execute(connection, sql, params).fetchone() == ("b", "x")
    sql, params = compiler.compile_insert_row(name, {"item": 2, "label": "again", "note": None}, ignore=True)
    assert sql.startswith("INSERT IGNORE INTO") and params == [2, "again", None]
    execute(connection, sql, params)  # a duplicate is ignored
    assert (item & {"item": 2}).fetch1("label") == "b"
    sql, _ = compiler.compile_insert_row(name, {"item": 4, "label": "d"}, touch_on_duplicate="note")
    assert sql.endswith("ON DUPLICATE KEY UPDATE `note`=CURRENT_TIMESTAMP")
    sql, params = compiler.compile_insert_row(name, {"item": 5, "label": "e", "note": None})
    execute(connection, sql, params)
    assert (item & {"item": 5}).fetch1("note") is None
