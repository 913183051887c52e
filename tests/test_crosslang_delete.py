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
