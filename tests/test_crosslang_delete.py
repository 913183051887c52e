"""Deleting from Octave on a Python-declared pipeline: the cascade reaches every dependent table
(renamed references and other databases included), after a confirmation that can be declined."""
import datajoint_interop as dj
from .test_crosslang_support import run_octave


def test_octave_cascading_delete_with_confirmation(connection, schema_name, tmp_path):
    db = schema_name("xdel")
    other_db = schema_name("xdel_other")
    schema = dj.Schema(db, connection=connection)
    other = dj.Schema(other_db, connection=connection)

    @schema
    class Animal(dj.Manual):
        definition = """
        animal_id : int
        """

    @schema
    class Session(dj.Manual):
        definition = """
        -> Animal
        session : int
        """

    @schema
    class Pair(dj.Manual):
        definition = """
        pair_id : int
        ---
        -> Animal.proj(mother='animal_id')
        """

    @other
    class Note(dj.Manual):
        definition = """
        -> Session
        note_id : int
        """

    Animal.insert([(1,), (2,), (3,)])
    Session.insert([(1, 1), (1, 2), (2, 1)])
    Pair.insert([(1, 1), (2, 3)])
    Note.insert([(1, 1, 1), (1, 2, 1), (2, 1, 1)])

    script = f"""
dj.config('safemode', true);
s = dj.Schema(dj.conn, 'xdel', '{db}');
a = s.v('Animal');
del(a & 'animal_id=1');
fprintf('after first: %d\\n', count(a));
del(a & 'animal_id=1');
fprintf('after second: %d\\n', count(a));
"""
    out = run_octave(tmp_path, "delete", script, answers="no\nyes\n")
    assert "after first: 3" in out and "after second: 2" in out, out
    assert "Proceed to delete?" in out and "Delete cancelled" in out, out
    for line in ("1 rows from `%s`.`animal`" % db, "2 rows from `%s`.`session`" % db,
                 "1 rows from `%s`.`pair`" % db, "2 rows from `%s`.`note`" % other_db):
        assert line in out, (line, out)
    assert sorted(Animal.fetch("animal_id")) == [2, 3]
    assert len(Session()) == 1 and list(Session.fetch("animal_id")) == [2]
    assert list(Pair.fetch("pair_id")) == [2]
    assert len(Note()) == 1 and list(Note.fetch("animal_id")) == [2]


def test_octave_keeps_python_master_part_integrity(connection, schema_name, tmp_path):
    """Parts of a Python master/part pair are recognised by their table names in Octave: deleting
    from the part alone is refused (like Python's Part.delete without force) unless forced, and
    deleting the master takes its parts along."""
    db = schema_name("xpart")
    schema = dj.Schema(db, connection=connection)

    @schema
    class Scan(dj.Imported):
        definition = """
        scan_id : int
        """

        class Unit(dj.Part):
            definition = """
            -> master
            unit_id : int
            """

    connection.query(f"INSERT INTO `{db}`.`_scan` VALUES (1), (2)")  # as a make would (no key source here)
    Scan.Unit.insert([(1, 0), (1, 1), (2, 0)])
    assert Scan.Unit.table_name == "_scan__unit"
    out = run_octave(tmp_path, "parts", f"""
s = dj.Schema(dj.conn, 'xpart', '{db}');
unit = dj.FreeTable(dj.conn, '{db}', '_scan__unit');
try
    del(unit & 'scan_id=1');
    fprintf('part delete: allowed\\n');
catch e
    fprintf('part delete: %s\\n', e.identifier);
end
fprintf('forced: %d\\n', del(unit & 'scan_id=1 AND unit_id=1', false, 'force'));
fprintf('master: %d\\n', del(s.v('Scan') & 'scan_id=2'));
""")
    assert "part delete: DataJoint:delete:partTable" in out, out
    assert "forced: 1" in out and "master: 1" in out, out
    assert sorted(Scan.fetch("scan_id")) == [1]
    scans, units = Scan.Unit.fetch("scan_id", "unit_id")
    assert list(zip(scans, units)) == [(1, 0)]
