function tests = test_dj_query()
% Toolbox queries, inserts, deletes, populate and bad inputs against the real
% server. Setup declares package +djq in a temporary folder and database; the
% last sub-test drops them.
[work, db] = test_package('djq', 'query');
write_class(work, 'djq', 'Animal', {'# animals', 'animal_id : int  # animal', '---', ...
    'species : enum(''mouse'',''rat'')', 'dob = null : date', 'weight = null : float', ...
    'notes = null : longblob'}, 'dj.Manual', '');
write_class(work, 'djq', 'Session', {'# sessions', '-> djq.Animal', 'session : smallint', '---', ...
    'rig : varchar(16)', 'tag = null : uuid'}, 'dj.Manual', '');
write_class(work, 'djq', 'Mating', {'# pairs', 'mating_id : int', '---', '(mother) -> djq.Animal', ...
    '(father) -> djq.Animal(animal_id)'}, 'dj.Manual', '');
write_class(work, 'djq', 'Shape', {'# shapes', 'shape : varchar(8)', '---', 'corners : tinyint'}, 'dj.Lookup', ...
    sprintf('    properties\n        contents = {''triangle'' 3; ''square'' 4}\n    end\n'));
write_class(work, 'djq', 'Stat', {'# stats', '-> djq.Session', '---', 'score : double'}, 'dj.Computed', ...
    sprintf(['    methods (Access = protected)\n        function makeTuples(self, key)\n' ...
    '            if key.animal_id == 3\n                error(''djq:boom'', ''boom for %%d'', key.animal_id);\n            end\n' ...
    '            key.score = key.animal_id * 10 + key.session;\n            insert(self, key)\n        end\n    end\n']));
write_class(work, 'djq', 'Tri', {'# three-part make', '-> djq.Animal', '---', 'doubled : int'}, 'dj.Computed', ...
    sprintf(['    methods (Access = protected)\n' ...
    '        function fetched = make_fetch(self, key)\n            fetched = {fetch1(djq.Animal & key, ''species'')};\n        end\n' ...
    '        function computed = make_compute(self, key, species)\n' ...
    '            if key.animal_id == 2\n                update(djq.Animal & key, ''species'', ''mouse'');\n            end\n' ...
    '            computed = {key.animal_id * 2 + strcmp(species, ''rat'')};\n        end\n' ...
    '        function make_insert(self, key, doubled)\n            key.doubled = doubled;\n            insert(self, key)\n        end\n' ...
    '    end\n']));
write_class(work, 'djq', 'Twin', {'# make of key 1 also makes key 2', '-> djq.Animal', '---', 'made_by : int'}, 'dj.Computed', ...
    sprintf(['    methods (Access = protected)\n        function makeTuples(self, key)\n' ...
    '            insert(self, struct(''animal_id'', key.animal_id, ''made_by'', key.animal_id));\n' ...
    '            if key.animal_id == 1 && ~exists(self & ''animal_id=2'')\n' ...
    '                insert(self, struct(''animal_id'', 2, ''made_by'', 1));\n            end\n' ...
    '        end\n    end\n']));
write_class(work, 'djq', 'Temp', {'# dropped by the tests', 'temp_id : int'}, 'dj.Manual', '');
write_class(work, 'djq', 'TempChild', {'# dropped with its parent', '-> djq.Temp', 'child : int'}, 'dj.Manual', '');
write_class(work, 'djq', 'Broken', {'# broken', 'a : int', '---', 'this is not a definition line'}, 'dj.Manual', '');
write_class(work, 'djq', 'BadType', {'# bad type', 'a : intt'}, 'dj.Manual', '');
rehash();
dj.config('safemode', false);
fill();

tests.restrict = @() t_restrict();
tests.operators = @() t_operators();
tests.fetch = @() t_fetch();
tests.insert_modes_and_errors = @() t_insert();
tests.values_roundtrip = @() t_values();
tests.bad_definitions = @() t_definitions();
tests.populate = @() t_populate();
tests.update_and_delete = @() t_delete();
tests.drop = @() t_drop(db);
tests.zz_cleanup = @() cleanup(work, db);
end


function fill()
insert(djq.Animal, struct('animal_id', {1, 2, 3, 4}, 'species', {'mouse', 'rat', 'rat', 'mouse'}, ...
    'dob', {'2020-01-01', [], '2021-03-04', []}, 'weight', {20.5, NaN, 31, 22}, 'notes', {[], [], [], []}));
insert(djq.Session, struct('animal_id', {1, 1, 2, 3}, 'session', {1, 2, 1, 1}, 'rig', {'a', 'b', 'a', 'c'}, ...
    'tag', {'1b4e28ba-2fa1-11d2-883f-0016d3cca427', [], [], []}));
insert(djq.Mating, struct('mating_id', {1, 2}, 'mother', {1, 4}, 'father', {2, 3}));
end


function t_restrict()
a = djq.Animal;
assert(count(a) == 4);
assert(count(a & 'species="rat"') == 2);
assert(count(a & struct('species', 'rat', 'unrelated', 5)) == 2);
assert(count(a & struct('animal_id', {1, 2, 99})) == 2, 'struct array is OR');
assert(count(a & struct('animal_id', {})) == 0, 'empty struct array selects nothing');
assert(count(a - struct('animal_id', {})) == 4);
assert(count(a & struct('unrelated', 1)) == 4, 'no common fields: all rows');
assert(count(a & {struct('species', 'rat'), 'animal_id > 2'}) == 1, 'cell is AND');
assert(count(a & {}) == 4);
assert(count(a & djq.Session) == 3, 'semijoin');
assert(count(a - djq.Session) == 1, 'antijoin');
assert(count(a & (djq.Session & 'rig="b"')) == 1);
assert(count(a & 'animal_id>1' & 'animal_id<4') == 2, 'successive restrictions AND');
assert(count(a & struct('dob', [])) == 2, 'empty value matches NULL');
assert(count(a & struct('species', 'x" OR "1"="1')) == 0, 'values are bound, not spliced');
r = a & struct('animal_id', 3);
assert(isa(r, 'djq.Animal'), 'restricting a table keeps its class');
assert(count(djq.Session & struct('tag', '1b4e28ba-2fa1-11d2-883f-0016d3cca427')) == 1);
assert(count(a & ~djq.Session) == 1, '~B is the antijoin');
assert(count(a & (djq.Session & 'rig="b"' | proj(djq.Mating, 'father->animal_id'))) == 3, 'B | C');
assert(count(a - (djq.Session | proj(djq.Mating, 'father->animal_id'))) == 1);
assert(count(a & ~(djq.Session | proj(djq.Mating, 'father->animal_id'))) == 1);
% B | C alone is not a query (3.5): a clear error naming the union A + B
err = assert_error(@() count(djq.Session | djq.Animal), 'DataJoint:query:orList');
assert(~isempty(strfind(err.message, 'A + B')), err.message);
assert_error(@() fetch(djq.Session | 'rig="b"'), 'DataJoint:query:orList');
assert_error(@() count(a & 5), 'DataJoint:restrict:badCondition');
end


function t_operators()
a = djq.Animal;
s = djq.Session;
j = fetch(a * s, 'species', 'rig', 'ORDER BY animal_id, session');
assert(numel(j) == 4 && strcmp(j(3).species, 'rat') && strcmp(j(4).rig, 'c'));
p = fetch(proj(a, 'species->kind', 'animal_id*100->big'), '*', 'ORDER BY animal_id');
assert(isequal(fieldnames(p)', {'animal_id', 'kind', 'big'}));
assert(strcmp(p(2).kind, 'rat') && p(4).big == 400);
r = fetch(proj(a, 'animal_id->id'), '*');
assert(isequal(sort([r.id]), 1:4));
% renamed projection then restriction on the new name
assert(count(proj(a, 'animal_id->id') & 'id > 2') == 2);
% one attribute renamed to two names: both kept (a key attribute twice in the key), same values
two = proj(a, 'animal_id->left_id', 'animal_id->right_id', 'species->k1', 'species->k2');
assert(isequal(two.primaryKey, {'left_id', 'right_id'}), strjoin(two.primaryKey, ','));
w = fetch(two, '*', 'ORDER BY left_id');
assert(isequal(fieldnames(w)', {'left_id', 'right_id', 'k1', 'k2'}), strjoin(fieldnames(w)', ','));
assert(isequal([w.left_id], 1:4) && isequal([w.left_id], [w.right_id]) && isequal({w.k1}, {w.k2}));
g = fetch(aggr(a, s, 'count(session)->n', 'max(session)->last'), 'n', 'last', 'ORDER BY animal_id');
assert(isequal([g.n], [2 1 1 0]), 'aggr keeps every row of A');
% DataJoint for MATLAB 3.x semantics: A's key plus what is named; count(*) counts the
% NULL row that the left join gives an unmatched row of A
g = fetch(aggr(a, s, 'count(session)->n'), '*', 'ORDER BY animal_id');
assert(isequal(fieldnames(g)', {'animal_id', 'n'}), 'aggr keeps A''s key and the computed attributes');
g = fetch(aggr(a, s, 'count(*)->n'), 'n', 'ORDER BY animal_id');
assert(isequal([g.n], [2 1 1 1]), 'count(*) is 1 for an A row without matches');
g = fetch(aggr(a, s, 'species', 'count(session)->n'), '*', 'ORDER BY animal_id');
assert(isequal(fieldnames(g)', {'animal_id', 'species', 'n'}) && strcmp(g(2).species, 'rat'));
g = fetch(aggr(a, s, '*', 'count(session)->n'), '*');
assert(isequal(fieldnames(g)', {'animal_id', 'species', 'dob', 'weight', 'notes', 'n'}));
g = fetch(proj(a, s, 'count(session)->n'), 'n', 'ORDER BY animal_id');
assert(isequal([g.n], [2 1 1 0]), 'proj(A, B, ...) is aggr');
g = fetch(a, s, 'count(session)->n', 'ORDER BY animal_id DESC');
assert(isequal(fieldnames(g)', {'animal_id', 'n'}) && isequal([g.n], [0 1 1 2]), 'fetch(A, B, ...) fetches aggr');
[ids, n] = fetchn(a, s, 'animal_id', 'count(session)->n', 'ORDER BY animal_id');
assert(isequal(ids', 1:4) && isequal(n', [2 1 1 0]), 'fetchn(A, B, ...)');
assert(fetch1(a & 'animal_id=1', s, 'max(session)->last') == 2, 'fetch1(A, B, ...)');
rigs = fetchn(aggr(a, s, 'max(rig)->r'), 'r', 'ORDER BY animal_id');
assert(iscell(rigs) && strcmp(rigs{1}, 'b') && isempty(rigs{4}), 'text aggregates stay text');
assert(count(aggr(a, s, 'count(session)->n') & 'n > 1') == 1);
assert(count(aggr(a & 'species="rat"', s & 'rig="c"', 'count(session)->n') & 'n = 0') == 1);
assert_error(@() fetch(aggr(a, s, 'nosuch')), 'DataJoint:aggr:badArgument');
assert_error(@() fetch(aggr(a, s, 'count(*)->species', 'species')), 'DataJoint:aggr:duplicateAttribute');
u = proj(a & 'animal_id=1') + proj(a & 'animal_id<3');
assert(count(u) == 2);
% join of projections does not match on dropped secondary attributes
m = fetch(proj(djq.Mating, 'mother->animal_id') * proj(a, 'species'), 'species');
assert(numel(m) == 2);
assert(count(a & proj(djq.Mating, 'father->animal_id')) == 2);
assert_error(@() fetch(proj(a, 'nosuch')), 'DataJoint:missingAttributes');
assert_error(@() a * 5, 'DataJoint:query:badOperand');
assert_error(@() count(proj(a) + proj(s)), 'DataJoint:union:incompatible');
end


function t_fetch()
a = djq.Animal;
k = fetch(a);
assert(isequal(fieldnames(k), {'animal_id'}) && numel(k) == 4 && size(k, 2) == 1);
s = fetch(a, '*', 'LIMIT 2', 'ORDER BY animal_id DESC');
assert(numel(s) == 2 && s(1).animal_id == 4);
assert(isnan(s(2).weight) == false && s(2).weight == 31);
w = fetch1(a & 'animal_id=2', 'weight');
assert(isnan(w), 'NULL float is NaN');
[sp, wt] = fetch1(a & 'animal_id=1', 'species', 'weight');
assert(strcmp(sp, 'mouse') && wt == 20.5);
[ids, kinds] = fetchn(a, 'animal_id', 'species', 'ORDER BY animal_id');
assert(isequal(ids, (1:4)') && iscell(kinds) && strcmp(kinds{3}, 'rat'));
assert(exists(a & 'animal_id=4') && ~exists(a & 'animal_id=5'));
tag = fetch1(djq.Session & 'animal_id=1 AND session=1', 'tag');
assert(strcmp(tag, '1b4e28ba-2fa1-11d2-883f-0016d3cca427'), 'uuid comes back hyphenated');
notag = fetch1(djq.Session & 'animal_id=1 AND session=2', 'tag');
assert(isa(notag, 'uint8') && isequal(size(notag), [1 0]), 'a NULL uuid is uint8 1x0, as mym gives a NULL binary(16)');
assert(count(djq.Session & struct('tag', notag)) == 3, 'a fetched NULL uuid restricts to NULL');
key = 'animal_id=1 AND session=1';
update(djq.Session & key, 'tag', '');
assert(isempty(fetch1(djq.Session & key, 'tag')) && count(djq.Session & 'tag IS NULL') == 4, 'update with '''' stores NULL');
update(djq.Session & key, 'tag', tag);
insert(djq.Session, struct('animal_id', 4, 'session', 9, 'rig', 'x', 'tag', ''));
assert(count(djq.Session & 'animal_id=4 AND session=9 AND tag IS NULL') == 1, 'insert of '''' stores NULL');
delQuick(djq.Session & 'animal_id=4 AND session=9');
assert_error(@() insert(djq.Session, struct('animal_id', 4, 'session', 9, 'rig', 'x', 'tag', 'not-a-uuid')), ...
    'DataJoint:DataType:Mismatch');
assert_error(@() fetch1(a, 'species'), 'DataJoint:fetch1:notOneRow');
assert_error(@() fetch(a, 'nosuch'), 'DataJoint:missingAttributes');
assert_error(@() fetch(a, 'LIMIT 1; DROP TABLE x'), 'DataJoint:fetch:badArgument');
sh = fetch(djq.Shape, '*', 'ORDER BY corners');
assert(numel(sh) == 2 && strcmp(sh(1).shape, 'triangle'), 'lookup contents inserted');
end


function t_insert()
a = djq.Animal;
row = struct('animal_id', 10, 'species', 'rat');
insert(a, row);
assert_error(@() insert(a, row), 'DataJoint:duplicate');
insert(a, row, 'IGNORE');
row.species = 'mouse';
insert(a, row, 'REPLACE');
assert(strcmp(fetch1(a & 'animal_id=10', 'species'), 'mouse'));
assert_error(@() insert(a, struct('animal_id', 11, 'species', 'rat', 'colour', 'red')), 'DataJoint:insert:unknownAttribute');
assert_error(@() insert(a, struct('animal_id', 'eleven', 'species', 'rat')), 'DataJoint:DataType:Mismatch');
assert_error(@() insert(a, struct('animal_id', 11, 'species', 7)), 'DataJoint:DataType:Mismatch');
assert_error(@() insert(a, struct('species', 'rat')), 'DataJoint:insert:missingAttribute');
err = assert_error(@() insert(djq.Session, struct('animal_id', 10, 'session', 5)), 'DataJoint:insert:missingAttribute');
assert(~isempty(strfind(err.message, 'Field ''rig'' doesn''t have a default value')), ...
    'the server''s wording, which 3.x code matches: %s', err.message);
assert_error(@() insert(a, struct('animal_id', 11, 'species', 'cat')), 'DataJoint:query');
assert_error(@() insert(djq.Session, struct('animal_id', 99, 'session', 1, 'rig', 'x')), 'DataJoint:integrity');
assert_error(@() insert(a, row, 'SOMETIMES'), 'DataJoint:insert:badArgument');
insert(a, {12, 'rat', '2022-02-02', 1.25, []});
assert(fetch1(a & 'animal_id=12', 'weight') == 1.25, 'cell rows in attribute order');
assert(count(a & 'animal_id=11') == 0, 'failed inserts left nothing behind');
delQuick(a & 'animal_id>=10');
end


function t_values()
a = djq.Animal;
notes = struct('trace', magic(4), 'label', 'héllo "quoted" ''single''', 'c', {{1, 'two'}});
nasty = 'x"); DROP TABLE `animal`; -- ''';
insert(a, struct('animal_id', 20, 'species', 'rat', 'notes', notes));
got = fetch1(a & 'animal_id=20', 'notes');
assert(isequal(got, notes), 'blob round trip');
insert(djq.Session, struct('animal_id', 20, 'session', 1, 'rig', nasty(1:16)));
assert(strcmp(fetch1(djq.Session & struct('animal_id', 20), 'rig'), nasty(1:16)));
assert(count(djq.Session & struct('rig', nasty(1:16))) == 1);
del(a & 'animal_id=20', false);
assert(count(djq.Session & 'animal_id=20') == 0);
end


function t_definitions()
assert_error(@() djq.Broken().heading(), 'DataJoint:declare:syntax');
assert_error(@() djq.BadType().heading(), 'DataJoint:declare:unknownType');
try
    djq.Broken().heading();
catch err
    assert(~isempty(strfind(err.message, 'line 4')) && ~isempty(strfind(err.message, 'this is not')), ...
        'the error names the line');
end
d = dj.internal.parseDefinition(sprintf('# x\na : int\n---\nb = 1 : int # c'));
assert(numel(d.items) == 2 && d.items(2).spec.hasDefault);
assert_error(@() dj.internal.parseDefinition(sprintf('a : int\n---\n---\nb : int')), 'DataJoint:declare:syntax');
assert_error(@() dj.internal.parseDefinition(sprintf('a : int\n-> [sometimes] djq.Animal')), 'DataJoint:declare:syntax');
assert_error(@() dj.internal.readDefinitionBlock(sprintf('classdef X\nend\n')), 'DataJoint:declare:noDefinition');
assert(strcmp(dj.internal.readDefinitionBlock(sprintf('%% x\n  %%<\na : int\n%%>\n%%{\nb : int\n%%}\n')), 'a : int'), ...
    'the first block, %< %> form');
d = dj.internal.parseDefinition(sprintf('djq.Thing (computed) # legacy header\na : int'));
assert(strcmp(d.comment, 'legacy header') && numel(d.items) == 1);
assert_error(@() dj.internal.parseDefinition(sprintf('# x\n(a, b) -> djq.Animal(animal_id)')), 'DataJoint:declare:syntax');
end


function t_populate()
st = djq.Stat;
assert_error(@() populate(st), 'djq:boom');
n = count(st);
assert(n >= 1 && n < 4, 'populate stops at the first error');
[failed, errs] = parpopulate(st);
assert(count(st) == 3 && numel(failed) == 1 && failed.animal_id == 3 && numel(errs) == 1);
c = dj.conn;
schema = djq.getSchema;
j = c.query(sprintf('SELECT table_name AS t, key_hash AS h, status AS s, error_message AS m FROM `%s`.`~jobs`', schema.dbname));
assert(numel(j.t) == 1 && strcmp(j.t{1}, '__stat') && strcmp(j.s{1}, 'error'));
assert(strcmp(j.h{1}, dj.internal.md5('31')), 'key_hash is md5 of str(values) in name order');
assert(~isempty(strfind(j.m{1}, 'djq:boom')));
% the error row keeps the key out until it is deleted
parpopulate(st);
assert(count(st) == 3);
assert(fetch1(st & 'animal_id=2', 'score') == 21);
% a reservation held by a live connection is skipped, unless older than reservationTimeout
% (backdated by less than the server's uptime: a row older than the server is always dead)
jt = sprintf('`%s`.`~jobs`', schema.dbname);
back = min(7200, serverUptime(c) - 3);
assert(back > 4, 'the test server must have been up for a few seconds');
c.query(sprintf(['UPDATE %s SET status=''reserved'', connection_id=CONNECTION_ID(), ' ...
    '`timestamp`=NOW() - INTERVAL %d SECOND'], jt, back));
failed = parpopulate(st);
assert(isempty(failed) && count(st) == 3, 'a live reservation is left alone');
failed = parpopulate(st, 'reservationTimeout', back + 3600);
assert(isempty(failed), 'a reservation younger than the timeout is left alone');
r = c.query(sprintf('SELECT status AS s FROM %s', jt));
assert(numel(r.s) == 1 && strcmp(r.s{1}, 'reserved'));
% made before the server started, the same row is dead although its connection id is live
% (after a restart ids are handed out again): reclaimed without any timeout, with a warning
c.query(sprintf('UPDATE %s SET `timestamp`=NOW() - INTERVAL %d SECOND', jt, serverUptime(c) + 5));
lastwarn('');
failed = parpopulate(st);
[~, warnId] = lastwarn();
assert(numel(failed) == 1 && failed.animal_id == 3, 'the pre-restart reservation was reclaimed and run');
assert(strcmp(warnId, 'DataJoint:jobs:reservedBeforeRestart'), warnId);
c.query(sprintf(['UPDATE %s SET status=''reserved'', connection_id=CONNECTION_ID(), ' ...
    '`timestamp`=NOW() - INTERVAL %d SECOND'], jt, back));
failed = parpopulate(st, 'reservationTimeout', back - 2);
assert(numel(failed) == 1 && failed.animal_id == 3, 'the old reservation was reclaimed and the key run again');
r = c.query(sprintf('SELECT status AS s FROM %s', jt));
assert(numel(r.s) == 1 && strcmp(r.s{1}, 'error'));
assert_error(@() parpopulate(st, 'reservationTimeout', -1), 'DataJoint:populate:badArgument');
assert_error(@() parpopulate(st, 'reservationTimeout'), 'DataJoint:populate:badArgument');
assert_error(@() populate(st, 'reservationTimeout', 10), 'DataJoint:populate:badArgument');
% populate checks inside each make transaction whether the key was made meanwhile
tw = djq.Twin;
populate(tw);
assert(count(tw) == 4 && fetch1(tw & 'animal_id=2', 'made_by') == 1, 'key 2 made by key 1 is skipped');
assert(~c.inTransaction);
tri = djq.Tri;
assert_error(@() populate(tri), 'DataJoint:populate:inputsChanged');
assert(count(tri) == 1 && fetch1(tri, 'doubled') == 2, 'three-part make: key 1 done, key 2 rolled back');
populate(tri);
assert(isequal(fetchn(tri, 'doubled', 'ORDER BY animal_id')', [2 4 7 8]));
update(djq.Animal & 'animal_id=2', 'species', 'rat');
[remaining, total] = progress(st);
assert(remaining == 1 && total == 4);
c.query(sprintf('DELETE FROM `%s`.`~jobs`', schema.dbname));
end


function t_delete()
a = djq.Animal;
update(a & 'animal_id=4', 'weight', 23.5);
assert(fetch1(a & 'animal_id=4', 'weight') == 23.5);
update(a & 'animal_id=4', 'weight');
assert(isnan(fetch1(a & 'animal_id=4', 'weight')));
assert_error(@() update(a, 'weight', 1), 'DataJoint:update:notOneRow');
assert_error(@() update(a & 'animal_id=4', 'animal_id', 5), 'DataJoint:update:primaryKey');
assert_error(@() update(a & 'animal_id=4', 'nosuch', 5), 'DataJoint:update:unknownAttribute');
assert_error(@() delQuick(a & 'animal_id=1'), 'DataJoint:integrity');
% cascade: Session, Stat and both renamed Mating references
del(a & 'animal_id=1', false);
assert(count(a & 'animal_id=1') == 0);
assert(count(djq.Session & 'animal_id=1') == 0 && count(djq.Stat & 'animal_id=1') == 0);
assert(count(djq.Mating) == 1, 'mating with mother 1 deleted through the renamed key');
del(a & 'animal_id=3', false);
assert(count(djq.Mating) == 0, 'mating with father 3 deleted through the renamed key');
assert(count(a) == 2);
end


function t_drop(db)
insert(djq.Temp, struct('temp_id', 1));
insert(djq.TempChild, struct('temp_id', 1, 'child', 2));
drop(djq.Temp, false);
c = dj.conn;
r = c.query(sprintf(['SELECT table_name AS t FROM information_schema.tables WHERE table_schema=%s ' ...
    'AND table_name IN (''temp'', ''temp_child'')'], dj.internal.placeholder('string')), db);
assert(isempty(r.t), 'drop removes the table and its dependents');
assert(count(djq.Animal) == 2, 'other tables stay');
end


function cleanup(work, db)
drop_test_package(work, db);
end


function n = serverUptime(c)
% seconds since the test server started
r = c.query('SHOW GLOBAL STATUS LIKE ''Uptime''');
v = r.Value;
if iscell(v)
    v = v{1};
end
n = str2double(char(v(:)'));
end
