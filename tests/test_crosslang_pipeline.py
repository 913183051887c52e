"""A pipeline declared in MATLAB syntax and filled from Octave is read by Python, and a pipeline
declared and filled from Python is read by Octave, with identical query results."""
import datetime
import uuid

import numpy as np

import datajoint_interop as dj
from .test_crosslang_support import read_json, run_octave, write_class, write_get_schema

ANIMAL = """
# animals
animal_id : int   # animal number
---
species : enum('mouse','rat')
dob = null : date
weight = null : double   # grams
traces = null : longblob
"""
SESSION = """
# sessions
-> xlm.Animal
session : smallint
---
rig : varchar(16)
started : datetime
"""
PAIR = """
# breeding pairs
pair_id : int
---
(mother) -> xlm.Animal
(father) -> xlm.Animal(animal_id)
"""
STAT = """
# per-animal trace statistics
-> xlm.Animal
---
n_samples : int
total : double
"""
STAT_BODY = """    methods (Access = protected)
        function makeTuples(self, key)
            t = fetch1(xlm.Animal & key, 'traces');
            key.n_samples = numel(t);
            key.total = sum(t(:));
            insert(self, key)
        end
    end
"""


def test_matlab_declared_octave_filled_python_reads(connection, schema_name, tmp_path):
    db = schema_name("xlm")
    write_get_schema(tmp_path, "xlm", db)
    write_class(tmp_path, "xlm", "Animal", ANIMAL, "dj.Manual")
    write_class(tmp_path, "xlm", "Session", SESSION, "dj.Manual")
    write_class(tmp_path, "xlm", "Pair", PAIR, "dj.Manual")
    write_class(tmp_path, "xlm", "Stat", STAT, "dj.Computed", STAT_BODY)
    out = tmp_path / "oct.json"
    run_octave(tmp_path, "fill", f"""
insert(xlm.Animal, struct('animal_id', {{1, 2, 3}}, 'species', {{'mouse', 'rat', 'rat'}}, ...
    'dob', {{'2020-01-02', [], '2021-12-31'}}, 'weight', {{21.5, NaN, 0.1}}, ...
    'traces', {{[1 2 3; 4 5 6], 7.5, [-1 0.25]}}));
insert(xlm.Session, struct('animal_id', {{1, 1, 3}}, 'session', {{1, 2, 1}}, 'rig', {{'A "quoted"', 'b', 'c'}}, ...
    'started', {{'2024-01-02 03:04:05', '2024-01-03 00:00:00', '2024-02-29 23:59:59'}}));
insert(xlm.Pair, struct('pair_id', 1, 'mother', 1, 'father', 3));
populate(xlm.Stat);
r.animals = fetch(xlm.Animal, 'species', 'dob', 'weight', 'ORDER BY animal_id');
r.joined = fetch(xlm.Animal * xlm.Session & 'species="mouse"', 'rig', 'started', 'ORDER BY animal_id, session');
r.counts = fetch(aggr(xlm.Animal, xlm.Session, 'count(session)->n'), 'n', 'ORDER BY animal_id');
r.stat = fetch(xlm.Stat, '*', 'ORDER BY animal_id');
r.mothers = fetchn(xlm.Animal & proj(xlm.Pair, 'mother->animal_id'), 'animal_id');
write_json('{out}', r);
""")
    octave = read_json(out)

    vm = dj.create_virtual_module("xlm", db, connection=connection)
    animals = vm.Animal.fetch(as_dict=True, order_by="animal_id")
    assert [a["animal_id"] for a in animals] == [1, 2, 3]
    assert [a["species"] for a in animals] == ["mouse", "rat", "rat"]
    assert animals[0]["dob"] == datetime.date(2020, 1, 2) and animals[1]["dob"] is None
    assert animals[1]["weight"] is None or np.isnan(animals[1]["weight"])
    np.testing.assert_array_equal(animals[0]["traces"], np.array([[1.0, 2, 3], [4, 5, 6]]))
    assert float(np.squeeze(animals[1]["traces"])) == 7.5
    # the same queries in Python give what Octave got
    assert [dict(animal_id=a["animal_id"], species=a["species"],
                 dob=None if a["dob"] is None else str(a["dob"]),
                 weight=None if a["weight"] is None or np.isnan(a["weight"]) else a["weight"])
            for a in animals] == [dict(o, dob=o["dob"] or None) for o in octave["animals"]]
    joined = (vm.Animal() * vm.Session() & 'species="mouse"').fetch(
        "animal_id", "session", "rig", "started", as_dict=True, order_by=("animal_id", "session"))
    assert [dict(j, started=str(j["started"])) for j in joined] == octave["joined"]
    assert joined[0]["rig"] == 'A "quoted"'
    counts = vm.Animal().aggr(vm.Session(), n="count(session)", keep_all_rows=True).fetch(
        as_dict=True, order_by="animal_id")
    assert [dict(animal_id=c["animal_id"], n=c["n"]) for c in counts] == octave["counts"]
    assert [c["n"] for c in counts] == [2, 0, 1]
    stat = vm.Stat.fetch(as_dict=True, order_by="animal_id")
    assert stat == octave["stat"]
    assert [(s["n_samples"], s["total"]) for s in stat] == [(6, 21.0), (1, 7.5), (2, -0.75)]
    mothers = (vm.Animal() & vm.Pair().proj(animal_id="mother")).fetch("animal_id")
    assert list(mothers) == [octave["mothers"]] or list(mothers) == list(np.atleast_1d(octave["mothers"]))


def test_python_declared_python_filled_octave_reads(connection, schema_name, tmp_path):
    db = schema_name("pyq")
    schema = dj.Schema(db, connection=connection)

    @schema
    class Subject(dj.Manual):
        definition = """
        subject_id : int
        ---
        name : varchar(32)
        tag : uuid
        born = null : date
        mass = null : float
        signal = null : longblob
        """

    @schema
    class Kind(dj.Lookup):
        definition = """
        kind : varchar(8)
        ---
        weight_factor : double
        """
        contents = [("alpha", 1.5), ("beta", 0.25)]

    @schema
    class Trial(dj.Manual):
        definition = """
        -> Subject
        trial : smallint unsigned
        ---
        -> Kind
        -> [nullable] Subject.proj(partner='subject_id')
        score : double
        """

    @schema
    class Summary(dj.Computed):
        definition = """
        -> Subject
        ---
        n_trials : int
        best : double
        """

        def make(self, key):
            scores = (Trial & key).fetch("score")
            self.insert1(dict(key, n_trials=len(scores), best=max(scores) if len(scores) else 0.0))

    tags = [uuid.UUID(int=i * 7919 + 1) for i in range(4)]
    Subject.insert([
        dict(subject_id=1, name="ann", tag=tags[0], born="2020-05-06", mass=1.5,
             signal=np.arange(6, dtype=float).reshape(2, 3)),
        dict(subject_id=2, name="bob's", tag=tags[1], born=None, mass=None, signal=None),
        dict(subject_id=3, name='c"d', tag=tags[2], born="2019-01-31", mass=2.25,
             signal=np.array([[0.5], [-1.0]])),
    ])
    Trial.insert([
        dict(subject_id=1, trial=1, kind="alpha", partner=None, score=0.5),
        dict(subject_id=1, trial=2, kind="beta", partner=3, score=0.75),
        dict(subject_id=3, trial=1, kind="alpha", partner=1, score=2.0),
    ])
    Summary.populate()

    out = tmp_path / "oct.json"
    run_octave(tmp_path, "read", f"""
s = dj.Schema(dj.conn, 'pyq', '{db}');
subj = s.v('Subject'); trial = s.v('Trial'); kind = s.v('Kind'); summ = s.v('Summary');
r.subjects = fetch(subj, 'name', 'tag', 'born', 'mass', 'ORDER BY subject_id');
r.signal1 = fetch1(subj & 'subject_id=1', 'signal');
r.signal3 = fetch1(subj & struct('subject_id', 3), 'signal');
r.kinds = fetch(kind, '*', 'ORDER BY kind');
r.joined = fetch(trial * kind & 'weight_factor > 1', 'score', 'ORDER BY subject_id, trial');
r.partners = fetch(proj(subj, 'subject_id->partner') & trial, 'ORDER BY partner');
r.summary = fetch(summ, '*', 'ORDER BY subject_id');
r.no_trials = fetchn(subj - trial, 'subject_id');
r.by_tag = fetch1(subj & struct('tag', '{tags[2]}'), 'name');
write_json('{out}', r);
""")
    octave = read_json(out)

    subjects = Subject.fetch("subject_id", "name", "tag", "born", "mass", as_dict=True, order_by="subject_id")
    assert [dict(subject_id=x["subject_id"], name=x["name"], tag=str(x["tag"]),
                 born="" if x["born"] is None else str(x["born"]),
                 mass=None if x["mass"] is None or np.isnan(x["mass"]) else x["mass"]) for x in subjects] \
        == [dict(o, born=o["born"] or "") for o in octave["subjects"]]
    np.testing.assert_array_equal(np.array(octave["signal1"]), np.arange(6, dtype=float).reshape(2, 3))
    np.testing.assert_array_equal(np.array(octave["signal3"]).reshape(2, 1), np.array([[0.5], [-1.0]]))
    assert Kind.fetch(as_dict=True, order_by="kind") == octave["kinds"]
    joined = (Trial() * Kind() & "weight_factor > 1").fetch(
        "subject_id", "trial", "kind", "score", as_dict=True, order_by=("subject_id", "trial"))
    assert joined == octave["joined"]
    partners = (Subject.proj(partner="subject_id") & Trial()).fetch(as_dict=True, order_by="partner")
    assert partners == octave["partners"] and [p["partner"] for p in partners] == [1, 3]
    assert Summary.fetch(as_dict=True, order_by="subject_id") == octave["summary"]
    assert octave["no_trials"] == 2
    assert octave["by_tag"] == 'c"d'
