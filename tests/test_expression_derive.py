"""The expression tree's one copy-with-changes constructor, QueryExpression._derive."""
import pytest

import datajoint_interop as dj
from datajoint_interop.query.condition import Const


@pytest.fixture
def table(connection, schema_name):
    schema = dj.Schema(schema_name("derive"), connection=connection)

    @schema
    class Item(dj.Manual):
        definition = """
        item : int
        ---
        label : varchar(20)
        """
    Item.insert([(1, "a"), (2, "b"), (3, "c")])
    yield Item()
    schema.drop(force=True)


def test_derive_copies_and_leaves_the_original_alone(table):
    restricted = table & "item > 1"
    derived = restricted._derive()
    derived._restriction.append(Const(False))
    assert len(restricted) == 2 and len(derived) == 0
    assert restricted._restriction is not derived._restriction


def test_derive_applies_changes_and_rejects_unknown_fields(table):
    top = table._derive(_top=dj.Top(limit=1, order_by="item DESC"))
    assert top.fetch("item").tolist() == [3]
    with pytest.raises(TypeError, match="_colour"):
        table._derive(_colour="red")


def test_operators_still_compose(table):
    query = (table & "item > 1").proj(name="label") * dj.U("item").aggr(table, n="count(*)")
    assert sorted(query.fetch("item", "name", "n", as_dict=True), key=lambda r: r["item"]) == [
        {"item": 2, "name": "b", "n": 1}, {"item": 3, "name": "c", "n": 1}]
