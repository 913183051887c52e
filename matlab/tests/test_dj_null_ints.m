function tests = test_dj_null_ints()
% NULL in integer columns of every width, signed and unsigned, with and without
% dj.config('queryBigint_to_double'), through a plain query, a bound query, fetch, fetch1,
% fetchn and fetch(..., 'table'). What mym (and so DataJoint for MATLAB 3.5) gives:
% TINYINT..INT are double columns with NaN for NULL whatever the flag; BIGINT is an
% int64/uint64 column, and a NULL in it is an error ("Invalid value NULL in a BIGINT column.")
% unless the flag makes it a double column with NaN for NULL.
[work, db] = test_package('djni', 'nullints');
lines = {'# every integer width', 'id : int', '---'};
w = widths();
for k = 1:numel(w)
    lines{end + 1} = sprintf('%s_s = null : %s', w{k}, w{k});
    lines{end + 1} = sprintf('%s_u = null : %s unsigned', w{k}, w{k});
end
write_class(work, 'djni', 'Ints', lines, 'dj.Manual', '');
rehash();
dj.config('safemode', false);
dj.config('queryBigint_to_double', false);
row = struct('id', 1);
for k = 1:numel(w)
    [smax, umax] = limits(w{k});
    row.([w{k} '_s']) = smax;
    row.([w{k} '_u']) = umax;
end
insert(djni.Ints, row);
insert(djni.Ints, struct('id', 2));   % every other attribute takes its default: NULL
insert(djni.Ints, struct('id', 3, 'bigint_s', int64(-5), 'bigint_u', uint64(5)));

tests.narrow_widths_are_double_with_nan = @() t_narrow(db);
tests.bigint_values_without_null = @() t_bigint_values(db);
tests.bigint_null_is_mym_error = @() t_bigint_null_error(db);
tests.bigint_null_with_flag_is_nan = @() t_bigint_null_flag(db);
tests.flag_read_again_after_change = @() t_flag_toggle();
tests.zz_cleanup = @() cleanup(work, db);
end


function w = widths()
w = {'tinyint', 'smallint', 'mediumint', 'int', 'bigint'};
end


function [smax, umax] = limits(width)
bits = struct('tinyint', 8, 'smallint', 16, 'mediumint', 24, 'int', 32, 'bigint', 64);
b = bits.(width);
if b == 64
    smax = intmax('int64');
    umax = intmax('uint64');
else
    smax = 2 ^ (b - 1) - 1;
    umax = 2 ^ b - 1;
end
end


function cleanup(work, db)
dj.config('queryBigint_to_double', false);
drop_test_package(work, db);
end


function s = select_sql(db, cond)
s = sprintf('SELECT * FROM `%s`.`ints` WHERE %s ORDER BY id', db, cond);
end


function t_narrow(db)
% the flag changes nothing for narrower integers: doubles, NaN for NULL, exact maxima
c = dj.conn();
w = widths();
for flag = [false true]
    dj.config('queryBigint_to_double', flag);
    names = {};
    for k = 1:numel(w) - 1
        names = [names {[w{k} '_s'], [w{k} '_u']}];
    end
    list = strjoin(names, ', ');
    plain = c.query(sprintf('SELECT %s FROM `%s`.`ints` WHERE id IN (1, 2) ORDER BY id', list, db));
    bound = c.query(sprintf('SELECT %s FROM `%s`.`ints` WHERE id IN ({Si}, {Si}) ORDER BY id', list, db), 1, 2);
    s = fetch(djni.Ints & 'id < 3', names{:}, 'ORDER BY id');
    t = fetch(djni.Ints & 'id < 3', names{:}, 'ORDER BY id', 'table');
    for k = 1:numel(w) - 1
        [smax, umax] = limits(w{k});
        for suffix = {'_s', '_u'}
            name = [w{k} suffix{1}];
            expect = smax;
            if strcmp(suffix{1}, '_u')
                expect = umax;
            end
            for col = {plain.(name), bound.(name), t.(name), fetchn(djni.Ints & 'id < 3', name, 'ORDER BY id')}
                v = col{1};
                assert(isa(v, 'double') && isequal(size(v), [2 1]), '%s: a double column', name);
                assert(v(1) == expect && isnan(v(2)), '%s (flag %d): [%s]', name, flag, num2str(v'));
            end
            assert(isa(s(1).(name), 'double') && s(1).(name) == expect && isnan(s(2).(name)), name);
            assert(isnan(fetch1(djni.Ints & struct('id', 2), name)), '%s: fetch1 of NULL is NaN', name);
        end
    end
end
dj.config('queryBigint_to_double', false);
end


function t_bigint_values(db)
% no NULL among the rows read: int64/uint64 columns, exact at the extremes
c = dj.conn();
dj.config('queryBigint_to_double', false);
r = c.query(select_sql(db, 'id <> 2'));
rb = c.query(select_sql(db, 'id <> {Si}'), 2);
for x = {r, rb}
    v = x{1};
    assert(isa(v.bigint_s, 'int64') && isequal(v.bigint_s, [intmax('int64'); -5]), 'signed BIGINT');
    assert(isa(v.bigint_u, 'uint64') && isequal(v.bigint_u, [intmax('uint64'); 5]), 'unsigned BIGINT');
end
[bs, bu] = fetchn(djni.Ints - 'id = 2', 'bigint_s', 'bigint_u', 'ORDER BY id');
assert(isa(bs, 'int64') && isequal(bs, [intmax('int64'); -5]));
assert(isa(bu, 'uint64') && isequal(bu, [intmax('uint64'); 5]));
assert(fetch1(djni.Ints & struct('id', 1), 'bigint_u') == intmax('uint64'));
t = fetch(djni.Ints - 'id = 2', 'bigint_s', 'ORDER BY id', 'table');
assert(isa(t.bigint_s, 'int64') && isequal(t.bigint_s, [intmax('int64'); -5]));
end


function check_null_error(fn, id)
err = assert_error(fn, id);
assert(~isempty(strfind(err.message, 'Invalid value NULL in a BIGINT column.')), ...
    'mym''s message: %s', err.message);
end


function t_bigint_null_error(db)
% as mym: a NULL in a BIGINT column read as int64/uint64 is an error, never a made-up 0
c = dj.conn();
dj.config('queryBigint_to_double', false);
for name = {'bigint_s', 'bigint_u'}
    n = name{1};
    col = sprintf('SELECT %s FROM `%s`.`ints`', n, db);
    check_null_error(@() c.query(col), 'DataJoint:query');
    check_null_error(@() c.query([col ' WHERE id = {Si}'], 2), 'DataJoint:query');
    check_null_error(@() fetch(djni.Ints, n), 'DataJoint:query');
    check_null_error(@() fetch(djni.Ints & struct('id', 2), '*'), 'DataJoint:query');
    check_null_error(@() fetch1(djni.Ints & 'id = 2', n), 'DataJoint:query');
    check_null_error(@() fetchn(djni.Ints, n), 'DataJoint:query');
    check_null_error(@() fetch(djni.Ints, n, 'table'), 'DataJoint:query');
    % and at the connector itself, under mym's own identifier
    check_null_error(@() mym(c.connId, col), 'mym:null');
    check_null_error(@() mym(c.connId, [col ' WHERE id > {Si}'], 1), 'mym:null');
end
% the session is still usable after the error
assert(c.query('SELECT 1 AS one').one == 1);
end


function t_bigint_null_flag(db)
% with the flag: double columns, NaN for NULL (values beyond 2^53 rounded, as mym does)
c = dj.conn();
dj.config('queryBigint_to_double', true);
plain = c.query(select_sql(db, '1'));
bound = c.query(select_sql(db, 'id > {Si}'), 0);
for x = {plain, bound}
    v = x{1};
    assert(isa(v.bigint_s, 'double') && ...
        isnan(v.bigint_s(2)) && v.bigint_s(3) == -5 && v.bigint_s(1) == 2 ^ 63, 'signed BIGINT as double');
    assert(isa(v.bigint_u, 'double') && isnan(v.bigint_u(2)) && v.bigint_u(3) == 5 && ...
        v.bigint_u(1) == 2 ^ 64, 'unsigned BIGINT as double');
end
[bs, bu] = fetchn(djni.Ints, 'bigint_s', 'bigint_u', 'ORDER BY id');
assert(isa(bs, 'double') && isnan(bs(2)) && bs(3) == -5 && isa(bu, 'double') && isnan(bu(2)));
assert(isnan(fetch1(djni.Ints & struct('id', 2), 'bigint_u')), 'fetch1: NaN');
s = fetch(djni.Ints & 'id = 2', '*');
assert(isnan(s.bigint_s) && isnan(s.bigint_u) && isnan(s.tinyint_s));
t = fetch(djni.Ints, 'bigint_s', 'bigint_u', 'ORDER BY id', 'table');
assert(isa(t.bigint_s, 'double') && isnan(t.bigint_s(2)) && isnan(t.bigint_u(2)));
dj.config('queryBigint_to_double', false);
end


function t_flag_toggle()
% dj.config changes take effect on the next query of the same connection
dj.config('queryBigint_to_double', true);
assert(isnan(fetch1(djni.Ints & 'id = 2', 'bigint_s')));
dj.config('queryBigint_to_double', false);
assert_error(@() fetch1(djni.Ints & 'id = 2', 'bigint_s'), 'DataJoint:query');
assert(isa(fetch1(djni.Ints & 'id = 3', 'bigint_s'), 'int64'));
end
