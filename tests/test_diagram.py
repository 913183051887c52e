"""Diagrams rendered by Graphviz: every table present, tiers styled, expansion algebra, the CLI."""
import xml.etree.ElementTree as ET

import pytest

import datajoint_interop as dj
from datajoint_interop.cli import main as dji
from datajoint_interop.errors import DataJointError

from tests.test_schema import make_lab

SVG = "{http://www.w3.org/2000/svg}"


def labels(svg):
    """Texts of the drawn nodes."""
    root = ET.fromstring(svg)
    return {text.text for text in root.iter(f"{SVG}text") if text.text}


@pytest.fixture(scope="module")
def lab(connection, db_prefix):
    schema = dj.Schema(f"{db_prefix}_diagram", connection=connection)
    classes = make_lab(schema)
    Animal = classes[0]  # noqa: F841  (referenced by the definition below)

    @schema
    class Mating(dj.Manual):
        definition = """
        mating : int
        ---
        -> Animal.proj(mother='animal_id')
        -> Animal.proj(father='animal_id')
        """

    return schema, (*classes, Mating)


def shown(diagram):
    return {name.split(".")[1].strip("`") for name in diagram.nodes_to_show}


def test_schema_diagram_svg_contains_every_table(lab):
    schema, _ = lab
    diagram = dj.Diagram(schema)
    svg = diagram.make_svg().data  # an IPython SVG object, as 0.14 returns
    assert labels(svg) >= {"Animal", "Band", "Session", "Power", "Power.Channel", "Mating"}
    assert labels(diagram._repr_svg_()) == labels(svg)
    graph = diagram.make_graph()
    tiers = {data["label"]: data["tier"] for _, data in graph.nodes(data=True) if data["tier"] != "alias"}
    assert tiers == {"Animal": "manual", "Band": "lookup", "Session": "imported", "Power": "computed",
                     "Power.Channel": "part", "Mating": "manual"}
    aliases = [n for n, data in graph.nodes(data=True) if data["tier"] == "alias"]
    assert len(aliases) == 2  # the two renamed references of Mating go through alias nodes
    assert set(schema.list_tables()) == shown(diagram)


def test_expansion_and_algebra(lab):
    _, (Animal, Band, Session, Power, Mating) = lab
    assert shown(dj.Diagram(Session) + 1) == {"_session", "__power"}
    assert shown(dj.Diagram(Power) - 1) == {"__power", "_session", "#band"}
    assert shown(dj.Diagram(Power) - 2) == {"__power", "_session", "#band", "animal"}
    assert shown(dj.Diagram(Animal) + 1) == {"animal", "_session", "mating"}
    assert shown(dj.Diagram(Animal) + dj.Diagram(Band)) == {"animal", "#band"}
    assert shown((dj.Diagram(Animal) + 9) - dj.Diagram(Power)) == {"animal", "_session", "__power__channel",
                                                                    "mating"}
    assert shown((dj.Diagram(Animal) + 1) * (dj.Diagram(Power) - 1)) == {"_session"}
    assert dj.ERD is dj.Diagram and dj.Di is dj.Diagram


def test_save_formats(lab, tmp_path):
    schema, _ = lab
    diagram = dj.Diagram(schema)
    svg_file = diagram.save(tmp_path / "lab.svg")
    assert "Power.Channel" in labels(svg_file.read_text())
    png = diagram.save(str(tmp_path / "lab.png"))
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    dot = diagram.save(str(tmp_path / "lab.dot"))
    assert "digraph" in open(dot).read()
    with pytest.raises(DataJointError, match="Unsupported diagram format"):
        diagram.save(str(tmp_path / "lab.bmp"))


def test_virtual_module_diagram(lab, connection):
    schema, _ = lab
    module = dj.VirtualModule("drawn", schema.database, connection=connection)
    assert labels(dj.Diagram(module).make_svg().data) >= {"Animal", "Mating", "Power.Channel"}


def test_missing_graphviz_says_what_to_install(lab, monkeypatch, tmp_path):
    schema, _ = lab
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    with pytest.raises(DataJointError, match=r"install Graphviz .*apt-get install graphviz"):
        dj.Diagram(schema).save(str(tmp_path / "x.svg"))


def test_bad_source():
    with pytest.raises(DataJointError, match="Cannot draw"):
        dj.Diagram(42)


def test_cli_diagram(lab, tmp_path, capsys):
    schema, _ = lab
    out = tmp_path / "cli.svg"
    assert dji(["diagram", schema.database, "-o", str(out)]) == 0
    assert labels(out.read_text()) >= {"Animal", "Band", "Session", "Power", "Power.Channel", "Mating"}
    assert dji(["diagram", schema.database, "-o", str(out), "--table", "_session", "--down", "1"]) == 0
    assert labels(out.read_text()) >= {"Session", "Power"} and "Animal" not in labels(out.read_text())
    assert dji(["diagram", schema.database + "_nope", "-o", str(out)]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_draw_returns_an_svg_display(lab):
    schema, _ = lab
    drawn = dj.Diagram(schema).draw()
    svg = drawn if isinstance(drawn, str) else drawn.data  # IPython.display.SVG when IPython is there
    assert "Power.Channel" in labels(svg)


def test_private_make_graph_names_nodes_by_class_as_014(lab):
    schema, _ = lab
    graph = dj.Diagram(schema)._make_graph()
    names = {n for n, data in graph.nodes(data=True) if data["tier"] != "alias"}
    assert names == {"Animal", "Band", "Session", "Power", "Power.Channel", "Mating"}
    assert graph.has_edge("Power", "Power.Channel") and graph.number_of_edges() == dj.Diagram(schema).make_graph().number_of_edges()
