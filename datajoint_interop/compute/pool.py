"""populate(processes=N): the same worker loop in N forked processes, each with its own connection."""
import multiprocessing
import pickle

from .jobs import JobQueue
from .worker import _Outcome, _error_message, _progress_bar, _work


# ---------------------------------------------------------------------- several processes
_POOL_STATE = {}


def _pool_init(table, items, queue_args, options, counter, processes):
    """Runs in each forked worker: its own server connection, then the shared item list."""
    table.connection.connect()
    _POOL_STATE.update(table=table, items=items, queue_args=queue_args, options=options,
                       counter=counter, processes=processes)


class _Counter:
    def __init__(self, value):
        self.value = value

    def update(self, n):
        with self.value.get_lock():
            self.value.value += n


def _pool_work(worker):
    state = _POOL_STATE
    table, items, options = state["table"], state["items"], state["options"]
    n = len(items)
    start = worker * n // state["processes"]
    queue = None
    if state["queue_args"] is not None:
        queue = JobQueue(table.connection, *state["queue_args"][:2], target=state["queue_args"][2],
                         key_names=state["queue_args"][3])
        if state["queue_args"][3] is None:
            queue._target = None
        work_items = items
    else:  # without reservations, processes split the list into disjoint stretches
        work_items = items[start: (worker + 1) * n // state["processes"]]
        start = 0
    fences = [w * n // state["processes"] for w in range(state["processes"])] if queue is not None else ()
    outcome = _work(table, work_items, queue, start, _Counter(state["counter"]), fences=fences, **options)
    if options["return_exception_objects"]:
        for i, (key, error) in enumerate(outcome.error_list):
            try:
                pickle.dumps(error)
            except Exception:
                outcome.error_list[i] = (key, _error_message(error))
    return outcome


def _run_pool(table, items, queue, processes, display_progress, options):
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    queue_args = None
    if queue is not None:
        queue_args = (queue.database, queue.table_name, queue._target, queue._key_names)
    outcome = _Outcome()
    bar = _progress_bar(table, len(items)) if display_progress else None
    with context.Pool(processes, initializer=_pool_init,
                      initargs=(table, items, queue_args, options, counter, processes)) as pool:
        pending = pool.map_async(_pool_work, range(processes))
        while not pending.ready():
            pending.wait(0.2)
            if bar is not None:
                bar.update(counter.value - bar.n)
        for part in pending.get():
            outcome.merge(part)
    if bar is not None:
        bar.update(counter.value - bar.n)
        bar.close()
    return outcome
