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


@pytest.mark.parametrize("kwargs", [dict(limit="1"), dict(order_by=1), dict(offset="1")])
def test_top_argument_errors_start_with_014s(kwargs):
    with pytest.raises(TypeError) as theirs:
        dj14.Top(**kwargs)
    with pytest.raises(TypeError) as mine:
        dj.Top(**kwargs)
    assert str(mine.value).startswith(str(theirs.value))


def test_top_inside_a_list_or_andlist_is_refused_with_014s_message(tables):
    ours, theirs = tables
    assert repr(dj.Top()) == repr(dj14.Top()) == "Top(limit=1, order_by=['KEY'], offset=0)"
    for restriction, restriction14 in ((("rid = 1", dj.Top()), ("rid = 1", dj14.Top())),
                                       (dj.AndList(["rid = 1", dj.Top()]), dj14.AndList(["rid = 1", dj14.Top()]))):
        with pytest.raises(DataJointError) as mine:
            ours & restriction
        with pytest.raises(dj14.DataJointError) as expected:
            theirs & restriction14
        assert str(mine.value) == str(expected.value) == "Invalid restriction type Top(limit=1, order_by=['KEY'], offset=0)"
