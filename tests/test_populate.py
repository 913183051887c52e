"""populate/progress/key_source/three-part make against the real server (no job reservations)."""
import pytest

import datajoint_interop as dj
from datajoint_interop.autopopulate import PopulateInputsChanged
from datajoint_interop.errors import DataJointError


@pytest.fixture
def pipe(connection, schema_name):
    """Src(sid) with 12 rows; Comp(-> Src) whose make doubles sid and logs each commit to Calls."""
    schema = dj.Schema(schema_name("pop"), connection=connection)

    @schema
    class Src(dj.Manual):
        definition = """
        sid: int
        ---
        grp: int
        """

    @schema
    class Calls(dj.Manual):
        definition = """
        call_id: int auto_increment
        ---
        sid: int
        """

    @schema
    class Comp(dj.Computed):
        definition = """
        -> Src
        ---
        val: int
        """
        fail_on = ()
        seen = []

        def make(self, key, factor=2):
            type(self).seen.append(key["sid"])
            Calls.insert1(dict(sid=key["sid"]))
            if key["sid"] in self.fail_on:
                raise ValueError(f"bad sid {key['sid']}")
            self.insert1(dict(key, val=key["sid"] * factor))

    Src.insert([dict(sid=i, grp=i % 3) for i in range(12)])
    Comp.seen = []
    return type("Pipe", (), dict(schema=schema, Src=Src, Comp=Comp, Calls=Calls))


def _vals(table):
    return dict(zip(*table.fetch("sid", "val")))


def test_populate_all_and_progress(pipe):
    assert pipe.Comp.progress(display=False) == (12, 12)
    result = pipe.Comp.populate()
    assert result == {"success_count": 12, "error_list": []}
    assert _vals(pipe.Comp) == {i: 2 * i for i in range(12)}
    assert pipe.Comp.progress(display=False) == (0, 12)
    assert pipe.Comp.populate() == {"success_count": 0, "error_list": []}
    assert len(pipe.Calls) == 12


def test_restrictions_limit_max_calls_order(pipe):
    assert pipe.Comp.populate("grp = 1")["success_count"] == 4
    assert set(pipe.Comp.fetch("sid")) == {1, 4, 7, 10}
    assert pipe.Comp.progress("grp = 1", display=False) == (0, 4)
    assert pipe.Comp.progress({"sid": 2}, display=False) == (1, 1)
    pipe.Comp.seen = []
    pipe.Comp.populate(order="reverse", max_calls=3)
    assert pipe.Comp.seen == [11, 9, 8]
    pipe.Comp.populate(limit=2)
    assert len(pipe.Comp) == 4 + 3 + 2
    pipe.Comp.populate(order="random")
    assert len(pipe.Comp) == 12


def test_make_kwargs(pipe):
    pipe.Comp.populate({"sid": 3}, make_kwargs={"factor": 10})
    assert _vals(pipe.Comp) == {3: 30}


def test_error_rolls_back_and_raises(pipe):
    pipe.Comp.fail_on = (5,)
    with pytest.raises(ValueError, match="bad sid 5"):
        pipe.Comp.populate("sid >= 4")
    # the failing make's Calls row was rolled back with it; earlier keys are committed
    assert set(pipe.Calls.fetch("sid")) == {4}
    assert set(pipe.Comp.fetch("sid")) == {4}
    assert not pipe.Comp.connection.in_transaction


def test_suppress_errors(pipe):
    pipe.Comp.fail_on = (2, 7)
    result = pipe.Comp.populate(suppress_errors=True)
    assert result["success_count"] == 10
    assert result["error_list"] == [({"sid": 2}, "ValueError: bad sid 2"), ({"sid": 7}, "ValueError: bad sid 7")]
    assert 2 not in set(pipe.Calls.fetch("sid"))
    result = pipe.Comp.populate(suppress_errors=True, return_exception_objects=True)
    assert [type(e) for _, e in result["error_list"]] == [ValueError, ValueError]


def test_keyboard_interrupt_reraised(pipe):
    class Stop(pipe.Comp):
        pass

    def make(self, key):
        raise KeyboardInterrupt

    pipe.Comp.make = make
    try:
        with pytest.raises(KeyboardInterrupt):
            pipe.Comp.populate(suppress_errors=True)
    finally:
        del pipe.Comp.make
    assert len(pipe.Comp) == 0 and not pipe.Comp.connection.in_transaction


def test_bad_arguments(pipe):
    with pytest.raises(DataJointError, match="order"):
        pipe.Comp.populate(order="sideways")
    with pytest.raises(DataJointError, match="restricted table"):
        (pipe.Comp() & "sid=1").populate()
    with pytest.raises(DataJointError, match="limit"):
        pipe.Comp.populate(limit=-1)


def test_default_key_source_renames_and_joins(connection, schema_name):
    schema = dj.Schema(schema_name("ks"), connection=connection)

    @schema
    class Cell(dj.Manual):
        definition = """
        cell: int
        """

    @schema
    class Param(dj.Lookup):
        definition = """
        param: varchar(8)
        """
        contents = [("p",), ("q",)]

    @schema
    class CellPair(dj.Computed):
        definition = """
        -> Cell.proj(pre='cell')
        -> Cell.proj(post='cell')
        -> Param
        ---
        total: int
        """

        def make(self, key):
            self.insert1(dict(key, total=key["pre"] * 10 + key["post"]))

    Cell.insert([(1,), (2,), (3,)])
    source = CellPair.key_source
    assert set(source.heading.names) == {"pre", "post", "param"}
    assert len(source) == 3 * 3 * 2
    CellPair.populate("pre < post")
    assert len(CellPair) == 3 * 2
    assert set(CellPair.fetch("total")) == {12, 13, 23}


def test_three_part_make(connection, schema_name):
    schema = dj.Schema(schema_name("tri"), connection=connection)

    @schema
    class Raw(dj.Manual):
        definition = """
        rid: int
        ---
        x: int
        """

    @schema
    class Derived(dj.Computed):
        definition = """
        -> Raw
        ---
        y: int
        """
        tamper = False
        computed_outside_transaction = []

        def make_fetch(self, key):
            return ((Raw & key).fetch1("x"),)

        def make_compute(self, key, x):
            type(self).computed_outside_transaction.append(not self.connection.in_transaction)
            if self.tamper:  # another client changes the input while we compute
                (Raw & key).delete_quick()
                Raw.insert1(dict(key, x=x + 1))
            return (x * x,)

        def make_insert(self, key, y):
            assert self.connection.in_transaction
            self.insert1(dict(key, y=y))

    Raw.insert([(1, 3), (2, 4)])
    assert Derived.populate("rid = 1") == {"success_count": 1, "error_list": []}
    assert Derived.fetch1("y") == 9
    assert Derived.computed_outside_transaction == [True]
    Derived.tamper = True
    result = Derived.populate(suppress_errors=True, return_exception_objects=True)
    assert len(result["error_list"]) == 1
    assert isinstance(result["error_list"][0][1], PopulateInputsChanged)
    assert len(Derived) == 1


def test_legacy_make_tuples(connection, schema_name):
    schema = dj.Schema(schema_name("legacy"), connection=connection)

    @schema
    class A(dj.Manual):
        definition = """
        a: int
        """

    @schema
    class B(dj.Computed):
        definition = """
        -> A
        """

        def _make_tuples(self, key):
            self.insert1(key)

    A.insert([(1,), (2,)])
    assert B.populate()["success_count"] == 2


def test_processes_split_keys(pipe):
    result = pipe.Comp.populate(processes=2)
    assert result == {"success_count": 12, "error_list": []}
    sids = list(pipe.Calls.fetch("sid"))
    assert sorted(sids) == list(range(12))  # each key made exactly once across the two processes
    # the parent's connection still works after the forked workers used their own
    assert pipe.Comp.progress(display=False) == (0, 12)


def test_explicit_keys_and_progress_display(pipe, capsys):
    assert pipe.Comp.populate(keys=[{"sid": 4}, {"sid": 9}])["success_count"] == 2
    assert set(pipe.Comp.fetch("sid")) == {4, 9}
    assert pipe.Comp.progress() == (10, 12)
    assert "Completed" not in capsys.readouterr().out  # quiet by default, as in 0.14
    assert pipe.Comp.progress(display=True) == (10, 12)
    assert "Completed 2 of 12 (16.7%)" in capsys.readouterr().out
    pipe.Comp.populate(display_progress=True)
    assert "Comp: 10 computed, 0 failed" in capsys.readouterr().out
