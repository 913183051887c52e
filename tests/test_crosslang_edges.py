"""Values at the edges read by Python, by DataJoint 0.14 (the oracle) and by Octave from one table
(issue 17 item 7): FLOAT columns give the same doubles everywhere, whether or not the query bound
parameters; a NULL written by Octave for [] in a nullable blob is None in Python."""
import datajoint as dj14  # the 0.14 oracle (test dependency)

import datajoint_interop as dj

from .test_crosslang_support import read_json, run_octave, write_class, write_get_schema

DEFINITION = """
# float edges
id : int
---
x : float
y : float(10,4)
b = null : longblob
"""

VALUES = [1.01, 1.2345678, 123456789.0, 0.1, 3.4028234e38, -2.5e-7, 16777217.0, 0.30000001, 7.0, 1e-45]


def test_float_columns_agree_across_languages_and_protocols(connection, schema_name, tmp_path):
    db = schema_name("xedge")
    schema = dj.Schema(db, connection=connection)

    @schema
    class Edge(dj.Manual):
        definition = DEFINITION

    Edge.insert([dict(id=i, x=v, y=v % 1000) for i, v in enumerate(VALUES)])
    ours = Edge.fetch("x", "y", order_by="id")
    restricted = (Edge & "id >= 0" & {"id": 0}).fetch1("x")

    c14 = dj14.Connection(connection.host, connection.user, connection._password, port=connection.port,
                          use_tls=False)
    try:
        theirs = dj14.FreeTable(c14, f"`{db}`.`edge`").fetch("x", "y", order_by="id")
    finally:
        c14.close()
    assert [float(v) for v in ours[0]] == [float(v) for v in theirs[0]]
    assert [float(v) for v in ours[1]] == [float(v) for v in theirs[1]]
    assert ours[0][0] == 1.01 and restricted == 1.01 and ours[0][1] == 1.23457

    write_get_schema(tmp_path, "xedge", db)
    write_class(tmp_path, "xedge", "Edge", DEFINITION, "dj.Manual")
    run_octave(tmp_path, "edges", OCTAVE.replace("{db}", db))
    r = read_json(tmp_path / "result.json")
    python_x = [float(v) for v in ours[0]]
    python_y = [float(v) for v in ours[1]]
    for key in ("plain", "bound", "fetch"):
        assert [float(v) for v in r[f"{key}_x"]] == python_x, key
        assert [float(v) for v in r[f"{key}_y"]] == python_y, key
    assert (Edge & {"id": 100}).fetch1("b") is None


OCTAVE = """
c = dj.conn();
t = sprintf('`%s`.`edge`', '{db}');
plain = c.query(['SELECT x, y FROM ' t ' ORDER BY id']);
bound = c.query(['SELECT x, y FROM ' t ' WHERE id >= {S} ORDER BY id'], '0');
[fx, fy] = fetchn(xedge.Edge & struct('id', num2cell(0:20)), 'x', 'y', 'ORDER BY id');
r.plain_x = arrayfun(@(v) sprintf('%.17g', v), plain.x', 'UniformOutput', false);
r.plain_y = arrayfun(@(v) sprintf('%.17g', v), plain.y', 'UniformOutput', false);
r.bound_x = arrayfun(@(v) sprintf('%.17g', v), bound.x', 'UniformOutput', false);
r.bound_y = arrayfun(@(v) sprintf('%.17g', v), bound.y', 'UniformOutput', false);
r.fetch_x = arrayfun(@(v) sprintf('%.17g', v), fx', 'UniformOutput', false);
r.fetch_y = arrayfun(@(v) sprintf('%.17g', v), fy', 'UniformOutput', false);
insert(xedge.Edge, struct('id', 100, 'x', 1, 'y', 1, 'b', []));
write_json('result.json', r);
"""
