"""Unknown-attribute errors keep DataJoint 0.14's wording, so code (and people) grepping for it
still match; ours may add what the table or query does have after 0.14's sentence.

Each operation runs through 0.14 (the test oracle) on the same table; our message must begin with
0.14's, and where 0.14 raised a KeyError ours is also one (UnknownAttributeError derives from both).
"""
import pytest

import datajoint_interop as dj
from datajoint_interop.errors import DataJointError, UnknownAttributeError

import datajoint as dj14  # the 0.14 oracle (test dependency)


@pytest.fixture(scope="module")
def tables(connection, db_prefix):
    schema = dj.Schema(f"{db_prefix}_dropin_errors", connection=connection)

    @schema
    class Reading(dj.Manual):
        definition = """
        rid : int
        ---
        val : float
        """

    Reading.insert1((1, 2.0))
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    yield Reading, dj14.FreeTable(c14, Reading.full_table_name)
    c14.close()


def _error(call):
    with pytest.raises(Exception) as info:
        call()
    return info.value


OPERATIONS = {
    "fetch": lambda t, _: t.fetch("nope"),
    "fetch1": lambda t, _: (t & "rid = 1").fetch1("nope"),
    "fetch KEY and a name": lambda t, _: t.fetch("KEY", "nope"),
    "proj": lambda t, _: t.proj("nope"),
    "update1": lambda t, _: t.update1(dict(rid=1, nope=3)),
    "aggr by dj.U": lambda t, m: m.U("nope").aggr(t, n="count(*)").fetch(),
    "insert1 of a dict": lambda t, _: t.insert1(dict(rid=2, val=1.0, nope=3)),
    "insert of a query": lambda t, _: t.insert(t.proj(..., nope="rid"), skip_duplicates=True),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_message_starts_with_014s(tables, operation):
    ours, theirs = tables
    mine = _error(lambda: OPERATIONS[operation](ours, dj))
    expected = _error(lambda: OPERATIONS[operation](theirs, dj14))
    text = expected.args[0] if isinstance(expected, KeyError) else str(expected)
    assert isinstance(mine, UnknownAttributeError) and isinstance(mine, DataJointError)
    assert str(mine).startswith(text), (str(mine), text)
    if isinstance(expected, KeyError):
        assert isinstance(mine, KeyError)


def test_heading_lookup_is_a_key_error_naming_the_attribute(tables):
    ours, theirs = tables
    with pytest.raises(KeyError):
        theirs.heading["nope"]
    with pytest.raises(KeyError, match=r"Attribute `nope` not found\. The heading has \['rid', 'val'\]"):
        ours.heading["nope"]
