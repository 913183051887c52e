"""Text and HTML previews of a query: the first rows, for terminals and notebooks.

A preview fetches at most ``display.limit`` rows (never blobs: they show as ``=BLOB=``) plus one
count, so looking at a huge table stays cheap.
"""
import html

from ..core.settings import config


def _rows(query, limit):
    heading = query.heading
    names = heading.names
    shown = [n for n in names if not (heading[n].is_blob or heading[n].is_attachment or heading[n].is_external)]
    rows = query.fetch(*shown, as_dict=True, limit=limit + 1, order_by="KEY") if shown else []
    has_more = len(rows) > limit
    rows = rows[:limit]
    table = []
    for r in rows:
        table.append(["=BLOB=" if n not in shown else ("" if r[n] is None else str(r[n])) for n in names])
    return names, heading.primary_key, table, has_more


def preview(query, limit=None, width=None):
    limit = config["display.limit"] if limit is None else limit
    width = config["display.width"] if width is None else width
    names, pk, rows, has_more = _rows(query, limit)

    def cell(text):
        text = str(text)
        return (text if len(text) <= width else text[: max(width - 3, 1)] + "...").ljust(width)

    lines = ["  ".join(cell(("*" if n in pk else "") + n) for n in names),
             "  ".join("-" * width for _ in names)]
    lines += ["  ".join(cell(v) for v in r) for r in rows]
    if has_more:
        lines.append("   ...")
    if config["display.show_tuple_count"]:
        lines.append(f" (Total: {len(query)})")
    return "\n".join(lines) + "\n"


#: how notebooks show previews: primary-key columns bold and underlined, as in 0.14's previews
#: (whose HTML also starts with its <style> block)
_HTML_STYLE = ("<style type=\"text/css\">.dj-preview table {border-collapse: collapse;} "
               ".dj-preview th, .dj-preview td {padding: 2px 6px; text-align: left;} "
               ".dj-preview th.pk {font-weight: bold; text-decoration: underline;}</style>")


def repr_html(query, limit=None):
    limit = config["display.limit"] if limit is None else limit
    names, pk, rows, has_more = _rows(query, limit)
    pk_class = ' class="pk"'
    head = "".join(f"<th{pk_class if n in pk else ''}>{html.escape(n)}</th>" for n in names)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in rows)
    more = "<p>...</p>" if has_more else ""
    return (f"{_HTML_STYLE}<div class=\"dj-preview\"><table border=\"1\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{more}<p>Total: {len(query)}</p></div>")
