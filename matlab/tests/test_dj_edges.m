function tests = test_dj_edges()
% Values at the edges as mym and DataJoint for MATLAB 3.x give them (issue 17
% item 7): FLOATs equal with and without bound parameters, empty fetchn
% results, [] into nullable blobs, NULL uuids, empty strings, column names,
% one attribute projected to two names, multi-statement strings.
[work, db] = test_package('djedge', 'edges');
write_class(work, 'djedge', 'Row', {'# edge values', 'id : int', '---', 'x = null : float', ...
    'y = null : float(10,4)', 'b = null : longblob', 'nb : longblob', 'u = null : uuid', ...
    's = "" : varchar(20)'}, 'dj.Manual', '');
rehash();
dj.config('safemode', false);
tests.float_same_with_and_without_parameters = @() t_float(db);
tests.empty_fetchn = @() t_empty_fetchn();
tests.empty_blob_is_null = @() t_empty_blob(db);
tests.null_uuid_and_empty_string = @() t_uuid_string();
tests.column_names = @() t_names(db);
tests.proj_one_to_two = @() t_proj();
tests.multi_statement = @() t_multi(db);
tests.no_stacked_statements_in_queries = @() t_stacked(db);
tests.zz_cleanup = @() drop_test_package(work, db);
end


function t_float(db)
delQuick(djedge.Row);   % each sub-test starts empty
c = dj.conn();
vals = [1.01, 1.2345678, 123456789, 0.1, 3.4028234e38, -2.5e-7, 16777217, 0.30000001, 7, 1e-45];
rows = struct('id', num2cell(1:numel(vals)), 'x', num2cell(vals), 'y', num2cell(mod(vals, 1000)), ...
    'nb', {[]});
insert(djedge.Row, rows);
plain = c.query(sprintf('SELECT x, y FROM `%s`.`row` ORDER BY id', db));
bound = c.query(sprintf('SELECT x, y FROM `%s`.`row` WHERE id > {S} ORDER BY id', db), '0');
assert(isequal(plain.x, bound.x), 'FLOAT: the prepared statement gives the text protocol''s doubles');
assert(isequal(plain.y, bound.y), 'FLOAT(10,4): the same');
assert(plain.x(1) == 1.01 && bound.x(1) == 1.01 && bound.x(2) == 1.23457, mat2str(bound.x', 17));
assert(bound.y(2) == 1.2346);
x = fetch1(djedge.Row & struct('id', 1), 'x');   % bound restriction
assert(x == 1.01, 'fetch through a bound restriction');
assert(fetch1(djedge.Row & 'id=1', 'x') == 1.01);
delQuick(djedge.Row);
end


function t_empty_fetchn()
[x, s, b] = fetchn(djedge.Row & 'id < 0', 'x', 's', 'b');
assert(isequal(size(x), [0 0]) && isnumeric(x), 'numeric: []');
assert(isequal(size(s), [0 0]) && iscell(s), 'text: {}');
assert(isequal(size(b), [0 0]) && iscell(b), 'blob: {}');
end


function t_empty_blob(db)
delQuick(djedge.Row);   % each sub-test starts empty
c = dj.conn();
insert(djedge.Row, struct('id', {1, 2, 3}, 'b', {[], {}, ''}, 'nb', {[], zeros(0, 3), 'x'}));
r = c.query(sprintf('SELECT b IS NULL AS bn, nb IS NULL AS nbn FROM `%s`.`row` ORDER BY id', db));
assert(isequal(r.bn', [1 1 0]), '[] and {} in a nullable blob are NULL; '''' is an empty string');
assert(~any(r.nbn), 'a blob that cannot be NULL keeps the empty value');
s = fetch(djedge.Row, 'b', 'nb', 'ORDER BY id');
assert(isempty(s(1).b) && isequal(size(s(1).b), [0 0]), 'NULL blob: empty, as mym gives it');
assert(isequal(s(1).nb, []) && isequal(s(2).nb, zeros(0, 3)) && strcmp(s(3).nb, 'x'));
update(djedge.Row & 'id=3', 'b', []);
assert(double(c.query(sprintf('SELECT b IS NULL AS n FROM `%s`.`row` WHERE id=3', db)).n) == 1, ...
    'update with [] sets NULL');
delQuick(djedge.Row);
end


function t_uuid_string()
delQuick(djedge.Row);   % each sub-test starts empty
insert(djedge.Row, struct('id', {1, 2}, 'u', {[], '1b4e28ba-2fa1-11d2-883f-0016d3cca427'}, ...
    's', {'', 'abc'}, 'nb', {1, 2}));
s = fetch(djedge.Row, '*', 'ORDER BY id');
assert(isa(s(1).u, 'uint8') && isequal(size(s(1).u), [1 0]), 'NULL uuid: uint8 1x0');
assert(strcmp(s(2).u, '1b4e28ba-2fa1-11d2-883f-0016d3cca427'));
assert(ischar(s(1).s) && isequal(size(s(1).s), [0 0]), 'empty string: 0x0 char');
assert(count(djedge.Row & struct('u', s(1).u)) == 1, 'the fetched NULL uuid restricts to IS NULL');
delQuick(djedge.Row);
insert(djedge.Row, s);   % what was fetched inserts again
assert(count(djedge.Row & 'u IS NULL') == 1);
c = dj.conn();
r = mym(c.connId, 'SELECT '''' AS e, ''a'' AS f');
assert(isequal(size(r.e{1}), [0 0]) && isequal(size(r.f{1}), [1 1]));
delQuick(djedge.Row);
end


function t_names(db)
delQuick(djedge.Row);   % each sub-test starts empty
c = dj.conn();
insert(djedge.Row, struct('id', {1, 2}, 'nb', {1, 2}));
r = c.query(sprintf('SELECT COUNT(*), 1+1, id AS a, id AS a FROM `%s`.`row` WHERE id=1', db));
assert(isequal(fieldnames(r)', {'COUNT(*)', '1+1', 'a', 'a_2'}), strjoin(fieldnames(r)', ' '));
assert(r.('COUNT(*)') == 1 && r.('1+1') == 2);
r = c.query(sprintf('SELECT COUNT(*) FROM `%s`.`row` WHERE id > {S}', db), '0');
assert(r.('COUNT(*)') == 2, 'the same names from a prepared statement');
delQuick(djedge.Row);
end


function t_proj()
delQuick(djedge.Row);   % each sub-test starts empty
insert(djedge.Row, struct('id', {1, 2}, 'x', {1.5, 2.5}, 'nb', {1, 2}));
p = proj(djedge.Row, 'x->p', 'x->q');
s = fetch(p, '*', 'ORDER BY id');
assert(isequal(fieldnames(s)', {'id', 'p', 'q'}));
assert(isequal([s.p], [1.5 2.5]) && isequal([s.q], [1.5 2.5]));
assert(count(p & 'q > 2') == 1);
delQuick(djedge.Row);
end


function t_multi(db)
delQuick(djedge.Row);   % each sub-test starts empty
c = dj.conn();
t = sprintf('`%s`.`row`', db);
r = c.query('SELECT 1 AS a; SELECT 2 AS b');
assert(isequal(fieldnames(r), {'a'}) && r.a == 1, 'the first result, as mym returns it');
c.query(sprintf('INSERT INTO %s (id, nb) VALUES (1, ''''); INSERT INTO %s (id, nb) VALUES (2, '''')', t, t));
assert(count(djedge.Row) == 2, 'every statement ran');
% a failing later statement is reported, and the connection stays usable
assert_error(@() c.query(sprintf('SELECT 1 AS a; SELECT * FROM %s.`nosuch`', ['`' db '`'])), 'DataJoint:missingTable');
assert(c.query('SELECT 3 AS z').z == 3);
% statements with values are prepared: one statement only
assert_error(@() c.query(sprintf('SELECT {S} AS a; SELECT 2 AS b', t), 'x'), 'DataJoint:querySyntax');
assert(c.query('SELECT 4 AS z').z == 4);
delQuick(djedge.Row);
end


function t_stacked(db)
% with multi-statement strings allowed, SQL pieces of a query (restriction
% strings, projected expressions, aggregates) cannot end the statement
delQuick(djedge.Row);
insert(djedge.Row, struct('id', {1, 2}, 's', {'a;b', 'c'}, 'nb', {1, 2}));
assert(count(djedge.Row & 's="a;b"') == 1, 'a ";" inside quotes is text');
attacks = {sprintf('id=1); DROP DATABASE `%s`; SELECT (1', db), ...
    sprintf('id=1 #''\n); DROP DATABASE `%s`; SELECT (1 #''', db), ...
    ['s=''\''); DROP DATABASE `' db '`; -- ''']};
for i = 1:numel(attacks)
    assert_error(@() count(djedge.Row & attacks{i}), 'DataJoint:restrict:badCondition');
    assert_error(@() fetch(djedge.Row - attacks{i}), 'DataJoint:restrict:badCondition');
end
assert_error(@() fetch(proj(djedge.Row, sprintf('1); DROP DATABASE `%s`; SELECT (1->z', db))), ...
    'DataJoint:restrict:badCondition');
assert_error(@() fetch(aggr(djedge.Row, djedge.Row, sprintf('count(*)); DROP DATABASE `%s`; SELECT (1->n', db))), ...
    'DataJoint:restrict:badCondition');
assert(count(djedge.Row) == 2, 'the database is still there');
delQuick(djedge.Row);
end
