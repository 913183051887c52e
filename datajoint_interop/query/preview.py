"""Text and HTML previews of a query: the first rows, for terminals and notebooks.

A preview fetches at most ``display.limit`` rows (never blobs: they show as ``=BLOB=``) plus one
count, so looking at a huge table stays cheap.
"""
import html

import numpy as np

from ..core.settings import config


_BLOB = "=BLOB="


def _null_014(attribute):
    """How 0.14's text preview prints NULL: its array fetch turns it into NaN in float columns."""
    return "nan" if attribute.dtype == np.float64 else "None"


def _rows(query, limit, null=lambda attribute: ""):
    heading = query.heading
    names = heading.names
    shown = [n for n in names if not (heading[n].is_blob or heading[n].is_attachment or heading[n].is_external)]
    rows = query.fetch(*shown, as_dict=True, limit=limit + 1, order_by="KEY") if shown else []
    has_more = len(rows) > limit
    rows = rows[:limit]
    table = []
    for r in rows:
        table.append([_BLOB if n not in shown else (null(heading[n]) if r[n] is None else str(r[n])) for n in names])
    hidden = {n for n in names if n not in shown}
    return names, heading.primary_key, table, has_more, hidden


def preview(query, limit=None, width=None):
    """0.14's text layout, so notebooks and doctests written for it print the same table: each
    column as wide as its longest name or value plus 4 (at most ``width``), cut without a mark,
    columns one space apart, a ``+---+`` rule, ``...`` when rows were left out, then the count."""
    limit = config["display.limit"] if limit is None else limit
    width = config["display.width"] if width is None else width
    names, pk, rows, has_more, hidden = _rows(query, limit, null=_null_014)
    # a column shown as =BLOB= is as wide as that mark, whatever its name (as 0.14)
    widths = [min((len(_BLOB) if n in hidden else max([len(n)] + [len(r[i]) for r in rows])) + 4, width)
              for i, n in enumerate(names)]

    def line(values):
        return " ".join(str(v)[:w].ljust(w) for v, w in zip(values, widths))

    text = (line(("*" if n in pk else "") + n for n in names) + "\n"
            + " ".join("+" + "-" * (w - 2) + "+" for w in widths) + "\n"
            + "\n".join(line(r) for r in rows)
            + ("\n   ...\n" if has_more else "\n"))
    if config["display.show_tuple_count"]:
        text += f" (Total: {len(query)})\n"
    return text


#: how notebooks show previews: primary-key columns bold and underlined, as in 0.14's previews
#: (whose HTML also starts with its <style> block)
_HTML_STYLE = ("<style type=\"text/css\">.dj-preview table {border-collapse: collapse;} "
               ".dj-preview th, .dj-preview td {padding: 2px 6px; text-align: left;} "
               ".dj-preview th.pk {font-weight: bold; text-decoration: underline;}</style>")


def repr_html(query, limit=None):
    limit = config["display.limit"] if limit is None else limit
    names, pk, rows, has_more, _ = _rows(query, limit)
    pk_class = ' class="pk"'
    head = "".join(f"<th{pk_class if n in pk else ''}>{html.escape(n)}</th>" for n in names)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in rows)
    more = "<p>...</p>" if has_more else ""
    return (f"{_HTML_STYLE}<div class=\"dj-preview\"><table border=\"1\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{more}<p>Total: {len(query)}</p></div>")
