function tests = test_dj_schema_tools()
% 3.x's schema and class tools: dj.createSchema (getSchema.m and Jobs.m, files
% kept), schema.v.ClassName, schema.external, describe (definition read back
% from the server), syncDef, dj.new / makeClass, dj.Jobs, dj.version, dj.ERD.
[work, db] = test_package('djs', 'schema');
write_class(work, 'djs', 'Person', {'# people', 'person_id : int  # id', '---', ...
    'name = "" : varchar(32)  # full name'}, 'dj.Manual', '');
write_class(work, 'djs', 'Kind', {'# kinds', 'kind : varchar(8)'}, 'dj.Lookup', '');
write_class(work, 'djs', 'Subject', {'# subjects', 'subject_id : int', '---', '-> djs.Kind', ...
    '(owner) -> djs.Person(person_id)', '-> [nullable] djs.Person', 'weight = 1.5 : double  # grams', ...
    'born = CURRENT_TIMESTAMP : timestamp', 'img = null : longblob'}, 'dj.Manual', '');
write_class(work, 'djs', 'Typed', {'# many types', 'typed_id : bigint unsigned', '---', ...
    'mood = "b c" : enum(''a'',''b c'')  # an enum', 'price = 1.50 : decimal(5,2)', 'seen = null : datetime', ...
    'word = "it''s" : varchar(16)  # text with an apostrophe', 'tag = null : uuid', 'flag = 0 : tinyint', ...
    'data : mediumblob'}, 'dj.Manual', '');
write_class(work, 'djs', 'Trial', {'# trials', '-> djs.Subject', 'trial : smallint', '---', 'ok : tinyint'}, ...
    'dj.Imported', sprintf('    methods (Access = protected)\n        function makeTuples(self, key)\n        end\n    end\n'));
rehash();
dj.config('safemode', false);
count(djs.Trial);
insert(djs.Person, struct('person_id', {1, 2}, 'name', {'Ann', 'Bo'}));

tests.create_schema = @() t_create_schema(work, db);
tests.virtual_classes = @() t_virtual(db);
tests.describe = @() t_describe(db);
tests.sync_def = @() t_sync_def(work, db);
tests.new_and_make_class = @() t_new(work, db);
tests.jobs_class = @() t_jobs(db);
tests.version = @() t_version();
tests.erd = @() t_erd(db);
tests.zz_cleanup = @() drop_test_package(work, db);
end


function t_create_schema(work, db)
folder = fullfile(work, '+djs');
assert(exist(fullfile(folder, 'getSchema.m'), 'file') == 2);
assert(exist(fullfile(folder, 'Jobs.m'), 'file') == 2, 'Jobs.m is written with getSchema.m');
% an existing getSchema.m is kept (3.x), an output gives the schema
before = fileread(fullfile(folder, 'getSchema.m'));
s = dj.createSchema('djs', work, db);
assert(isa(s, 'dj.Schema') && strcmp(s.dbname, db));
assert(strcmp(before, fileread(fullfile(folder, 'getSchema.m'))));
assert_error(@() dj.createSchema('djs', work, 'bad name;'), 'DataJoint:schema:badArgument');
assert_error(@() dj.createSchema('9pkg', work, db), 'DataJoint:schema:badArgument');
assert_error(@() dj.createSchema('djz', fullfile(work, 'missing'), db), 'DataJoint:schema:badArgument');
end


function t_virtual(db)
s = djs.getSchema();
p = s.v.Person;                        % 3.x's dot access
assert(isa(p, 'dj.FreeTable') && strcmp(p.fullName, sprintf('`%s`.`person`', db)), p.fullName);
assert(count(s.v.Person) == 2);
assert(isequal(fetchn(s.v('Person'), 'name', 'ORDER BY person_id')', {'Ann', 'Bo'}));   % the old form
assert(strcmp(s.v.Kind.fullName, sprintf('`%s`.`#kind`', db)));
assert(strcmp(s.v.Trial.fullName, sprintf('`%s`.`_trial`', db)));
c = dj.conn;
c.query(sprintf(['CREATE TABLE `%s`.`_trial__spike` (`subject_id` int NOT NULL, `trial` smallint NOT NULL, ' ...
    '`spike` int NOT NULL, PRIMARY KEY (`subject_id`,`trial`,`spike`), FOREIGN KEY (`subject_id`,`trial`) ' ...
    'REFERENCES `%s`.`_trial` (`subject_id`,`trial`))'], db, db));
assert(strcmp(s.v.TrialSpike.fullName, sprintf('`%s`.`_trial__spike`', db)), 'a part table by its class name');
n = s.v.Person.count();                % a chained method call
assert(n == 2);
assert_error(@() s.v.Nothing, 'DataJoint:missingTable');
assert_error(@() s.v('bad`name'), 'DataJoint:schema:badArgument');
assert(any(strcmp(s.classNames(), 'djs.Subject')));
p = properties(s.v);
assert(any(strcmp(p, 'Subject')) && ~any(strcmp(p, 'Jobs')), strjoin(p, ','));
% schema.external: the store's tracking table
assert(isempty(s.external.stores()));
assert_error(@() s.external.table('nostore'), 'DataJoint:external:unconfigured');
assert_error(@() s.external.table('a`b'), 'DataJoint:external:badStore');
out = evalc('disp(s)');
assert(~isempty(regexp(out, 'Subject\s+manual\s+subjects', 'once')) && ~isempty(regexp(out, 'Trial\s+imported', 'once')), out);
end


function t_describe(db)
d = describe(djs.Subject);
lines = strtrim(regexp(strtrim(d), '\n', 'split'));
assert(strcmp(lines{1}, '%{') && strcmp(lines{2}, '# subjects') && strcmp(lines{end}, '%}'), d);
assert(~isempty(regexp(lines{3}, '^subject_id\s+: int\s+#\s*$', 'once')), lines{3});
assert(strcmp(lines{4}, '---'), d);
assert(any(strcmp(lines, '-> djs.Kind')), d);
assert(any(strcmp(lines, '(owner) -> djs.Person')), d);
assert(any(strcmp(lines, '-> [nullable] djs.Person')), d);
assert(any(~cellfun(@isempty, regexp(lines, '^weight=1\.5\s+: double\s+# grams$', 'once'))), d);
assert(any(~cellfun(@isempty, regexp(lines, '^born=CURRENT_TIMESTAMP\s+: timestamp', 'once'))), d);
assert(any(~cellfun(@isempty, regexp(lines, '^img=null\s+: longblob', 'once'))), d);
% 3.x's column layout: name and default in 28 columns, comment at column 61
k = find(strncmp(lines, 'weight', 6));
raw = regexp(d, '\n', 'split');
raw = raw(strncmp(raw, 'weight', 6));
assert(strcmp(raw{1}(29:30), ': ') && raw{1}(61) == '#', raw{1});
assert(~isempty(k));
% the definition read back declares the same table (columns, keys, foreign keys)
f = fopen(fullfile(fileparts(which('djs.getSchema')), 'SubjectCopy.m'), 'w');
fprintf(f, '%s\nclassdef SubjectCopy < dj.Manual\nend\n', d);
fclose(f);
rehash();
assert(count(djs.SubjectCopy) == 0);
assert(isequal(columns(db, 'subject'), columns(db, 'subject_copy')), 'same columns');
assert(isequal(foreignKeys(db, 'subject'), foreignKeys(db, 'subject_copy')), 'same foreign keys');
dt = describe(djs.Typed);
f = fopen(fullfile(fileparts(which('djs.getSchema')), 'TypedCopy.m'), 'w');
fprintf(f, '%s\nclassdef TypedCopy < dj.Manual\nend\n', dt);
fclose(f);
rehash();
assert(count(djs.TypedCopy) == 0);
assert(isequal(columns(db, 'typed'), columns(db, 'typed_copy')), ['same columns from ' dt]);
% text from the server never leaves the definition block of a written class file
c = dj.conn;
c.query(sprintf(['CREATE TABLE `%s`.`evil` (`x` int NOT NULL COMMENT "a\n%%}\nerror(''injected'')\n%%{", ' ...
    'PRIMARY KEY (`x`)) COMMENT "t\r\n%%}\nerror(''injected'')"'], db));
de = describe(dj.FreeTable(c, db, 'evil'));
assert(numel(regexp(de, '\n', 'split')) == 5, de);   % %{, comment, x, %}, and the final ''
dj.new('djs.Evil');
rehash();
assert(count(djs.Evil) == 0, 'the written class parses and uses the table');
d2 = describe(djs.Person);
assert(~isempty(regexp(d2, 'name=""\s+: varchar\(32\)\s+# full name', 'once')), d2);
% a table declared elsewhere (no class file): describe through schema.v
c = dj.conn;
c.query(sprintf('CREATE TABLE `%s`.`#color` (`color` varchar(8) NOT NULL, PRIMARY KEY (`color`)) COMMENT "colors"', db));
s = djs.getSchema();
dc = describe(s.v.Color);
assert(~isempty(strfind(dc, '# colors')) && ~isempty(regexp(dc, 'color\s+: varchar\(8\)', 'once')), dc);
end


function c = columns(db, tbl)
% every column property that a definition decides
conn = dj.conn;
r = conn.query(['SELECT column_name AS n, column_type AS t, is_nullable AS nl, column_key AS k, ' ...
    'column_default AS d, column_comment AS c FROM information_schema.columns ' ...
    'WHERE table_schema="{S}" AND table_name="{S}" ORDER BY ordinal_position'], db, tbl);
c = {r.n, r.t, r.nl, r.k, r.d, r.c};
end


function c = foreignKeys(db, tbl)
conn = dj.conn;
r = conn.query(['SELECT column_name AS n, referenced_table_name AS p, referenced_column_name AS pc ' ...
    'FROM information_schema.key_column_usage WHERE table_schema="{S}" AND table_name="{S}" ' ...
    'AND referenced_table_name IS NOT NULL ORDER BY column_name'], db, tbl);
c = {r.n, r.p, r.pc};
end


function t_sync_def(work, db)
file = fullfile(work, '+djs', 'Kind.m');
text = fileread(file);
assert(isempty(strfind(text, '# kinds of subjects')));
c = dj.conn;
t = djs.Kind;
full = sprintf('`%s`.`#kind`', db);
c.query(sprintf('ALTER TABLE %s COMMENT "kinds of subjects"', full));
c.forgetHeading(full);
syncDef(t);
text = fileread(file);
assert(~isempty(strfind(text, '# kinds of subjects')), text);
assert(~isempty(strfind(text, 'classdef Kind < dj.Lookup')), 'the class part is kept');
assert(numel(strfind(text, '%{')) == 1 && numel(strfind(text, '%}')) == 1, text);
% the file now holds exactly the definition read from the server
block = dj.internal.readDefinitionBlock(text, file);
d = describe(djs.Kind);
assert(strcmp(sprintf('%%{\n%s\n%%}\n', block), d), [block '|' d]);
end


function t_new(work, db)
folder = fullfile(work, '+djs');
% a class for a table that exists but has no file: the definition from the server
c = dj.conn;
c.query(sprintf(['CREATE TABLE `%s`.`__summary` (`subject_id` int NOT NULL, `total` double NOT NULL COMMENT "sum", ' ...
    'PRIMARY KEY (`subject_id`), FOREIGN KEY (`subject_id`) REFERENCES `%s`.`subject` (`subject_id`)) COMMENT "summaries"'], db, db));
out = evalc('dj.new(''djs.Summary'')');
file = fullfile(folder, 'Summary.m');
assert(exist(file, 'file') == 2, out);
text = fileread(file);
assert(~isempty(strfind(text, 'classdef Summary < dj.Computed')) && ~isempty(strfind(text, 'makeTuples')), text);
assert(~isempty(strfind(text, '-> djs.Subject')) && ~isempty(strfind(text, '# summaries')), text);
rehash();
assert(count(djs.Summary) == 0, 'the written class works on the existing table');
% a new class from a template of the chosen tier, not declared until edited
dj.new('djs.Extra', 'L');
text = fileread(fullfile(folder, 'Extra.m'));
assert(~isempty(strfind(text, 'classdef Extra < dj.Lookup')) && isempty(strfind(text, 'makeTuples')), text);
s = djs.getSchema();
s.makeClass('Step', 'computed');
text = fileread(fullfile(folder, 'Step.m'));
assert(~isempty(strfind(text, 'classdef Step < dj.Computed')) && ~isempty(strfind(text, 'makeTuples')), text);
% an existing file is never overwritten
before = fileread(file);
out = evalc('dj.new(''djs.Summary'', ''M'')');
assert(strcmp(before, fileread(file)) && ~isempty(strfind(out, 'already exists')), out);
assert_error(@() dj.new('djs.bad'), 'DataJoint:makeClass');
assert_error(@() dj.new('NoPackage'), 'DataJoint:makeClass');
assert_error(@() dj.new('djs.Other', 'X'), 'DataJoint:makeClass');
assert(exist(fullfile(folder, 'Other.m'), 'file') == 0);
% 3.x's non-interactive form: a package without getSchema is made in parentdir for dbname
newdb = sprintf('djtest_oct_%s_new', dec2hex(randi(2^31), 8));
c = dj.conn();
cleanup = onCleanup(@() c.query(['DROP DATABASE IF EXISTS `' newdb '`']));
dj.new('djnew35.Student', 'M', work, newdb);
assert(exist(fullfile(work, '+djnew35', 'getSchema.m'), 'file') == 2);
text = fileread(fullfile(work, '+djnew35', 'Student.m'));
assert(~isempty(strfind(text, 'classdef Student < dj.Manual')), text);
s2 = djnew35.getSchema();
assert(strcmp(s2.dbname, newdb), s2.dbname);
r = c.query(sprintf('SELECT schema_name AS n FROM information_schema.schemata WHERE schema_name=''%s''', newdb));
assert(numel(r.n) == 1, 'the database was created');
assert_error(@() dj.new('djnew36.Student', 'M', work), 'DataJoint:makeClass');
end


function t_jobs(db)
% pkg.Jobs is the ~jobs table parpopulate uses; declared from Jobs.m when missing
j = djs.Jobs;
assert(count(j) == 0);
assert(strcmp(j.fullName, sprintf('`%s`.`~jobs`', db)), j.fullName);
h = j.header;
assert(strcmp(h.info.comment, sprintf('job reservation table for `%s`', db)), 'the comment Python gives ~jobs');
assert(isequal(h.primaryKey, {'table_name', 'key_hash'}) && any(strcmp(h.names, 'connection_id')), strjoin(h.names, ','));
jobsFile = which('djs.Jobs');
delete(jobsFile);
rehash();
populateResult = evalc('parpopulate(djs.Trial)'); %#ok<NASGU>
assert(exist(jobsFile, 'file') == 2, 'parpopulate writes +pkg/Jobs.m when it is missing, as 3.x');
assert(count(djs.Jobs) == 0, 'parpopulate works on the table declared from Jobs.m');
end


function t_version()
v = dj.version;
assert(isequal(v, struct('major', 3, 'minor', 5, 'bugfix', 0)));
out = evalc('dj.version');
assert(~isempty(strfind(out, 'DataJoint version 3.5.0')), out);
end


function t_erd(db)
s = djs.getSchema();
d = dj.ERD(s);
text = d.dot();
assert(~isempty(strfind(text, sprintf('"`%s`.`subject`" [label="djs.Subject", shape=box', db))), text);
assert(~isempty(regexp(text, sprintf('"`%s`.`subject`" -> "`%s`.`_trial`" \\[style=solid', db, db), 'once')), text);
assert(~isempty(regexp(text, sprintf('"`%s`.`#kind`" -> "`%s`.`subject`" \\[style=dashed', db, db), 'once')), text);
assert(isempty(strfind(text, '~jobs')), 'the job table is not drawn');
file = [tempname() '.svg'];
cleanup = onCleanup(@() deleteIfThere(file));
d.draw(file);
svg = fileread(file);
assert(~isempty(strfind(svg, '<svg')) && ~isempty(strfind(svg, 'djs.Subject')), 'graphviz wrote the diagram');
% neighbours of one table: parents up, children down
t = dj.ERD(djs.Trial);
assert(numel(t.nodes) == 1);
up = t - 1;
assert(numel(up.nodes) == 2 && numel(t.nodes) == 1, 'operators return a new diagram');
up2 = t - 2;
assert(all(ismember({sprintf('`%s`.`person`', db), sprintf('`%s`.`#kind`', db)}, up2.nodes)), strjoin(up2.nodes, ' '));
down = dj.ERD(djs.Person) + 1;
assert(any(strcmp(down.nodes, sprintf('`%s`.`subject`', db))));
assert_error(@() d.draw([tempname() '.txt']), 'DataJoint:erd:badArgument');
assert_error(@() t + 0.5, 'DataJoint:erd:badArgument');
png = [tempname() '.png'];
cleanup2 = onCleanup(@() deleteIfThere(png));
out = evalc('erd(djs.Trial)');
assert(~isempty(strfind(out, 'Diagram written to')), out);
written = strtrim(regexprep(out, '^.*Diagram written to ', ''));
assert(exist(written, 'file') == 2 && ~strcmp(fileparts(written), tempdir), written);
svg = fileread(written);
assert(~isempty(strfind(svg, 'djs.Person')) && isempty(strfind(svg, 'djs.Evil')), 'erd(t): radius [2 1] by default: grandparents, not unrelated tables');
remove_tree(fileparts(written));
out = evalc('erd(djs.Trial, 0, 0)');
written = strtrim(regexprep(out, '^.*Diagram written to ', ''));
svg = fileread(written);
remove_tree(fileparts(written));
assert(~isempty(strfind(svg, 'djs.Trial')) && isempty(strfind(svg, 'djs.Subject')), 'erd(t, up, down)');
draw(up2, png);
f = fopen(png, 'r'); sig = fread(f, 4, 'uint8')'; fclose(f);
assert(isequal(sig, [137 80 78 71]), 'a PNG file');
end


function deleteIfThere(file)
if exist(file, 'file')
    delete(file);
end
end
