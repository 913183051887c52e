"""The demo pipeline: a small lab (animals, sessions, scans, a computed power table).

Run by `./scripts/setup-and-demo`. It uses the server `dj.conn()` chooses (docs/settings.md; the
setup script starts a private one with `dji server start` when none answers), makes its own schema
`dji_demo`, fills it, populates a computed table with the job queue, queries it, and, when Octave
is available, reads the same rows from the MATLAB toolbox.
"""
import os
import shutil
import subprocess
import sys

import numpy as np

import datajoint_interop as dj

SCHEMA = os.environ.get("DJI_DEMO_SCHEMA", "dji_demo")
HERE = os.path.dirname(os.path.abspath(__file__))

schema = dj.Schema(SCHEMA)


@schema
class Animal(dj.Manual):
    definition = """
    # experimental animals
    animal_id : int            # unique animal id
    ---
    species : enum('mouse', 'rat')
    dob : date                 # date of birth
    """


@schema
class Session(dj.Manual):
    definition = """
    # recording session
    -> Animal
    session : smallint
    ---
    lens : varchar(8)          # objective lens
    """


@schema
class FrequencyBand(dj.Lookup):
    definition = """
    band : varchar(8)
    ---
    freq_lo : float            # (Hz)
    freq_hi : float            # (Hz)
    """
    contents = [("theta", 4, 8), ("gamma", 30, 80)]


@schema
class LFP(dj.Manual):
    definition = """
    # local field potential
    -> Session
    ---
    dt : float                 # (s) sampling interval
    voltage : longblob         # (mV) signal
    """


@schema
class Power(dj.Computed):
    definition = """
    # LFP power in each frequency band
    -> LFP
    -> FrequencyBand
    ---
    power : float              # mV^2 -- average power in the band
    """

    def make(self, key):
        lo, hi = (FrequencyBand & key).fetch1("freq_lo", "freq_hi")
        signal, dt = (LFP & key).fetch1("voltage", "dt")
        spectrum = np.abs(np.fft.rfft(signal.ravel())) ** 2
        freqs = np.fft.rfftfreq(signal.size, dt)
        band = (freqs >= lo) & (freqs < hi)
        self.insert1(dict(key, power=float(spectrum[band].mean())))


def main():
    rng = np.random.default_rng(0)
    Animal.insert([(1, "mouse", "2024-01-02"), (2, "rat", "2023-11-20")], skip_duplicates=True)
    Session.insert([(1, 1, "25x"), (1, 2, "16x"), (2, 1, "25x")], skip_duplicates=True)
    for key in Session.fetch("KEY"):
        t = np.arange(2000) * 0.001
        voltage = np.sin(2 * np.pi * 6 * t) + 0.3 * np.sin(2 * np.pi * 40 * t) + 0.1 * rng.standard_normal(t.size)
        LFP.insert1(dict(key, dt=0.001, voltage=voltage[np.newaxis, :]), skip_duplicates=True)

    Power.populate(reserve_jobs=True, display_progress=True)
    print(Power.progress(display=False), "(remaining, total)")
    print("\nSessions with the 25x lens that have power estimates:")
    print(Session & 'lens="25x"' & Power)
    print("\nMean power per band:")
    print(dj.U("band").aggr(Power, mean_power="avg(power)"))

    try:
        dj.Diagram(schema).save(os.path.join(os.getcwd(), "dji_demo.svg"))
        print("\nPipeline diagram written to dji_demo.svg")
    except dj.DataJointError as error:
        print(f"\n(no diagram: {error})")

    octave = shutil.which("octave-cli")
    if octave:
        print("\nThe same table read from Octave through the MATLAB toolbox:")
        # no arguments: Octave chooses the server by the same rule as Python (docs/settings.md)
        code = (f"addpath('{os.path.join(HERE, '..', 'matlab')}'); "
                "dj.conn();"
                f"power = dj.FreeTable(dj.conn, '{SCHEMA}.__power');"
                "[a, s, b, p] = fetchn(power, 'animal_id', 'session', 'band', 'power');"
                "fprintf('%-10s %-8s %-6s %s\\n', 'animal_id', 'session', 'band', 'power');"
                "for i = 1:numel(a), fprintf('%-10d %-8d %-6s %.1f\\n', a(i), s(i), b{i}, p(i)); end")
        result = subprocess.run([octave, "--norc", "--no-history", "--eval", code])
        if result.returncode != 0:
            print("(Octave could not read the table; see the messages above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
