function tests = test_dj_lineage()
% 3.5's remaining table methods and functions: t.parents/children (names, primary filter,
% isprimary), ancestors/descendants (class names, order), sizeOnDisk, optimize, getEnumValues,
% dj.config('queryPopulate_ancestors'), dj.kill (interactive, answers fed to input),
% dj.struct (sort, join, leftOuterJoin, pro/proj, rename, fromFields, tabulate, makeCode),
% dj.lib (HMAC, compareVersions, startsWith, isString), dj.internal.ask/hash/shorthash, and
% that none of them makes Octave print a shadowing warning.
[work, db] = test_package('djl', 'lineage');
write_class(work, 'djl', 'Animal', {'# animals', 'animal : int', '---', ...
    'sex : enum(''F'',''M'',''U'')  # sex', 'note = "" : varchar(32)'}, 'dj.Manual', '');
write_class(work, 'djl', 'Tag', {'# tags', 'tag : varchar(8)'}, 'dj.Lookup', '');
write_class(work, 'djl', 'Session', {'# sessions', '-> djl.Animal', 'session : int', '---', ...
    '-> [nullable] djl.Tag'}, 'dj.Manual', '');
write_class(work, 'djl', 'Stat', {'# per session', '-> djl.Session', '---', 'n : int'}, 'dj.Computed', ...
    sprintf(['    methods (Access = protected)\n        function makeTuples(self, key)\n' ...
    '            key.n = key.session * 10;\n            insert(self, key)\n        end\n    end\n']));
write_class(work, 'djl', 'Summary', {'# per stat', '-> djl.Stat', '---', 'total : int'}, 'dj.Computed', ...
    sprintf(['    methods (Access = protected)\n        function makeTuples(self, key)\n' ...
    '            key.total = fetch1(djl.Stat & key, ''n'') + 1;\n            insert(self, key)\n        end\n    end\n']));
rehash();
dj.config('safemode', false);
count(djl.Summary);
insert(djl.Animal, struct('animal', {1, 2}, 'sex', {'F', 'M'}));
insert(djl.Tag, struct('tag', {'a'}));
insert(djl.Session, struct('animal', {1, 1, 2}, 'session', {1, 2, 3}, 'tag', {'a', [], 'a'}));

tests.parents_children = @() t_parents_children(db);
tests.ancestors_descendants = @() t_lineage(db);
tests.size_optimize_enum = @() t_size_optimize_enum();
tests.populate_ancestors = @() t_populate_ancestors();
tests.kill = @() t_kill();
tests.struct_functions = @() t_struct();
tests.lib_functions = @() t_lib();
tests.setup = @() t_setup();
tests.no_shadow_warning = @() t_no_warning();
tests.builtin_names_right_after_addpath = @() t_names_after_addpath();
tests.zz_cleanup = @() drop_test_package(work, db);
end


function t_parents_children(db)
q = @(t) sprintf('`%s`.`%s`', db, t);
[p, isPrimary] = parents(djl.Session);
assert(iscell(p) && size(p, 1) == 1 && numel(p) == 2, 'a cell row of both parents');
assert(isequal(sort(p), sort({q('animal'), q('#tag')})), strjoin(p, ','));
assert(isequal(isPrimary(strcmp(p, q('animal'))), true) && isequal(isPrimary(strcmp(p, q('#tag'))), false));
assert(isequal(parents(djl.Session, true), {q('animal')}));
assert(isequal(parents(djl.Session, false), {q('#tag')}));
assert(isempty(parents(djl.Animal)) && iscell(parents(djl.Animal)));
[c, isPrimary] = children(djl.Animal);
assert(isequal(c, {q('session')}) && isequal(isPrimary, true));
assert(isequal(children(djl.Tag), {q('session')}) && isempty(children(djl.Tag, true)));
t = djl.Session;
assert(isequal(t.children(), {q('__stat')}), 'the method form');
assert(isempty(children(djl.Summary)));
c = dj.conn;
[p, isPrimary] = c.parents(q('session'));
assert(numel(p) == 2 && isequal(isPrimary(strcmp(p, q('animal'))), true), '3.x''s connection form');
assert(isequal(c.parents(q('session'), false), {q('#tag')}) && isequal(c.children(q('animal'), true), {q('session')}));
links = c.parents(db, 'session');
assert(iscell(links) && isstruct(links{1}) && isfield(links{1}, 'attrMap'), 'the toolbox''s form is kept');
assert_error(@() c.parents('`nodots'), 'DataJoint:Connection:badArgument');
end


function t_lineage(db)
a = ancestors(djl.Summary);
assert(iscell(a) && strcmp(a{end}, 'djl.Summary'), 'self last');
assert(isequal(sort(a), sort({'djl.Animal', 'djl.Tag', 'djl.Session', 'djl.Stat', 'djl.Summary'})), strjoin(a, ','));
pos = @(n) find(strcmp(a, n));
assert(pos('djl.Animal') < pos('djl.Session') && pos('djl.Tag') < pos('djl.Session') && ...
    pos('djl.Session') < pos('djl.Stat') && pos('djl.Stat') < pos('djl.Summary'), 'farthest first');
d = descendants(djl.Animal);
assert(isequal(d, {'djl.Animal', 'djl.Session', 'djl.Stat', 'djl.Summary'}), strjoin(d, ','));
assert(isequal(descendants(djl.Summary), {'djl.Summary'}));
f = dj.FreeTable(dj.conn, db, 'session');
d = f.descendants();
assert(strcmp(d{1}, 'djl.Session') && numel(d) == 3, 'a free table of a bound database gives class names');
end


function t_size_optimize_enum()
mib = sizeOnDisk(djl.Animal);
assert(isnumeric(mib) && isscalar(mib) && mib > 0 && mib < 100, 'MiB of data and indexes');
out = evalc('sizeOnDisk(djl.Animal)');
assert(~isempty(regexp(out, '^Size on disk \d+ MB', 'once')), out);
out = evalc('optimize(djl.Animal)');
assert(~isempty(strfind(out, 'optimizing ...')), out);
assert(count(djl.Animal) == 2, 'optimize keeps the rows');
c = dj.conn;
c.startTransaction();
cleaner = onCleanup(@() c.cancelTransaction());
assert_error(@() optimize(djl.Animal), 'DataJoint:alter:inTransaction');
c.cancelTransaction();
assert(isequal(getEnumValues(djl.Animal, 'sex'), {'F', 'M', 'U'}));
assert(isequal(getEnumValues(djl.Animal, 'SEX'), {'F', 'M', 'U'}), 'the name is matched as 3.x does, any case');
assert_error(@() getEnumValues(djl.Animal, 'note'), 'DataJoint:unknownAttribute');
assert_error(@() getEnumValues(djl.Animal, 'nothing'), 'DataJoint:unknownAttribute');
end


function t_populate_ancestors()
old = dj.config('queryPopulate_ancestors');
restore = onCleanup(@() dj.config('queryPopulate_ancestors', old));
populate(djl.Summary);
assert(count(djl.Stat) == 0 && count(djl.Summary) == 0, 'off (default): only the table itself');
dj.config('queryPopulate_ancestors', true);
populate(djl.Summary, 'animal = 1');
assert(count(djl.Stat) == 2 && count(djl.Summary) == 2, 'on: Stat first, then Summary, same restriction');
parpopulate(djl.Summary);
assert(count(djl.Stat) == 3 && count(djl.Summary) == 3);
assert(isequal(sort(fetchn(djl.Summary, 'total'))', [11 21 31]));
end


function cleaner = fakeInput()
% input() answers from the global DJ_TEST_ANSWERS, first to last, until cleaner is cleared
folder = tempname();
mkdir(folder);
f = fopen(fullfile(folder, 'input.m'), 'w');
fprintf(f, 'function a = input(prompt, varargin)\nglobal DJ_TEST_ANSWERS\na = DJ_TEST_ANSWERS{1};\nDJ_TEST_ANSWERS(1) = [];\nend\n');
fclose(f);
addpath(folder);
cleaner = onCleanup(@() cleanupInput(folder));
end


function t_kill()
c = dj.conn;
cleaner = fakeInput();
global DJ_TEST_ANSWERS
ids = zeros(1, 2);
others = zeros(1, 2);
for i = 1:2
    others(i) = db_open();
    r = mym(others(i), 'SELECT CONNECTION_ID() AS id');
    ids(i) = double(r.id);
end
closer = onCleanup(@() arrayfun(@close_quietly, others));
only = sprintf('ID IN (%d, %d)', ids(1), ids(2));
DJ_TEST_ANSWERS = {'q'};
out = evalc('dj.kill(only)');
assert(~isempty(strfind(out, sprintf('%d', ids(1)))) && ~isempty(strfind(out, '2 connections')), out);
assert(alive(others(1)) && alive(others(2)), 'q ends nothing');
DJ_TEST_ANSWERS = {'xyz', '12', sprintf('%d', c.connectionId()), sprintf('%d', ids(1)), 'q'};
out = evalc('dj.kill(only, c, {''ID''})');
assert(~isempty(strfind(out, 'Not a process id')) && ~isempty(strfind(out, 'is not listed')), out);
pause(0.2);
assert(~alive(others(1)) && alive(others(2)), 'the chosen id only; never this connection');
assert(c.connectionId() > 0);
DJ_TEST_ANSWERS = {'a'};
evalc('dj.kill(sprintf(''ID = %d'', ids(2)))');
pause(0.2);
assert(~alive(others(2)), 'a ends all listed');
assert_error(@() dj.kill('1=1; DROP DATABASE x', c), 'DataJoint:kill:badArgument');
end


function cleanupInput(folder)
rmpath(folder);
delete(fullfile(folder, 'input.m'));
rmdir(folder);
clear global DJ_TEST_ANSWERS
end


function tf = alive(id)
tf = true;
try
    r = mym(id, 'SELECT 1 AS x'); %#ok<NASGU>
catch
    tf = false;
end
end


function t_struct()
s = struct('a', {3; 1; 2; 1}, 'b', {'x'; 'y'; 'z'; 'w'});
q = dj.struct.sort(s, 'a');
assert(isequal([q.a], [1 1 2 3]) && isequal({q.b}, {'y', 'w', 'z', 'x'}), 'stable');
q = dj.struct.sort(s, {'a', 'b'});
assert(isequal({q.b}, {'w', 'y', 'z', 'x'}));
assert_error(@() dj.struct.sort(s, 'nope'), 'DataJoint:struct:badArgument');
t = struct('a', {2; 3; 5}, 'c', {20; 30; 50});
j = dj.struct.join(s, t);
assert(isequal(fieldnames(j)', {'a', 'b', 'c'}) && isequal([j.a], [2 3]) && isequal([j.c], [20 30]));
l = dj.struct.leftOuterJoin(s, t);
assert(numel(l) == 4 && isempty(l(end).c) && isequal(sort([l.a]), [1 1 2 3]));
assert(numel(dj.struct.join(s, struct('a', {}, 'c', {}))) == 0);
p = dj.struct.pro(s, 'b');
assert(isequal(fieldnames(p), {'b'}) && numel(p) == 4);
assert(isequal(dj.struct.proj(s, 'a'), dj.struct.pro(s, 'a')));
r = dj.struct.rename(s, 'a', 'id');
assert(isequal(fieldnames(r)', {'id', 'b'}) && isequal([r.id], [s.a]));
assert_error(@() dj.struct.rename(s, 'a', 'b'), 'DataJoint:struct:badArgument');
f = dj.struct.fromFields(struct('x', [1; 2], 'y', {{'u'; 'v'}}));
assert(isequal(size(f), [2 1]) && f(2).x == 2 && strcmp(f(2).y, 'v'));
assert_error(@() dj.struct.fromFields(struct('x', [1; 2], 'y', {{'u'}})), 'DataJoint:struct:badArgument');
c = dj.conn;
e = dj.struct.fromFields(c.query('SELECT 1 AS x FROM DUAL WHERE 1=0'));
assert(isempty(e) && isfield(e, 'x'));
g = struct('v', {1, 2, 3, 4}, 'k', {'a', 'b', 'a', 'a'}, 'n', {1, 1, 2, 1});
[tab, ks, ns] = dj.struct.tabulate(g, 'v', 'k', 'n');
assert(isequal(ks, {'a', 'b'}) && isequal(ns, [1 2]) && isequal(size(tab), [2 2 2]));
assert(tab(1, 1, 1) == 1 && tab(1, 1, 2) == 4 && tab(1, 2, 1) == 3 && isnan(tab(2, 2, 1)));
code = dj.struct.makeCode(struct('a', {1; 2}, 'b', {'it''s'; ''}));
rebuilt = eval(code);
assert(isequal(rebuilt, struct('a', {1; 2}, 'b', {'it''s'; ''})), code);
assert_error(@() dj.struct.makeCode(struct('a', {[1 2]})), 'DataJoint:struct:badArgument');
end


function t_no_warning()
% a new Octave adds the toolbox, starts it and calls dj.kill / dj.struct.sort: nothing on stderr
root = fileparts(fileparts(mfilename('fullpath')));
script = sprintf(['addpath(''%s''); dj.config(''safemode''); ' ...
    's = dj.struct.sort(struct(''a'', {2; 1}), ''a''); disp(s(1).a); dj.internal.hash(1); ' ...
    'dj.lib.startsWith(''ab'', ''a''); ' ...
    'r = dj.struct.rename(s, ''a'', ''b''); disp(fieldnames(r){1}); disp(exist(''kill'')); ' ...
    'addpath(tempdir()); rehash();'], root);
errFile = [tempname() '.err'];
[status, out] = system(sprintf('octave-cli --norc --no-history --eval "%s" 2>%s', script, errFile));
err = fileread(errFile);
delete(errFile);
assert(status == 0, out);
assert(isempty(strtrim(err)), ['stderr: ' err]);
assert(~isempty(regexp(out, '^1\s+b\s+[25]\s*$', 'once')), out);
end


function t_names_after_addpath()
% matlab/PKG_ADD: right after addpath(matlab), before any dj.conn or dj.config, the
% builtin-names functions resolve and work, Octave's own sort/startsWith still do, and
% nothing is printed on stderr (also after a rehash and a second addpath)
root = fileparts(fileparts(mfilename('fullpath')));
script = sprintf(['addpath(''%s''); disp(which(''dj.kill'')); ' ...
    's = dj.struct.sort(struct(''a'', {2; 1}), ''a''); disp(s(1).a); ' ...
    'disp(dj.lib.startsWith(''ab'', ''a'')); disp(numel(dj.internal.hash(1))); ' ...
    'disp(sort([3 1 2])); disp(startsWith(''ab'', ''b'')); rehash(); addpath(''%s'');'], root, root);
errFile = [tempname() '.err'];
[status, out] = system(sprintf('octave-cli --norc --no-history --eval "%s" 2>%s', script, errFile));
err = fileread(errFile);
delete(errFile);
assert(status == 0, out);
assert(isempty(strtrim(err)), ['stderr: ' err]);
lines = strtrim(strsplit(strtrim(out), sprintf('\n')));
assert(strcmp(lines{1}, fullfile(root, 'builtin-names', '+dj', 'kill.m')), out);
assert(isequal(lines(2:end), {'1', '1', '44', '1   2   3', '0'}), out);
end


function t_lib()
% dj.lib.HMAC against RFC 4231 test case 2 and a key longer than the block
assert(strcmp(dj.lib.HMAC('Jefe', 'what do ya want for nothing?', 'SHA-256'), ...
    '5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843'));
assert(strcmp(dj.lib.HMAC('Jefe', 'what do ya want for nothing?', 'SHA-1'), ...
    'EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79'));
assert(numel(dj.lib.HMAC(repmat('k', 1, 200), 'm', 'SHA-512')) == 128);
assert_error(@() dj.lib.HMAC('k', 'm', 'MD5'), 'DataJoint:HMAC:badMethod');
assert(isequal(dj.lib.compareVersions({'3.2.4beta', '9.5.2.1', '8.0'}, '8.0.0'), [false true true]));
assert(isequal(dj.lib.compareVersions({'3.5', '3.5.0.1', '3.4.99'}, '3.5.0'), [true true false]));
assert_error(@() dj.lib.compareVersions({}, '1'), 'compareVersions:Error:CellArray');
assert_error(@() dj.lib.compareVersions({'1'}, ''), 'compareVersions:Error:VersionRef');
assert(dj.lib.startsWith('datajoint', 'data') && ~dj.lib.startsWith('datajoint', 'joint'));
assert(dj.lib.isString('x') && ~dj.lib.isString(3) && ~dj.lib.isString({'x'}));
h = dj.internal.hash(uint8(1:10), 'bin');
assert(numel(h) == 44 && isempty(regexp(h, '[+/]', 'once')), h);
expected = dj.lib.DataHash(uint8(1:10), 'bin', 'SHA-256', 'base64');
assert(strcmp(h, strrep(strrep(expected, '/', '_'), '+', '-')));
assert(strcmp(dj.internal.shorthash(uint8(1:10), 'bin'), h(1:8)));
file = [tempname() '.json'];
dj.lib.saveJSONfile(struct('databaseHost', 'db.lab', 'displayLimit', 7, 'stores', ...
    struct('rawData', struct('location', 'a"b', 'subfolding', [2 2])), 'none', [], 'ok', true), file);
text = fileread(file);
delete(file);
back = jsondecode(text);
assert(isstruct(back) && isequal(back.ok, true) && isequal(back.stores.raw_data.subfolding(:)', [2 2]), 'valid JSON');
assert(~isempty(strfind(text, '"database.host" : "db.lab"')) && ~isempty(strfind(text, '"display.limit" : 7')), text);
assert(~isempty(strfind(text, '"raw.data"')) && ~isempty(strfind(text, '"none" : null')) && ~isempty(strfind(text, 'a\"b')), text);
assert_error(@() dj.lib.saveJSONfile(struct('a', {1, 2}), file), 'DataJoint:saveJSONfile:badArgument');
cleaner = fakeInput();
global DJ_TEST_ANSWERS
DJ_TEST_ANSWERS = {'maybe', ' YES '};
assert(strcmp(dj.internal.ask('Proceed?'), 'yes'), 'asks again until a choice is typed');
DJ_TEST_ANSWERS = {'B'};
assert(strcmp(dj.internal.ask('Pick', {'a', 'b'}), 'b'));
end


function t_setup()
dj.setup();
dj.setup(false, false);
dj.setup('force', false, 'prompt', false);
assert(~isempty(which('mym')) && ~isempty(mym('version')));
assert_error(@() dj.setup('force'), 'DataJoint:setup:badArgument');
assert_error(@() dj.setup('quiet', true), 'DataJoint:setup:badArgument');
assert_error(@() dj.setup('yes'), 'DataJoint:setup:badArgument');
assert_error(@() dj.setup(true, false, 1), 'DataJoint:setup:badArgument');
end
