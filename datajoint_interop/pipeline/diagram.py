"""Diagrams of pipelines: which tables exist, their tiers, and the foreign keys between them.

A Diagram is a set of tables to show on top of the connection's dependency graph. ``+ n`` / ``- n``
grow it ``n`` steps down to dependents or up to dependencies, ``+``/``-``/``*`` of two diagrams are
set union, difference and intersection. Rendering goes through Graphviz ``dot`` (via pydot), the
only tool that lays such graphs out readably; without it the error says what to install.
"""
import importlib.util
import io

import networkx as nx

from ..schema import naming
from ..core.dependencies import extract_master, topo_sort
from ..core.errors import DataJointError
from ..core.sql import quote_identifier, split_full_table_name
from .schemas import Schema

__all__ = ["Diagram", "ERD", "Di"]

#: 0.14's flags: diagrams can be built (pydot is a dependency), images read (matplotlib is optional)
diagram_active = True
plot_active = importlib.util.find_spec("matplotlib") is not None

# tier -> graphviz node attributes (shape and color carry the tier, as in DataJoint's diagrams)
STYLES = {
    "manual": dict(shape="box", style="filled", fillcolor="#9fd89f", color="#2e7d32", fontcolor="#1b3d1b"),
    "lookup": dict(shape="plaintext", style="filled", fillcolor="#e0e0e0", color="#9e9e9e",
                   fontcolor="#333333"),
    "imported": dict(shape="ellipse", style="filled", fillcolor="#90b8e8", color="#1f4f8f",
                     fontcolor="#0d2a4d"),
    "computed": dict(shape="ellipse", style="filled", fillcolor="#f2a19a", color="#b3261e",
                     fontcolor="#4d100c"),
    "part": dict(shape="plaintext", style="", fontsize="10", fontcolor="#000000"),
    None: dict(shape="box", style="dashed", fontcolor="#555555"),
}

_INSTALL_HINT = ("install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
                 "conda: conda install graphviz) and make sure `dot` is on PATH")


def _is_alias(node):
    return node.isdigit()


def _source_tables(source):
    """(connection, databases, full table names to show) for a Schema, module, table or class."""

    if isinstance(source, Schema) or hasattr(source, "schema") and isinstance(getattr(source, "schema"), Schema):
        schema = source if isinstance(source, Schema) else source.schema
        schema._require_active()
        return schema.connection, [schema.database], None
    connection = getattr(source, "connection", None)
    try:
        name = source.full_table_name
    except (AttributeError, DataJointError):
        name = None
    if connection is None or not isinstance(name, str):
        raise DataJointError(f"Cannot draw {source!r}: pass a schema, a virtual module, a table class or a "
                             "table")
    return connection, [split_full_table_name(name)[0]], {name}


class SvgImage:
    """What `Diagram.make_svg` returns when IPython is not installed: the SVG text as ``data``,
    shown by Jupyter-like front ends through ``_repr_svg_`` (IPython's ``SVG`` has both)."""

    def __init__(self, data):
        start = data.find("<svg")
        self.data = data[start:] if start >= 0 else data  # the <svg> element alone, as IPython keeps it

    def _repr_svg_(self):
        return self.data

    def __repr__(self):
        return f"<SvgImage: {len(self.data)} characters of SVG>"


def _svg_object(text):
    try:
        from IPython.display import SVG
    except ImportError:
        return SvgImage(text)
    return SVG(text)


class Diagram(nx.DiGraph):
    """The dependency graph of one or more schemas, restricted to the tables chosen for display."""

    def __init__(self, source=None, context=None):
        if source is None:  # networkx builds empty instances of graph classes (views, copies)
            super().__init__()
            self.nodes_to_show, self.connection, self.context = set(), None, context
            return
        if isinstance(source, Diagram):
            super().__init__(source)
            self.nodes_to_show = set(source.nodes_to_show)
            self.connection = source.connection
            self.context = source.context if context is None else context
            return
        connection, databases, tables = _source_tables(source)
        graph = connection.dependencies
        graph.load(force=True, schemas=databases)
        super().__init__(graph)
        self.connection = connection
        self.context = context
        if tables is None:
            prefixes = tuple(quote_identifier(db) + "." for db in databases)
            tables = {n for n in self.nodes if not _is_alias(n) and n.startswith(prefixes)}
        missing = [t for t in tables if t not in self]
        if missing:
            raise DataJointError(f"Table {missing[0]} is not declared")
        self.nodes_to_show = set(tables)

    # --- set algebra -----------------------------------------------------------------------------
    def _step(self, nodes, neighbors):
        out = set()
        for node in nodes:
            for near in neighbors(node):
                out.update(neighbors(near) if _is_alias(near) else (near,))
        return out

    def _expanded(self, steps, neighbors):
        """A copy showing also the tables up to `steps` edges away (in the direction of neighbors)."""
        result = Diagram(self)
        for _ in range(steps):
            grown = self._step(result.nodes_to_show, neighbors) - result.nodes_to_show
            if not grown:
                break
            result.nodes_to_show |= grown
        return result

    def __add__(self, other):
        if isinstance(other, int):
            return self._expanded(other, self.successors)
        result = Diagram(self)
        other = other if isinstance(other, Diagram) else Diagram(other)
        result.add_nodes_from(other.nodes(data=True))
        result.add_edges_from(other.edges(data=True))
        result.nodes_to_show |= other.nodes_to_show
        return result

    def __sub__(self, other):
        if isinstance(other, int):
            return self._expanded(other, self.predecessors)
        result = Diagram(self)
        other = other if isinstance(other, Diagram) else Diagram(other)
        result.nodes_to_show -= other.nodes_to_show
        return result

    def __mul__(self, other):
        other = other if isinstance(other, Diagram) else Diagram(other)
        result = Diagram(self)
        result.nodes_to_show &= other.nodes_to_show
        return result

    def add_parts(self):
        """A copy that also shows the part tables of every master it shows (0.14's ``add_parts``)."""
        result = Diagram(self)
        result.nodes_to_show |= {n for n in self.nodes if extract_master(n) in self.nodes_to_show}
        return result

    def topo_sort(self):
        """The shown tables in dependency order, each master followed by its parts."""
        return [n for n in topo_sort(self) if n in self.nodes_to_show]

    # --- the graph that is drawn -----------------------------------------------------------------
    def _label(self, node, databases):
        database, table = split_full_table_name(node)
        tier, master = naming.parse_table_name(table)
        name = naming.class_name_of(table) if tier else table
        if tier == "part":
            name = f"{naming.class_name_of(master)}.{name}"
        if len(databases) > 1:
            name = f"{database}.{name}"
        return tier, name

    def make_graph(self):
        """The shown tables plus the alias nodes between them, with tier and label attributes."""
        shown = set(self.nodes_to_show)
        aliases = {n for n in self.nodes if _is_alias(n)
                   and set(self.predecessors(n)) <= shown and set(self.successors(n)) <= shown}
        graph = nx.DiGraph(self.subgraph(shown | aliases))
        databases = {split_full_table_name(n)[0] for n in shown}
        for node in graph.nodes:
            if _is_alias(node):
                graph.nodes[node].update(tier="alias", label="")
            else:
                tier, label = self._label(node, databases)
                graph.nodes[node].update(tier=tier, label=label)
        return graph

    def _make_graph(self):
        """make_graph() with each table's node named by its label (the class name), alias nodes by
        number: the graph 0.14's ``_make_graph`` returns, which 0.14-era code inspects."""
        graph = self.make_graph()
        return nx.relabel_nodes(graph, {n: data["label"] for n, data in graph.nodes(data=True)
                                        if data["tier"] != "alias"})

    def make_dot(self):
        try:
            import pydot
        except ImportError:  # pragma: no cover - pydot is a dependency
            raise DataJointError("Drawing diagrams needs the pydot package: pip install pydot") from None
        graph = self.make_graph()
        dot = pydot.Dot(graph_type="digraph", rankdir="TB", nodesep="0.3", ranksep="0.5", fontname="Helvetica")
        ids = {node: f"n{i}" for i, node in enumerate(sorted(graph.nodes))}
        for node, data in sorted(graph.nodes(data=True)):
            if data["tier"] == "alias":
                dot.add_node(pydot.Node(ids[node], shape="circle", label='""', width="0.08", height="0.08",
                                        style="filled", fillcolor="#ff9800", color="#ff9800"))
                continue
            attributes = dict(STYLES.get(data["tier"], STYLES[None]))
            attributes.setdefault("fontsize", "12")
            dot.add_node(pydot.Node(ids[node], label=f'"{data["label"]}"', tooltip=f'"{node}"',
                                    fontname="Helvetica", **attributes))
        for parent, child, data in graph.edges(data=True):
            primary = data.get("primary", False)
            aliased = data.get("aliased", False)
            dot.add_edge(pydot.Edge(ids[parent], ids[child], arrowhead="none",
                                    penwidth="2" if primary else "1",
                                    style="solid" if primary else "dashed",
                                    color="#ff9800" if aliased else "#666666"))
        return dot

    def _render(self, fmt):
        dot = self.make_dot()
        try:
            return dot.create(format=fmt)
        except FileNotFoundError:
            raise DataJointError(f"Cannot draw the diagram: Graphviz's `dot` program was not found. "
                                 f"{_INSTALL_HINT}") from None
        except Exception as error:  # pydot reports a failed `dot` run as a plain Exception/AssertionError
            if "not found" in str(error).lower():
                raise DataJointError(f"Cannot draw the diagram: Graphviz's `dot` program was not found. "
                                     f"{_INSTALL_HINT}") from None
            raise DataJointError(f"Graphviz failed to draw the diagram: {error}") from error

    def make_svg(self):
        """The diagram as an SVG display object, as 0.14 returns (IPython's ``SVG`` when IPython is
        installed, else `SvgImage` with the same ``data`` and ``_repr_svg_``)."""
        return _svg_object(self._render("svg").decode("utf-8"))

    def make_png(self):
        """The diagram as PNG bytes in a ``BytesIO``, as 0.14 returns."""
        return io.BytesIO(self._render("png"))

    def make_image(self):
        """The diagram as an RGBA image array (height x width x 4), as ``matplotlib`` reads a PNG."""
        try:
            from matplotlib import image
        except ImportError:
            raise DataJointError("Diagram.make_image needs matplotlib: pip install matplotlib") from None
        return image.imread(self.make_png(), format="png")

    def _repr_svg_(self):
        return self.make_svg()._repr_svg_()

    def draw(self):
        """Show the diagram: the SVG display object (Jupyter shows it; 0.14 plots with pyplot)."""
        return self.make_svg()

    def save(self, filename, format=None):
        """Write the diagram to ``filename``; the format comes from the extension (svg, png, pdf, dot)."""
        fmt = (format or str(filename).rsplit(".", 1)[-1]).lower()
        if fmt not in ("svg", "png", "pdf", "dot"):
            raise DataJointError(f"Unsupported diagram format {fmt!r}: use .svg, .png, .pdf or .dot")
        data = self.make_dot().to_string().encode() if fmt == "dot" else self._render(fmt)
        with open(filename, "wb") as file:
            file.write(data)
        return filename

    def __repr__(self):
        return f"<Diagram of {len(self.nodes_to_show)} tables>"


ERD = Di = Diagram
