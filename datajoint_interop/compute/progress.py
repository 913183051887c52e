"""Progress of a pipeline's queue, per table (`dji jobs --summary`): cheap counts, rate and ETA.

Counts come from the key source and the target (two COUNT queries), ``~jobs`` (one GROUP BY on
its primary key prefix) and the recent successful makes in ``~jobs_runs`` (rate). 0.14 and MATLAB
workers leave no runs, so the rate then reflects our workers only; the counts are exact.
"""
from . import runs as run_log

COLUMNS = ("table", "total", "done", "pending", "reserved", "error", "ignore", "rate/s", "ETA")


def summary_rows(tables):
    """One dict per table with the COLUMNS' values (rate/ETA None when unknown)."""
    rows = []
    for table in tables:
        connection, database = table.connection, table.database
        todo = table._jobs_to_do(())
        total = len(todo)
        remaining = len(todo - table.target)
        jobs = run_log.job_counts(connection, database, table.table_name)
        rate = run_log.recent_rate(connection, database, table.table_name) \
            if run_log.has_runs_table(connection, database) else None
        pending = max(remaining - jobs["reserved"] - jobs["error"] - jobs["ignore"], 0)
        eta = (pending + jobs["reserved"]) / rate if rate else None
        rows.append({"table": type(table).__name__, "total": total, "done": total - remaining,
                     "pending": pending, "reserved": jobs["reserved"], "error": jobs["error"],
                     "ignore": jobs["ignore"], "rate/s": rate, "ETA": eta})
    return rows


def _cell(name, value):
    if value is None:
        return "-"
    if name == "rate/s":
        return f"{value:.2f}"
    if name == "ETA":
        return _duration(value)
    return str(value)


def _duration(seconds):
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def format_summary(rows):
    """A fixed-width text table of ``summary_rows``."""
    cells = [COLUMNS] + [tuple(_cell(c, row[c]) for c in COLUMNS) for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(line, widths)))
                     for line in cells)
