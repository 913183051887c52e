"""MATLAB package folders used from Python: dj.matlab_package and `dji declare` (real server)."""
import textwrap

import pytest

import datajoint_interop as dj
from datajoint_interop.cli import main as dji
from datajoint_interop.errors import DefinitionError
from datajoint_interop.matlab_package import read_matlab_package


def write_package(root, name, files):
    folder = root / f"+{name}"
    folder.mkdir()
    for filename, text in files.items():
        (folder / filename).write_text(textwrap.dedent(text).lstrip("\n"))
    return folder


LAB = {
    "getSchema.m": """
        function obj = getSchema
        persistent schemaObject
        if isempty(schemaObject)
            schemaObject = dj.Schema(dj.conn, 'lab', 'lab_db');
        end
        obj = schemaObject;
        end
        """,
    # declared after its parent alphabetically on purpose: order comes from references
    "Subject.m": """
        %{
        # subjects
        subject_id : int   # subject number
        ---
        sex : enum('F', 'M', 'U')
        %}
        classdef Subject < dj.Manual
        end
        """,
    "Experiment.m": """
        %{
        # experiments
        -> lab.Subject
        exp : smallint   # experiment index
        ---
        (partner) -> [nullable] lab.Subject
        exp_notes = "" : varchar(255) ...
            # free text
        %}
        classdef Experiment < dj.Manual
        end
        """,
    "Analysis.m": """
        %{
        lab.Analysis (computed) # results
        -> lab.Experiment
        ---
        score : double
        %}
        classdef Analysis < dj.Relvar & dj.AutoPopulate
            methods(Access=protected)
                function makeTuples(self, key)
                end
            end
        end
        """,
    "AnalysisTrial.m": """
        %{
        -> lab.Analysis
        trial : int
        ---
        value : float
        %}
        classdef AnalysisTrial < dj.Part
            properties(SetAccess=protected)
                master = lab.Analysis
            end
        end
        """,
    "Sex.m": """
        %{
        # sexes
        sex : char(1)
        ---
        sex_name : varchar(16)   # spelled out
        %}
        classdef Sex < dj.Lookup
            properties
                contents = {
                    'F' 'female'   % one row per line
                    'M', 'male'; 'U' ...
                        'unknown'
                }
            end
        end
        """,
    "helper.m": """
        function y = helper(x)
        % not a table
        y = x;
        end
        """,
}


def test_matlab_package_declares_in_dependency_order(connection, schema_name, tmp_path):
    folder = write_package(tmp_path, "lab", LAB)
    package, classes = read_matlab_package(folder)
    assert package == "lab" and set(classes) == {"Subject", "Experiment", "Analysis", "AnalysisTrial", "Sex"}
    schema = dj.Schema(schema_name("mlab"), connection=connection)
    lab = dj.matlab_package(schema, folder)
    assert lab.Analysis.table_name == "__analysis" and lab.Analysis.Trial is lab.AnalysisTrial
    assert lab.AnalysisTrial.table_name == "__analysis__trial"
    assert issubclass(lab.Analysis, dj.Computed) and issubclass(lab.Subject, dj.Manual)
    assert schema.list_tables() == ["#sex", "subject", "experiment", "__analysis", "__analysis__trial"]
    assert sorted(lab.Sex.fetch("sex_name").tolist()) == ["female", "male", "unknown"]
    lab.Subject.insert1((1, "F"))
    lab.Experiment.insert1(dict(subject_id=1, exp=1, partner=None))
    assert lab.Experiment.fetch1("exp_notes") == ""
    comment = connection.query(
        "SELECT column_comment, is_nullable FROM information_schema.columns WHERE table_schema=%s AND "
        "table_name='experiment' AND column_name='partner'", (schema.database,)).fetchone()
    assert comment == ("subject number", "YES")
    # binding again to the existing tables is a no-op
    again = dj.matlab_package(dj.Schema(schema.database, connection=connection), folder)
    assert len(again.Experiment()) == 1


def test_cross_package_references(connection, schema_name, tmp_path):
    base = write_package(tmp_path, "base", {"Subject.m": LAB["Subject.m"].replace("lab.", "base.")})
    other = write_package(tmp_path, "study", {"Visit.m": """
        %{
        -> base.Subject
        visit : int
        %}
        classdef Visit < dj.Manual
        end
        """})
    base_module = dj.matlab_package(dj.Schema(schema_name("base"), connection=connection), base)
    schema = dj.Schema(schema_name("study"), connection=connection)
    with pytest.raises(DefinitionError, match="Unknown MATLAB package 'base'"):
        dj.matlab_package(schema, other)
    study = dj.matlab_package(schema, other, packages={"base": base_module})
    assert study.Visit.primary_key == ["subject_id", "visit"]


@pytest.mark.parametrize("files, expected", [
    ({"A.m": "%{\n-> lab.B\na : int\n%}\nclassdef A < dj.Manual\nend\n",
      "B.m": "%{\n-> lab.A\nb : int\n%}\nclassdef B < dj.Manual\nend\n"}, "cyclic"),
    ({"A.m": "%{\na : int\n%}\nclassdef A < dj.Manual\nend\n",
      "Other.m": "%{\n-> lab.A\nb : int\n%}\nclassdef Other < dj.Part\nproperties\nmaster = lab.A\nend\nend\n"},
     "must start with its master"),
    ({"A.m": "%{\n-> lab.Missing\na : int\n%}\nclassdef A < dj.Manual\nend\n"}, "not a table class"),
    ({"A.m": "%{\na : int\n%}\nclassdef B < dj.Manual\nend\n"}, "expected A"),
    ({"A.m": "%{\na int\n%}\nclassdef A < dj.Manual\nend\n"}, r"A\.m: .*line 2: 'a int'"),
])
def test_package_errors(files, expected, tmp_path, connection, schema_name):
    folder = write_package(tmp_path, "lab", files)
    with pytest.raises(DefinitionError, match=expected):
        dj.matlab_package(dj.Schema(schema_name("bad"), connection=connection), folder)


def test_cli_declare(connection, schema_name, tmp_path, capsys):
    folder = write_package(tmp_path, "lab", LAB)
    database = schema_name("cli")
    assert dji(["declare", str(folder), "--schema", database, "--show-sql"]) == 0
    out = capsys.readouterr().out
    assert f"lab.Experiment -> `{database}`.`experiment`" in out
    assert f"lab.AnalysisTrial -> `{database}`.`__analysis__trial`" in out
    assert "CREATE TABLE `__analysis__trial`" in out
    # printed in dependency order (not by name), so the SQL can be replayed as printed
    created = [line.split("`")[1] for line in out.splitlines() if line.startswith("CREATE TABLE")]
    assert created.index("subject") < created.index("experiment") < created.index("__analysis") \
        < created.index("__analysis__trial"), created
    listed = [line.split(" -> ")[0] for line in out.splitlines() if " -> `" in line]
    assert listed.index("lab.Subject") < listed.index("lab.Experiment") < listed.index("lab.Analysis"), listed
    assert dji(["declare", str(folder), "--schema", database]) == 0  # again: nothing changes
    (folder / "Subject.m").write_text((folder / "Subject.m").read_text().replace("int   #", "bigint   #"))
    assert dji(["declare", str(folder), "--schema", database]) == 1
    captured = capsys.readouterr()
    assert "differ" in captured.err and "bigint" in captured.out
    assert dji(["declare", str(tmp_path / "+nothing"), "--schema", database]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_cli_classdefs_round_trip(connection, schema_name, tmp_path, capsys):
    source = write_package(tmp_path, "lab", LAB)
    database = schema_name("cli_src")
    assert dji(["declare", str(source), "--schema", database]) == 0
    out = tmp_path / "out" / "+lab2"
    assert dji(["classdefs", database, "-o", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {"getSchema.m", "Subject.m", "Experiment.m", "Analysis.m",
                                               "AnalysisTrial.m", "Sex.m"}
    assert f"schemaObject = dj.Schema(dj.conn, 'lab2', '{database}');" in (out / "getSchema.m").read_text()
    text = (out / "Experiment.m").read_text()
    assert "(partner) -> [nullable] lab2.Subject(subject_id)" in text and "classdef Experiment < dj.Manual" in text
    assert "master = lab2.Analysis" in (out / "AnalysisTrial.m").read_text()
    assert dji(["classdefs", database, "-o", str(out)]) == 0  # again: the same files, nothing to replace
    (out / "Analysis.m").write_text((out / "Analysis.m").read_text() + "% the user's makeTuples\n")
    assert dji(["classdefs", database, "-o", str(out)]) == 1  # an edited file is never replaced silently
    assert "overwrite" in capsys.readouterr().err
    copy = schema_name("cli_copy")
    assert dji(["declare", str(out), "--schema", copy]) == 0
    for table in ["subject", "experiment", "__analysis", "__analysis__trial"]:
        create = [connection.query(f"SHOW CREATE TABLE `{db}`.`{table}`").fetchone()[1].replace(db, "DB")
                  for db in (database, copy)]
        assert create[0] == create[1]


def test_file_encodings(tmp_path):
    folder = tmp_path / "+enc"
    folder.mkdir()
    (folder / "Bom.m").write_bytes("\ufeff%{\n# café\na : int\n%}\nclassdef Bom < dj.Manual\nend\n".encode("utf-8"))
    (folder / "Old.m").write_bytes("%{\n# caf\xe9 (latin-1)\nb : int\n%}\nclassdef Old < dj.Lookup\n".encode("latin-1")
                                   + b"end\n")
    _, classes = read_matlab_package(folder)
    assert classes["Bom"].model.comment == "café"
    assert classes["Old"].model.comment == "café (latin-1)"
