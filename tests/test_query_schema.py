"""The query layer through dj.Schema user classes: classes as operands, parts, direct-insert rules."""
import numpy as np
import pytest

import datajoint_interop as dj
from datajoint_interop.errors import DataJointError


@pytest.fixture
def pipeline(connection, schema_name):
    schema = dj.Schema(schema_name("qs"), connection=connection)

    @schema
    class Animal(dj.Manual):
        definition = """
        animal_id : int
        ---
        species : enum('mouse','rat')
        """

    @schema
    class Lens(dj.Lookup):
        definition = """
        lens : varchar(8)
        """
        contents = [("10x",), ("25x",)]

    @schema
    class Scan(dj.Computed):
        definition = """
        -> Animal
        scan_idx : smallint
        ---
        -> Lens
        img : longblob
        """

        class Unit(dj.Part):
            definition = """
            -> master
            unit : int
            """

        def make(self, key):
            self.insert1(dict(key, scan_idx=1, lens="25x", img=np.ones(3) * key["animal_id"]))
            self.Unit.insert([dict(key, scan_idx=1, unit=u) for u in range(3)])

    @schema
    class Pair(dj.Manual):
        definition = """
        -> Animal
        -> Animal.proj(mate='animal_id')
        """

    Animal.insert([(1, "mouse"), (2, "rat"), (3, "rat")])
    Scan.populate()
    Pair.insert([(1, 2), (2, 3)])
    return Animal, Lens, Scan, Pair


def test_classes_are_operands(pipeline):
    Animal, Lens, Scan, Pair = pipeline
    assert sorted((Animal * Scan & {"species": "rat"}).fetch("animal_id")) == [2, 3]
    assert len(Animal & Scan) == 3 and len(Animal - Pair) == 1
    assert len(Lens - Scan) == 1
    assert (Animal.aggr(Scan.Unit, n="count(*)") & "n = 3").fetch("animal_id").tolist() == [1, 2, 3]
    assert len(dj.U("species") & Animal) == 2
    mates = (Animal * Pair.proj(animal_id="mate", partner="animal_id")).fetch("animal_id", "partner", order_by="animal_id")
    assert [m.tolist() for m in mates] == [[2, 3], [1, 2]]
    assert np.array_equal((Scan & {"animal_id": 3}).fetch1("img"), np.ones(3) * 3)


def test_direct_insert_into_computed_table_is_refused(pipeline):
    Animal, _, Scan, _ = pipeline
    Animal.insert1((4, "mouse"))
    with pytest.raises(DataJointError, match="allow_direct_insert"):
        Scan.insert1(dict(animal_id=4, scan_idx=1, lens="10x", img=np.zeros(1)))
    Scan.insert1(dict(animal_id=4, scan_idx=1, lens="10x", img=np.zeros(1)), allow_direct_insert=True)
    assert len(Scan & {"animal_id": 4}) == 1


def test_delete_cascades_through_parts_and_renamed_keys(pipeline):
    Animal, _, Scan, Pair = pipeline
    (Animal & {"animal_id": 2}).delete(safemode=False)
    assert len(Scan) == 2 and len(Scan.Unit) == 6 and len(Pair) == 0
    with pytest.raises(DataJointError):
        (Scan.Unit & "unit = 1").delete(safemode=False)
    assert len(Scan.Unit) == 6
    (Scan & {"animal_id": 1}).delete(safemode=False)
    assert len(Scan.Unit) == 3 and len(Animal) == 2


def test_deletes_and_drops_are_logged(pipeline, connection):
    Animal, _, _, Pair = pipeline
    (Pair & {"animal_id": 1}).delete(safemode=False)
    log = f"`{Animal.database}`.`~log`"
    events = [r[0] for r in connection.query(f"SELECT event FROM {log} ORDER BY id").fetchall()]
    assert any(e.startswith(f"DELETE FROM {Pair.full_table_name}") for e in events)
    Pair.drop(safemode=False)
    events = [r[0] for r in connection.query(f"SELECT event FROM {log} ORDER BY id").fetchall()]
    assert events[-1] == f"DROP TABLE {Pair.full_table_name}"
