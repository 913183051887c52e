"""Diagram.add_parts, topo_sort and make_image as in DataJoint 0.14, on tables of the real server.

Both packages read the same schema; the shown sets of add_parts must be identical, and both
topological orders must satisfy the same rule (parents first; each master immediately followed by
its parts; a part's other parents before its master). 0.14 breaks ties arbitrarily, ours by name.
"""
import io

import pytest

import datajoint_interop as dj
from datajoint_interop.dependencies import extract_master, topo_sort
from datajoint_interop.table import FreeTable

import datajoint as dj14  # the 0.14 oracle (test dependency)

DDL = [
    "CREATE TABLE {db}.animal (animal_id int NOT NULL, PRIMARY KEY (animal_id))",
    "CREATE TABLE {db}.`#tool` (tool varchar(8) NOT NULL, PRIMARY KEY (tool))",
    "CREATE TABLE {db}.zz_probe (probe int NOT NULL, PRIMARY KEY (probe))",
    "CREATE TABLE {db}.session (animal_id int NOT NULL, session int NOT NULL, PRIMARY KEY (animal_id, session), "
    "FOREIGN KEY (animal_id) REFERENCES {db}.animal (animal_id))",
    "CREATE TABLE {db}.__scan (animal_id int NOT NULL, session int NOT NULL, PRIMARY KEY (animal_id, session), "
    "FOREIGN KEY (animal_id, session) REFERENCES {db}.session (animal_id, session))",
    "CREATE TABLE {db}.__scan__unit (animal_id int NOT NULL, session int NOT NULL, unit int NOT NULL, "
    "probe int NOT NULL, tool varchar(8) NOT NULL, PRIMARY KEY (animal_id, session, unit), "
    "FOREIGN KEY (animal_id, session) REFERENCES {db}.__scan (animal_id, session), "
    "FOREIGN KEY (probe) REFERENCES {db}.zz_probe (probe), FOREIGN KEY (tool) REFERENCES {db}.`#tool` (tool))",
    "CREATE TABLE {db}.__scan__area (animal_id int NOT NULL, session int NOT NULL, area int NOT NULL, "
    "PRIMARY KEY (animal_id, session, area), "
    "FOREIGN KEY (animal_id, session) REFERENCES {db}.__scan (animal_id, session))",
    "CREATE TABLE {db}.mating (mating int NOT NULL, mother int NOT NULL, father int NOT NULL, "
    "PRIMARY KEY (mating), FOREIGN KEY (mother) REFERENCES {db}.animal (animal_id), "
    "FOREIGN KEY (father) REFERENCES {db}.animal (animal_id))",
]
TABLES = ["animal", "#tool", "zz_probe", "session", "__scan", "__scan__unit", "__scan__area", "mating"]


@pytest.fixture(scope="module")
def pipeline(connection, db_prefix):
    db = f"{db_prefix}_dropin_diagram"
    connection.query(f"CREATE DATABASE `{db}`")
    for ddl in DDL:
        connection.query(ddl.format(db=f"`{db}`"))
    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    dj14.Schema(db, connection=c14, create_schema=False, create_tables=False)  # 0.14 graphs activated schemas
    yield db, dj.Schema(db, connection=connection), c14
    c14.close()


def _edges_without_aliases(graph):
    edges = set()
    for parent, child in graph.edges:
        if parent.isdigit():
            continue
        for target in (graph.successors(child) if child.isdigit() else [child]):
            edges.add((parent, target))
    return edges


def _check_order(order, graph):
    """The rule both implementations follow."""
    position = {name: i for i, name in enumerate(order)}
    for parent, child in _edges_without_aliases(graph):
        if parent in position and child in position:  # the shared connection also knows other tests' schemas
            assert position[parent] < position[child], (parent, child)
    for name in order:
        master = extract_master(name)
        if master in position:
            between = order[position[master] + 1:position[name]]
            assert all(extract_master(n) == master for n in between), (name, between)
            for parent, child in _edges_without_aliases(graph):
                if child == name and master not in (parent, extract_master(parent)):
                    assert position[parent] < position[master]


def test_topo_sort_keeps_parts_with_their_masters_as_014(pipeline):
    db, schema, c14 = pipeline
    ours = dj.Diagram(schema).topo_sort()
    full = [f"`{db}`.`{t}`" for t in TABLES]
    assert sorted(ours) == sorted(full)
    c14.dependencies.load()
    theirs = [n for n in dj14.dependencies.topo_sort(c14.dependencies) if n.startswith(f"`{db}`.")]
    assert sorted(theirs) == sorted(full)
    graph = schema.connection.dependencies
    _check_order(theirs, graph)  # the rule is 0.14's
    _check_order(ours, graph)
    # the part's parent zz_probe sorts after the master by name, yet comes before it
    assert ours.index(f"`{db}`.`zz_probe`") < ours.index(f"`{db}`.`__scan`")
    assert [n for n in topo_sort(graph) if n.startswith(f"`{db}`.")] == ours
    assert ours == dj.Diagram(schema).topo_sort()  # the same order on every call


def test_topo_sort_of_a_diagram_lists_the_tables_it_shows(pipeline):
    db, schema, _ = pipeline
    scan = FreeTable(schema.connection, f"`{db}`.`__scan`")
    assert (dj.Diagram(scan) - 1).topo_sort() == [f"`{db}`.`session`", f"`{db}`.`__scan`"]
    assert (dj.Diagram(scan) + 1).topo_sort() == [f"`{db}`.`__scan`", f"`{db}`.`__scan__area`",
                                                  f"`{db}`.`__scan__unit`"]


def test_add_parts_matches_014(pipeline):
    db, schema, c14 = pipeline
    for table in ("__scan", "session", "__scan__unit"):
        ours = dj.Diagram(FreeTable(schema.connection, f"`{db}`.`{table}`")).add_parts()
        theirs = dj14.Diagram(dj14.FreeTable(c14, f"`{db}`.`{table}`")).add_parts()
        assert ours.nodes_to_show == theirs.nodes_to_show
    scan = dj.Diagram(FreeTable(schema.connection, f"`{db}`.`__scan`"))
    assert scan.add_parts().nodes_to_show == {f"`{db}`.`__scan`", f"`{db}`.`__scan__unit`", f"`{db}`.`__scan__area`"}
    assert scan.nodes_to_show == {f"`{db}`.`__scan`"}  # add_parts returns a copy


def test_make_image_is_the_png_as_an_array(pipeline):
    from matplotlib import image
    _, schema, _ = pipeline
    diagram = dj.Diagram(schema)
    picture = diagram.make_image()
    expected = image.imread(diagram.make_png(), format="png")
    assert picture.ndim == 3 and picture.shape[2] in (3, 4) and picture.shape[0] > 50 and picture.shape[1] > 50
    assert (picture == expected).all()
    from datajoint_interop import diagram as module
    assert module.plot_active and module.diagram_active


def test_make_png_and_make_svg_return_014s_types(pipeline):
    """0.14: make_png() is a BytesIO of PNG bytes, make_svg() an IPython SVG object (data + _repr_svg_)."""
    db, schema, c14 = pipeline
    ours, theirs = dj.Diagram(schema), dj14.Diagram(dj14.Schema(db, connection=c14, create_schema=False))
    png, png14 = ours.make_png(), theirs.make_png()
    assert type(png) is type(png14) is io.BytesIO
    assert png.getvalue()[:8] == png14.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    svg, svg14 = ours.make_svg(), theirs.make_svg()
    assert type(svg) is type(svg14)  # IPython.display.SVG (installed with the test extras)
    assert svg.data.startswith("<svg") and svg._repr_svg_() == svg.data
    assert ours._repr_svg_() == svg.data


def test_make_svg_without_ipython_is_an_object_with_the_same_methods(pipeline, monkeypatch):
    import sys
    from datajoint_interop import diagram as module
    _, schema, _ = pipeline
    monkeypatch.setitem(sys.modules, "IPython", None)  # import IPython now fails
    monkeypatch.setitem(sys.modules, "IPython.display", None)
    svg = dj.Diagram(schema).make_svg()
    assert isinstance(svg, module.SvgImage)
    assert svg.data.startswith("<svg") and svg._repr_svg_() == svg.data and "Scan" in svg.data
    assert dj.Diagram(schema).draw()._repr_svg_() == svg.data
