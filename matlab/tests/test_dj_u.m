function tests = test_dj_u()
% dj.U, 3.x's universal set: dj.U(...) & rel, dj.U(...) * rel, aggr(dj.U(...), rel, ...)
[work, db] = test_package('dju', 'u');
write_class(work, 'dju', 'Animal', {'# animals', 'animal_id : int', '---', 'species : varchar(8)'}, 'dj.Manual', '');
write_class(work, 'dju', 'Session', {'# sessions', '-> dju.Animal', 'session : int', '---', 'rig : varchar(4)', ...
    'minutes : double'}, 'dj.Manual', '');
rehash();
dj.config('safemode', false);
insert(dju.Animal, struct('animal_id', {1, 2, 3}, 'species', {'mouse', 'mouse', 'rat'}));
insert(dju.Session, struct('animal_id', {1, 1, 2, 3}, 'session', {1, 2, 1, 1}, 'rig', {'a', 'b', 'a', 'a'}, ...
    'minutes', {10, 20, 30, 40}));

tests.restrict = @() t_restrict();
tests.join = @() t_join();
tests.aggr = @() t_aggr();
tests.computed = @() t_computed();
tests.errors = @() t_errors();
tests.zz_cleanup = @() drop_test_package(work, db);
end


function t_restrict()
r = dj.U('species') & dju.Animal;
assert(isequal(r.primaryKey, {'species'}));
assert(count(r) == 2);
s = fetch(r, 'ORDER BY species');
assert(isequal({s.species}, {'mouse', 'rat'}));
% two attributes, a restricted and joined operand, and restricting the result
r2 = dj.U('species', 'rig') & (dju.Animal * dju.Session & 'minutes > 25');
assert(count(r2) == 2, sprintf('%d', count(r2)));       % (mouse, a), (rat, a): minutes 30, 40
assert(count(dj.U('species', 'rig') & (dju.Animal * dju.Session)) == 3);   % and (mouse, b)
assert(count(r2 & 'species="rat"') == 1);
% usable as a restriction of other queries: the species that have a session on rig b
assert(isequal(fetchn(dju.Animal & (dj.U('species') & (dju.Animal * dju.Session & 'rig="b"')), 'animal_id')', [1 2]));
% values with quotes stay values
insert(dju.Animal, struct('animal_id', 9, 'species', 'o''r"x'));
assert(count(dj.U('species') & (dju.Animal & struct('species', 'o''r"x'))) == 1);
delQuick(dju.Animal & 'animal_id=9');
end


function t_join()
r = dj.U('rig') * dju.Session;
assert(isequal(sort(r.primaryKey), sort({'animal_id', 'session', 'rig'})));
assert(count(r) == 4);
r2 = dju.Session * dj.U('rig');
assert(isequal(sort(r2.primaryKey), sort(r.primaryKey)));
s = fetch(r2 & 'rig="b"');
assert(numel(s) == 1 && strcmp(s.rig, 'b') && s.session == 2, 'fetch returns the new primary key, rig included');
end


function t_aggr()
r = aggr(dj.U('rig'), dju.Session, 'count(*)->n', 'sum(minutes)->total');
assert(isequal(r.primaryKey, {'rig'}));
[rig, n, total] = fetchn(r, 'rig', 'n', 'total', 'ORDER BY rig');
assert(isequal(rig', {'a', 'b'}) && isequal(n', [3 1]) && isequal(total', [80 20]));
% grouped over a join, restricted afterwards
r2 = aggr(dj.U('species'), dju.Animal * dju.Session, 'avg(minutes)->m');
assert(abs(fetch1(r2 & 'species="mouse"', 'm') - 20) < 1e-12);
% no attributes: one row over the whole query
[n, mx] = fetch1(aggr(dj.U(), dju.Session & 'animal_id=1', 'count(*)->n', 'max(minutes)->mx'), 'n', 'mx');
assert(n == 2 && mx == 20);
% proj(dj.U, rel, ...) is the same as aggr
assert(count(proj(dj.U('rig'), dju.Session, 'count(*)->n')) == 2);
end


function t_computed()
% 'expr->name' in dj.U: name is computed from the query's attributes first
u = dj.U('left(species,1)->initial') & dju.Animal;
assert(isequal(u.primaryKey, {'initial'}), strjoin(u.primaryKey, ','));
assert(isequal(sort(fetchn(u, 'initial'))', {'m', 'r'}));
j = dj.U('animal_id % 2->parity') * dju.Animal;
assert(isequal(j.primaryKey, {'animal_id', 'parity'}) && count(j) == 3, strjoin(j.primaryKey, ','));
g = fetch(aggr(dj.U('upper(species)->sp'), dju.Animal, 'count(*)->n'), '*', 'ORDER BY sp');
assert(isequal({g.sp}, {'MOUSE', 'RAT'}) && isequal([g.n], [2 1]));
assert_error(@() dj.U('left(species,1)->species', 'species'), 'DataJoint:U:badArgument');
assert_error(@() count(dj.U('nope + 1->x') & dju.Animal), 'DataJoint:unknownAttribute');
end


function t_errors()
assert_error(@() dj.U('1; DROP TABLE x->y'), 'DataJoint:restrict:badCondition');
assert_error(@() dj.U('Species'), 'DataJoint:U:badArgument');
assert_error(@() dj.U('a`b'), 'DataJoint:U:badArgument');
assert_error(@() dj.U(3), 'DataJoint:U:badArgument');
assert_error(@() dj.U('a', 'a'), 'DataJoint:U:badArgument');
assert_error(@() count(dj.U('nope') & dju.Animal), 'DataJoint:missingAttributes');
assert_error(@() count(dj.U('nope') * dju.Animal), 'DataJoint:missingAttributes');
assert_error(@() count(aggr(dj.U('nope'), dju.Animal, 'count(*)->n')), 'DataJoint:missingAttributes');
e = dj.U() & dju.Animal;  % built, as in 3.x; using it fails under 3.x's id
assert_error(@() e.header, 'DataJoint:missingAttributes');
assert_error(@() count(e), 'DataJoint:missingAttributes');
assert_error(@() fetch(e), 'DataJoint:missingAttributes');
assert_error(@() dj.U('a') & 'a=1', 'DataJoint:query:badOperand');
assert_error(@() aggr(dj.U('species'), dju.Animal), 'DataJoint:aggr:badArgument');
assert_error(@() count(aggr(dj.U('species'), dju.Animal, 'species')), 'DataJoint:aggr:badArgument');
assert_error(@() aggr(dj.U('species'), dju.Animal, 'count(*)->n; DROP TABLE x'), 'DataJoint:restrict:badCondition');
end
