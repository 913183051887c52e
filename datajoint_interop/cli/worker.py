"""`dji worker PIPELINE`: the populate worker a scheduler runs (and its Slurm array script)."""
import importlib
import importlib.util
import os
import shlex
import sys

from ..core.errors import DataJointError

_SLURM_TEMPLATE = """#!/bin/bash
#SBATCH --job-name={name}
#SBATCH --array=0-{last}
#SBATCH --time={walltime}
#SBATCH --cpus-per-task=1
#SBATCH --signal=B:TERM@{signal_lead}
#SBATCH --output={name}-%A_%a.out
# Written by `dji worker --slurm-script`. Each array task is one worker on the shared ~jobs queue;
# they coordinate through the database, so no random start-up sleep is needed. Slurm sends SIGTERM
# {signal_lead} s before the time limit (and on scancel); the worker then takes no new key, lets
# the current one finish within --grace and hands it back otherwise. The worker also reads
# SLURM_JOB_END_TIME and takes no key that its recent make durations say would not finish.
# Database settings come from the environment (DJ_HOST, DJ_PORT, DJ_USER, DJ_PASS) or a config file.
# Put the activation of the Python environment that provides `dji` above the exec line.
exec {command}
"""


def _pipeline_argument(parser):
    parser.add_argument("pipeline", help="Python module name or path of a .py file that declares the tables")


def _restriction_argument(parser):
    parser.add_argument("--restriction", action="append", default=[], metavar="SQL",
                        help="a condition on the key source (repeatable; all must hold)")


def register(sub):
    parser = sub.add_parser(
        "worker", help="populate a pipeline's tables until done (for Slurm, Kubernetes, loops)",
        description="Import PIPELINE (a Python module name or a .py file) and populate its Imported and "
                    "Computed tables in dependency order through the shared ~jobs queue, until no work "
                    "remains or a limit is reached. SIGTERM/SIGINT: take no new key, let the current make "
                    "finish within --grace seconds, else roll it back and hand its key back. Prints one "
                    "summary line. Exit codes: 0 no work left, 3 a limit was reached, 4 no work left but "
                    "some makes failed, 128+N stopped by signal N, 1 bad arguments or setup.")
    _pipeline_argument(parser)
    parser.add_argument("--tables", help="comma-separated class names to populate (default: all of the module's)")
    _restriction_argument(parser)
    parser.add_argument("--max-jobs", type=int, help="stop after this many makes")
    parser.add_argument("--max-time", type=float, metavar="SECONDS",
                        help="take no key that would not finish within this many seconds from start "
                             "(also SLURM_JOB_END_TIME and --deadline, whichever is earliest)")
    parser.add_argument("--deadline", type=float, metavar="EPOCH", help="an absolute end time, epoch seconds")
    parser.add_argument("--margin", type=float, default=10.0, metavar="SECONDS",
                        help="keep this much time free before the end (default 10)")
    parser.add_argument("--idle-exit", type=int, default=0, metavar="N",
                        help="empty polls to wait through before exiting (default 0: exit at once)")
    parser.add_argument("--poll", type=float, default=1.0, metavar="SECONDS",
                        help="first idle wait, doubled each empty poll (default 1)")
    parser.add_argument("--poll-max", type=float, default=60.0, metavar="SECONDS",
                        help="longest idle wait (default 60)")
    parser.add_argument("--grace", type=float, default=20.0, metavar="SECONDS",
                        help="after SIGTERM, time the current make may take to finish (default 20)")
    parser.add_argument("--max-retries", type=int, default=2,
                        help="retries of errors of a retryable class per key (default 2)")
    parser.add_argument("--retry-on", action="append", metavar="TEXT",
                        help="error-message text that makes an error retryable (repeatable; default: "
                             "lost connections, deadlocks, lock wait timeouts)")
    parser.add_argument("--code-version", default=os.environ.get("DJ_CODE_VERSION", ""),
                        help="tag recorded with each make (default: $DJ_CODE_VERSION)")
    parser.add_argument("--slurm-script", action="store_true",
                        help="print an sbatch array script that runs this worker command, and exit")
    parser.add_argument("--array", type=int, default=4, help="with --slurm-script: number of workers")
    parser.add_argument("--walltime", default="01:00:00", help="with --slurm-script: #SBATCH --time")
    parser.set_defaults(func=_worker)
    parser.set_defaults(defaults={a.dest: a.default for a in parser._actions})

    schedule = sub.add_parser(
        "schedule", help="give keys of a computed table a priority or a delayed start for dji workers",
        description="Record in the schema's ~jobs_priority side table (which DataJoint 0.14 and MATLAB workers "
                    "ignore) that the keys of TABLE still to compute (all, or those matching --restriction) have "
                    "--priority (higher first, default 0) and, with --delay, start no earlier than that many "
                    "seconds from now.")
    _pipeline_argument(schedule)
    schedule.add_argument("table", help="class name of the computed table")
    _restriction_argument(schedule)
    schedule.add_argument("--priority", type=int, default=0, help="higher is attempted first (default 0)")
    schedule.add_argument("--delay", type=float, metavar="SECONDS", help="earliest start, seconds from now")
    schedule.set_defaults(func=_schedule)



def load_pipeline(spec):
    """The module named ``spec`` or the .py file at ``spec``."""
    if spec.endswith(".py") or os.sep in spec:
        path = os.path.abspath(spec)
        if not os.path.isfile(path):
            raise DataJointError(f"dji worker: no pipeline file {spec!r}")
        name = "dji_pipeline_" + os.path.splitext(os.path.basename(path))[0]
        module_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        sys.path.insert(0, os.path.dirname(path))
        module_spec.loader.exec_module(module)
        return module
    try:
        return importlib.import_module(spec)
    except ImportError as error:
        raise DataJointError(f"dji worker: cannot import pipeline module {spec!r}: {error}") from None


def pipeline_tables(module, names=None):
    """Instances of the module's bound Imported/Computed classes (only ``names`` if given)."""
    from ..compute.autopopulate import AutoPopulate
    found = {}
    for attribute, value in vars(module).items():
        if isinstance(value, type) and issubclass(value, AutoPopulate) and getattr(value, "database", None) \
                and getattr(value, "__module__", None) == module.__name__:
            found[value.__name__] = value
    if names:
        wanted = [n.strip() for n in names.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in found]
        if unknown:
            raise DataJointError(f"dji worker: {module.__name__} has no computed table named "
                                 f"{', '.join(unknown)} (it has: {', '.join(sorted(found)) or 'none'})")
        found = {n: found[n] for n in wanted}
    if not found:
        raise DataJointError(f"dji worker: {module.__name__} declares no Imported or Computed table")
    return [cls() for cls in found.values()]


_PASSED_ON = (("tables", "--tables"), ("max_jobs", "--max-jobs"), ("max_time", "--max-time"),
              ("deadline", "--deadline"), ("margin", "--margin"), ("idle_exit", "--idle-exit"),
              ("poll", "--poll"), ("poll_max", "--poll-max"), ("grace", "--grace"),
              ("max_retries", "--max-retries"), ("code_version", "--code-version"))


def worker_argv(args, parser_defaults):
    """The `dji worker` arguments of ``args`` that differ from the defaults (for the job script)."""
    argv = [args.pipeline]
    for name, flag in _PASSED_ON:
        value = getattr(args, name)
        if value is not None and value != parser_defaults.get(name):
            argv += [flag, str(value)]
    for text in args.restriction:
        argv += ["--restriction", text]
    for text in args.retry_on or ():
        argv += ["--retry-on", text]
    return argv


def slurm_script(argv, array, walltime, grace):
    """The sbatch array script that runs `dji worker` with ``argv`` in each of ``array`` tasks."""
    if array < 1:
        raise DataJointError(f"dji worker --slurm-script: --array must be >= 1, not {array}")
    parts = walltime.replace("-", ":").split(":")
    if not all(p.isdigit() for p in parts) or not 1 <= len(parts) <= 4:
        raise DataJointError(f"dji worker --slurm-script: --walltime {walltime!r} is not [D-]HH:MM:SS")
    command = " ".join(shlex.quote(a) for a in ["dji", "worker", *argv])
    return _SLURM_TEMPLATE.format(name="dji-worker", last=array - 1, walltime=walltime,
                                  signal_lead=int(grace) + 10, command=command)


def _worker(args):
    from ..compute.scheduler import run_worker
    from ..compute.runs import RETRYABLE_DEFAULT
    if args.slurm_script:
        argv = worker_argv(args, args.defaults)
        print(slurm_script(argv, args.array, args.walltime, args.grace), end="")
        return 0
    module = load_pipeline(args.pipeline)
    tables = pipeline_tables(module, args.tables)
    result = run_worker(
        tables, restrictions=tuple(args.restriction), max_jobs=args.max_jobs, max_time=args.max_time,
        deadline=args.deadline, margin=args.margin, idle_exit=args.idle_exit, poll=args.poll,
        poll_max=args.poll_max, grace=args.grace, max_retries=args.max_retries,
        retry_patterns=tuple(args.retry_on) if args.retry_on else RETRYABLE_DEFAULT,
        code_version=args.code_version)
    print(result.line(), flush=True)
    return result.exit_code


def _schedule(args):
    from ..compute.priority import schedule
    table, = pipeline_tables(load_pipeline(args.pipeline), args.table)
    count = schedule(table, table._fetch_todo(tuple(args.restriction)), priority=args.priority, delay=args.delay)
    when = f", starting in {args.delay:g} s" if args.delay is not None else ""
    print(f"{type(table).__name__}: {count} keys at priority {args.priority}{when}")
    return 0
