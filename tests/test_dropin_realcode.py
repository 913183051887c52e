"""Patterns taken from real DataJoint 0.14 pipelines (the DataJoint Elements and tutorials).

Each test is one gap found by running such pipelines unchanged on datajoint_interop: the
element-style module layout (an inactive ``dj.schema()`` decorated at import, activated later
with the upstream tables in ``add_objects``), the tutorials' query and fetch idioms. The
expectation is 0.14's, checked against the datajoint 0.14 oracle where it is exact.
"""
import subprocess
import sys
import textwrap

import pytest

import datajoint_interop as dj

import datajoint as dj14  # the 0.14 oracle (test dependency)

from .test_dropin_bugs import oracle  # noqa: F401  (fixture: a 0.14 connection to the same server)


def _run_fresh(code):
    """Run code in a fresh interpreter: import order matters for module attributes."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_lowercase_schema_stays_the_schema_class_after_the_ddl_subpackage_loads():
    # elements do `schema = dj.schema()` after another module already used dj.Schema
    out = _run_fresh("""
        import datajoint_interop as dj
        dj.Schema                                   # loads the DDL subpackage datajoint_interop.schema
        from datajoint_interop.schema.declare import compile_definition  # in-package imports still work
        import datajoint_interop.schema.heading
        print(dj.schema is dj.Schema, callable(dj.schema), type(dj.schema()).__name__)
    """)
    assert out == ["True", "True", "Schema"]
    assert dj14.schema is dj14.Schema


def test_add_objects_given_to_activate_resolve_deferred_masters_and_parts(connection, schema_name):
    upstream = dj.Schema(schema_name("up"), connection=connection)

    @upstream
    class Source(dj.Lookup):
        definition = """
        source : varchar(16)
        """
        contents = [("JAX",)]

    element = dj.Schema()  # as an element module: decorated at import, activated by the workflow

    @element
    class Allele(dj.Lookup):
        definition = """
        allele : varchar(16)
        """

        class Source(dj.Part):  # `Source` below is the upstream table from add_objects, as in 0.14
            definition = """
            -> master
            ---
            -> Source
            """

    @element
    class Subject(dj.Manual):
        definition = """
        subject : varchar(8)
        ---
        -> Supplier
        """

    del Source  # the classes above must find it through add_objects only
    element.activate(schema_name("element"), connection=connection,
                     add_objects={"Source": upstream_source(upstream), "Supplier": upstream_source(upstream)})
    try:
        Allele.insert1(("Ai32",))
        Allele.Source.insert1(("Ai32", "JAX"))
        Subject.insert1(("m1", "JAX"))
        assert (Allele * Allele.Source).fetch1() == {"allele": "Ai32", "source": "JAX"}
        parents = set(Allele.Source.parents()) | set(Subject.parents())
        assert f"`{upstream.database}`.`#source`" in parents
    finally:
        element.drop(force=True)
        upstream.drop(force=True)


def upstream_source(schema):
    return dj.create_virtual_module("up", schema.database, connection=schema.connection).Source


@pytest.fixture
def mice(connection, schema_name):
    """The getting-started tutorial's Mouse table, with its example rows."""
    schema = dj.Schema(schema_name("tutorial"), connection=connection)

    @schema
    class Mouse(dj.Manual):
        definition = """
        # Experimental animals
        mouse_id             : int                          # Unique animal ID
        ---
        dob=null             : date                         # date of birth
        sex="unknown"        : enum('M','F','unknown')      # sex
        """

    Mouse.insert([(0, "2017-03-01", "M"), (1, "2016-11-19", "M"), (2, "2016-11-20", "unknown"),
                  (5, "2016-12-25", "F"), (100, "2017-05-12", "F")])
    yield Mouse
    schema.drop(force=True)


@pytest.fixture
def oracle_table(oracle):
    """The same table read by datajoint 0.14."""
    return lambda table: dj14.FreeTable(oracle, table.full_table_name)


@pytest.mark.parametrize("attrs", [("sex", "dob"), ("dob", "sex"), ("sex", "KEY"), ("sex", "dob", "KEY")])
def test_fetch_attributes_as_dict_keep_the_heading_order(mice, oracle_table, attrs):
    ours = mice.fetch(*attrs, as_dict=True, order_by="mouse_id")
    theirs = oracle_table(mice).fetch(*attrs, as_dict=True, order_by="mouse_id")
    assert [list(row.items()) for row in ours] == [list(row.items()) for row in theirs]
    assert list(ours[0]) == [n for n in ("mouse_id", "dob", "sex") if n in ours[0]]


@pytest.fixture
def sessions(connection, schema_name, mice):
    schema = dj.Schema(mice.database, connection=connection)
    Mouse = mice  # noqa: F841  (the name the definition refers to)

    @schema
    class Session(dj.Manual):
        definition = """
        # Experiment session
        -> Mouse
        session_date               : date                         # date
        ---
        experiment_setup           : int                          # experiment setup ID
        experimenter               : varchar(100)                 # experimenter name
        data_path=''               : varchar(255)                 #
        weight=null                : float
        note=null                  : varchar(8)
        raw=null                   : longblob
        recording=null             : longblob
        """

    Session.insert([
        dict(mouse_id=0, session_date="2017-05-15", experiment_setup=0, experimenter="Edgar Y. Walker",
             raw=[1, 2]),
        dict(mouse_id=0, session_date="2018-01-15", experiment_setup=100, experimenter="Jacob Reimer",
             weight=21.5, note="ok"),
        dict(mouse_id=5, session_date="2018-01-15", experiment_setup=101, experimenter="Jacob Reimer")])
    return Session


@pytest.mark.parametrize("limit", [None, 2])
def test_text_preview_is_laid_out_as_in_014(mice, sessions, oracle_table, limit):
    # what a notebook cell shows for `Mouse()`, `Session()`, `Mouse * Session`
    for ours, theirs in [(mice(), oracle_table(mice)), (sessions(), oracle_table(sessions)),
                         (sessions & "mouse_id < 0", oracle_table(sessions) & "mouse_id < 0"),
                         (mice & "mouse_id > 1000", oracle_table(mice) & "mouse_id > 1000")]:
        assert ours.preview(limit=limit) == theirs.preview(limit=limit)
    assert repr(mice & "sex = 'M'") == (oracle_table(mice) & "sex = 'M'").preview()  # repr is the preview
    joined = (mice * sessions).preview(limit=limit)
    assert joined == (oracle_table(mice) * oracle_table(sessions)).preview(limit=limit)
    assert joined.splitlines()[1].startswith("+----------+ +------------+")


def test_heading_repr_is_laid_out_as_in_014(mice, sessions, oracle_table):
    # `Session.heading` in a notebook cell; tables with a comment, defaults, nulls and blobs
    def loaded(heading):  # 0.14 prints the table comment once the heading was read, as any query does
        heading.attributes
        return heading

    for ours in (mice, sessions):
        assert repr(ours.heading) == repr(loaded(oracle_table(ours).heading))
        assert repr((ours & "mouse_id > 0").heading) == repr(loaded((oracle_table(ours) & "mouse_id > 0").heading))
    # derived queries have no table comment line
    assert repr(mice.proj("sex").heading) == repr(loaded(oracle_table(mice).proj("sex").heading))
    assert repr((mice * sessions).heading) == repr(loaded((oracle_table(mice) * oracle_table(sessions)).heading))
    assert repr(mice.heading).startswith("# Experimental animals\n")
    assert "enum('M','F','unknown')" in repr(mice.heading)  # enum values keep their case
    assert mice.heading["sex"].type == "enum('M','F','unknown')"


def test_jobs_and_log_show_their_rows_like_014(mice, connection, oracle):
    # `schema.jobs` in a workflow notebook: 0.14 shows the rows without a FreeTable(...) line
    ours = dj.Schema(mice.database, connection=connection)
    theirs = dj14.Schema(mice.database, connection=oracle)
    assert repr(ours.jobs) == repr(theirs.jobs)
    assert repr(ours.jobs).startswith("*table_name")
    assert not repr(ours.log).startswith("FreeTable")


def test_make_svg_returns_an_svg_display_object_like_014(mice, connection, oracle):
    # workflow notebooks write `dj.Diagram(schema).make_svg().data` to a file
    ours = dj.Diagram(dj.Schema(mice.database, connection=connection)).make_svg()
    theirs = dj14.Diagram(dj14.Schema(mice.database, connection=oracle)).make_svg()
    assert type(ours) is type(theirs)
    assert ours.data.startswith("<svg") and "Mouse" in ours.data


def test_fetch_of_several_attributes_is_a_list_and_fetch1_a_tuple(mice, oracle_table):
    # element code indexes and appends to these; 0.14 returns a list from fetch, a tuple from fetch1
    ours = mice.fetch("sex", "dob", order_by="mouse_id")
    theirs = oracle_table(mice).fetch("sex", "dob", order_by="mouse_id")
    assert type(ours) is type(theirs) is list
    assert [a.tolist() for a in ours] == [a.tolist() for a in theirs]
    one = {"mouse_id": 0}
    assert type((mice & one).fetch1("sex", "dob")) is type((oracle_table(mice) & one).fetch1("sex", "dob")) is tuple
