"""A private one-node Slurm cluster on localhost, for tests/test_slurm.py (and by hand).

Debian's slurm-wlm and munge packages (scripts/lib.sh `slurm_packages`) start nothing here: this
module runs munged, slurmctld and slurmd itself, as root, without systemd and without cgroups
(ProctrackType=proctrack/linuxproc, TaskPlugin=task/none), with its own MUNGE key and socket,
state, spool and log folders in one temporary folder, and two free TCP ports, so it neither needs
nor touches a system Slurm. Clients (sbatch, squeue, scancel, ...) find it through SLURM_CONF in
``cluster.env``. One node with 2 CPUs; the partition lets 2 jobs share each CPU, so an array of 4
one-CPU workers runs at once, as it would on 4 cores.

Stopping cancels every job, stops the daemons by the ids they were started with, and then ends
any process still carrying this cluster's SLURM_CONF in its environment (job steps that
slurmstepd left behind), so nothing is left running; the temporary folder is removed.

By hand: ``python -m tests.slurm_cluster`` starts it, prints the SLURM_CONF to export and stops
it on Enter.
"""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

PROGRAMS = ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "sinfo", "scontrol")
NODE = "djinode"
PARTITION = "dji"
KILL_WAIT = 10  # seconds between scancel's SIGTERM and its SIGKILL

SLURM_CONF = """\
ClusterName=djitest
SlurmctldHost={host}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={root}/munge/socket
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
KillWait={kill_wait}
MinJobAge=3600
NodeName={node} NodeHostname={host} NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName={partition} Nodes={node} Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:2
"""


class SlurmError(RuntimeError):
    """The cluster could not be started or a client command failed."""


def missing_programs():
    """The Slurm and MUNGE programs not installed (scripts/lib.sh slurm_packages installs them)."""
    return [name for name in PROGRAMS if shutil.which(name) is None and
            not os.path.exists(os.path.join("/usr/sbin", name))]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _program(name):
    return shutil.which(name) or os.path.join("/usr/sbin", name)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][:1] not in ("Z", "X")
    except OSError:
        return False


class SlurmCluster:
    """munged + slurmctld + slurmd on localhost; ``start()``, client commands, ``stop()``."""

    def __init__(self, root=None):
        self.owns_root = root is None
        self.root = root or tempfile.mkdtemp(prefix="dji-slurm-")
        self.conf = os.path.join(self.root, "slurm.conf")
        self.env = dict(os.environ, SLURM_CONF=self.conf)
        self.daemons = {}
        self._logs = []

    # ------------------------------------------------------------------ life cycle
    def start(self, timeout=60):
        if os.geteuid() != 0:
            raise SlurmError("the private Slurm cluster runs its daemons as root: run the tests as root")
        missing = missing_programs()
        if missing:
            raise SlurmError(f"not installed: {', '.join(missing)} (scripts/lib.sh slurm_packages)")
        for sub in ("munge", "state", "spool", "log"):
            os.makedirs(os.path.join(self.root, sub), mode=0o700, exist_ok=True)
        os.chmod(self.root, 0o755)  # munged wants to see its socket's folders traversable
        key = os.path.join(self.root, "munge", "munge.key")
        subprocess.run([_program("mungekey"), "--create", f"--keyfile={key}", "--bits=1024"],
                       check=True, capture_output=True, timeout=30)
        os.chmod(key, 0o600)
        with open(self.conf, "w") as f:
            f.write(SLURM_CONF.format(host=socket.gethostname().split(".")[0], root=self.root,
                                      ctld_port=_free_port(), d_port=_free_port(), kill_wait=KILL_WAIT,
                                      node=NODE, partition=PARTITION))
        munge = os.path.join(self.root, "munge")
        self._spawn("munged", [_program("munged"), "--foreground", "--force", f"--socket={munge}/socket",
                               f"--key-file={key}", f"--log-file={munge}/munged.log",
                               f"--pid-file={munge}/munged.pid", f"--seed-file={munge}/seed"])
        self._wait(lambda: os.path.exists(f"{munge}/socket"), timeout, "munged to create its socket")
        self._spawn("slurmctld", [_program("slurmctld"), "-D", "-f", self.conf])
        self._spawn("slurmd", [_program("slurmd"), "-D", "-f", self.conf, "-N", NODE])
        self._wait(lambda: self.node_state() == "idle", timeout, "sinfo to show the node idle")
        return self

    def stop(self):
        """Cancel all jobs, stop the daemons, end leftover job processes; returns what had to be
        killed by force (an empty list when everything ended by itself)."""
        forced = []
        if "slurmctld" in self.daemons and _alive(self.daemons["slurmctld"].pid):
            with contextlib.suppress(Exception):
                self.client("scancel", "--partition", PARTITION, check=False)
                self._wait(lambda: not self.client("squeue", "-h", check=False).stdout.strip(), 3 * KILL_WAIT,
                           "cancelled jobs to end")
        for name in ("slurmd", "slurmctld", "munged"):
            process = self.daemons.get(name)
            if process is None or process.poll() is not None:
                continue
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)
                forced.append(name)
        for pid in self.leftover_processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            forced.append(f"pid {pid}")
        for log in self._logs:
            log.close()
        if self.owns_root and not self.leftover_processes():
            shutil.rmtree(self.root, ignore_errors=True)
        return forced

    def leftover_processes(self):
        """Processes (other than this one) whose environment names this cluster's SLURM_CONF:
        daemons, slurmstepd and the jobs they started."""
        marker = f"SLURM_CONF={self.conf}\0".encode()
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    environment = f.read() + b"\0"
            except OSError:
                continue
            if marker in environment and _alive(int(entry)):
                found.append(int(entry))
        return found

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------ clients
    def client(self, *argv, check=True, timeout=60, **kwargs):
        result = subprocess.run(argv, env=kwargs.pop("env", self.env), capture_output=True, text=True,
                                timeout=timeout, **kwargs)
        if check and result.returncode != 0:
            raise SlurmError(f"{' '.join(argv)} exited {result.returncode}: {result.stderr.strip()}")
        return result

    def node_state(self):
        return self.client("sinfo", "-h", "-N", "-o", "%t", check=False).stdout.strip()

    def job(self, job_id):
        """``scontrol show job`` as a dict (finished jobs stay listed for MinJobAge)."""
        text = self.client("scontrol", "-o", "show", "job", str(job_id)).stdout
        fields = {}
        for word in text.split():
            name, _, value = word.partition("=")
            fields.setdefault(name, value)
        return fields

    def logs(self):
        """The daemons' logs, for failure messages."""
        parts = []
        for path in ("log/slurmctld.log", "log/slurmd.log", "munge/munged.log"):
            full = os.path.join(self.root, path)
            if os.path.exists(full):
                with open(full, errors="replace") as f:
                    parts.append(f"== {path}\n" + "".join(f.readlines()[-30:]))
        return "\n".join(parts)

    # ------------------------------------------------------------------ helpers
    def _spawn(self, name, argv):
        log = open(os.path.join(self.root, "log", f"{name}.out"), "w")
        self._logs.append(log)
        self.daemons[name] = subprocess.Popen(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                              stdin=subprocess.DEVNULL, start_new_session=True)

    def _wait(self, predicate, timeout, what):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate():
                return
            dead = [n for n, p in self.daemons.items() if p.poll() is not None]
            if dead:
                raise SlurmError(f"{', '.join(dead)} exited while waiting for {what}\n{self.logs()}")
            time.sleep(0.2)
        raise SlurmError(f"timed out after {timeout} s waiting for {what}\n{self.logs()}")


if __name__ == "__main__":
    with SlurmCluster() as cluster:
        print(f"export SLURM_CONF={cluster.conf}")
        print(cluster.client("sinfo").stdout, end="")
        input("Enter stops the cluster: ")
