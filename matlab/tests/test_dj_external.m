function tests = test_dj_external()
% blob@store from Octave: objects in temporary store folders, laid out as the
% Python package lays them out (docs/external.md), tracked in ~external_<store>.
% Setup declares package +dje in a temporary folder and database.
[work, db] = test_package('dje', 'ext');
main = fullfile(work, 'store_main');
flat = fullfile(work, 'store_flat');
mkdir(main);
mkdir(flat);
write_class(work, 'dje', 'Movie', {'# movies', 'movie_id : int', '---', 'frames : blob@main   # the frames', ...
    'thumb = null : blob@flat'}, 'dj.Manual', '');
write_class(work, 'dje', 'Nowhere', {'# uses an unconfigured store', 'n : int', '---', 'x : blob@nosuch'}, 'dj.Manual', '');
write_class(work, 'dje', 'Keyed', {'# external key', 'x : blob@main', '---', 'n : int'}, 'dj.Manual', '');
rehash();
dj.config('safemode', false);
saved = dj.config('stores');
dj.config('stores', struct('main', struct('protocol', 'file', 'location', main), ...
    'flat', struct('protocol', 'file', 'location', flat, 'subfolding', [])));

tests.bytes_md5 = @() t_md5();
tests.declare = @() t_declare(db);
tests.roundtrip = @() t_roundtrip();
tests.layout_and_dedup = @() t_layout(db, main, flat);
tests.errors = @() t_errors(db, main);
tests.zz_cleanup = @() cleanup(work, db, saved);
end


function t_md5()
% MD5 of raw bytes, including NUL and bytes above 127 (the object names)
assert(strcmp(dj.internal.bytesMd5(uint8(0:255)), 'e2c865db4162bed963bfaa9ef6ac18f0'));
assert(strcmp(dj.internal.bytesMd5(uint8([])), 'd41d8cd98f00b204e9800998ecf8427e'));
assert_error(@() dj.internal.bytesMd5('text'), 'DataJoint:md5:input');
end


function t_declare(db)
sql = declarationSql(dje.Movie);
assert(~isempty(strfind(sql, '`frames` binary(16) NOT NULL COMMENT ":blob@main:the frames"')), sql);
assert(~isempty(strfind(sql, '`thumb` binary(16) DEFAULT NULL COMMENT ":blob@flat:"')), sql);
assert(~isempty(strfind(sql, sprintf(['FOREIGN KEY (`frames`) REFERENCES `%s`.`~external_main` (`hash`) ' ...
    'ON UPDATE RESTRICT ON DELETE RESTRICT'], db))), sql);
assert(count(dje.Movie) == 0);
c = dj.conn();
r = c.query(sprintf(['SELECT table_name AS t, table_comment AS c FROM information_schema.tables ' ...
    'WHERE table_schema=%s AND table_name LIKE ''~external%%'' ORDER BY table_name'], ...
    dj.internal.placeholder('string')), db);
assert(isequal(cellstr(r.t)', {'~external_flat', '~external_main'}), 'both stores'' tables declared first');
assert(all(strcmp(cellstr(r.c), 'external storage tracking')));
h = c.heading(db, '~external_main');
assert(isequal({h.attrs.name}, {'hash', 'size', 'attachment_name', 'filepath', 'contents_hash', 'timestamp'}));
assert_error(@() declarationSql(dje.Keyed), 'DataJoint:declare:syntax');
end


function t_roundtrip()
m = dje.Movie;
vals = {magic(4), zeros(40, 40), 'some text', struct('a', {1, 2}, 'b', 'x'), {1, 'two', [3 4]}, [], int16([-1 2 3]), ...
    reshape(1:24, 2, 3, 4) > 5};
for i = 1:numel(vals)
    insert(m, struct('movie_id', i, 'frames', vals(i)));
end
s = fetch(m, '*', 'ORDER BY movie_id');
assert(numel(s) == numel(vals));
for i = 1:numel(vals)
    assert(isequal(s(i).frames, vals{i}) && strcmp(class(s(i).frames), class(vals{i})), sprintf('value %d', i));
    assert(isempty(s(i).thumb) && isnumeric(s(i).thumb), 'NULL external blob is []');
end
update(m & 'movie_id=1', 'thumb', eye(3));
assert(isequal(fetch1(m & 'movie_id=1', 'thumb'), eye(3)));
f = fetchn(m & 'movie_id<3', 'frames', 'ORDER BY movie_id');
assert(iscell(f) && isequal(f{2}, zeros(40, 40)));
% through a projection with a rename and a join the values still load
j = fetch(proj(m, 'frames->img') * m, 'img', 'ORDER BY movie_id');
assert(isequal(j(1).img, magic(4)));
assert_error(@() count(m & struct('frames', magic(4))), 'DataJoint:restrict:externalAttribute');
assert(count(m & struct('thumb', [])) == numel(vals) - 1, 'NULL comparison works');
end


function t_layout(db, main, flat)
c = dj.conn();
r = c.query(sprintf('SELECT LOWER(HEX(hash)) AS h, size FROM `%s`.`~external_main`', db));
hashes = cellstr(r.h);
assert(numel(hashes) == 8, 'one object per distinct value');
for i = 1:numel(hashes)
    h = hashes{i};
    path = fullfile(main, db, h(1:2), h(3:4), h);
    fid = fopen(path, 'r');
    assert(fid >= 0, ['missing object ' path]);
    bytes = fread(fid, Inf, '*uint8');
    fclose(fid);
    assert(strcmp(dj.internal.bytesMd5(bytes), h), 'object named by the MD5 of its bytes');
    assert(double(r.size(i)) == numel(bytes));
end
% small values are stored plain, the compressible 40x40 zeros compressed (0.14's rule)
plain = mym('serialize {uM}', magic(4));
assert(any(strcmp(hashes, dj.internal.bytesMd5(plain{1}))));
z = fetch1(proj(dje.Movie & 'movie_id=2', 'frames->h'), 'h');
assert(isequal(z, zeros(40, 40)));
r = c.query(sprintf('SELECT LOWER(HEX(frames)) AS h FROM `%s`.`movie` WHERE movie_id=2', db));
h = r.h{1};
fid = fopen(fullfile(main, db, h(1:2), h(3:4), h), 'r');
bytes = fread(fid, Inf, '*uint8')';
fclose(fid);
assert(isequal(bytes(1:6), [uint8('ZL123') 0]) && numel(bytes) < 200, 'compressed object');
% a zlib stream ending in a space: the server's COMPRESS() appends '.', which must not be stored
for v = 0:255
    value = zeros(1, 3000, 'uint8');
    value(1) = v;
    plain = mym('serialize {uM}', value);
    if mod(mod(1 + sum(double(plain{1})), 65521), 256) == 32   % last byte of the adler32
        break
    end
end
insert(dje.Movie, struct('movie_id', 200, 'frames', value));
r = c.query(sprintf('SELECT LOWER(HEX(frames)) AS h FROM `%s`.`movie` WHERE movie_id=200', db));
h = r.h{1};
fid = fopen(fullfile(main, db, h(1:2), h(3:4), h), 'r');
bytes = fread(fid, Inf, '*uint8');
fclose(fid);
assert(bytes(end) == 32 && isequal(bytes(1:5)', uint8('ZL123')), 'no trailing "." in the object');
assert(isequal(fetch1(dje.Movie & 'movie_id=200', 'frames'), value));
delQuick(dje.Movie & 'movie_id=200');
% flat store: no sub-folders
r = c.query(sprintf('SELECT LOWER(HEX(hash)) AS h FROM `%s`.`~external_flat`', db));
assert(exist(fullfile(flat, db, r.h{1}), 'file') == 2, 'flat layout');
% the same value again: no new object, no new row
insert(dje.Movie, struct('movie_id', 100, 'frames', magic(4)));
r = c.query(sprintf('SELECT count(*) AS n FROM `%s`.`~external_main`', db));
assert(double(r.n(1)) == 9, 'identical values are stored once');
% a rolled-back insert leaves its object (as in Python: cleaned up by external delete)
c.startTransaction();
insert(dje.Movie, struct('movie_id', 101, 'frames', 'rolled back'));
c.cancelTransaction();
assert(count(dje.Movie & 'movie_id=101') == 0);
% rows referencing an object keep it from being forgotten
assert_error(@() c.query(sprintf('DELETE FROM `%s`.`~external_main`', db)), 'DataJoint:integrity');
end


function t_errors(db, main)
c = dj.conn();
% an unconfigured store: nothing declared
assert_error(@() count(dje.Nowhere), 'DataJoint:external:unconfigured');
r = c.query(sprintf(['SELECT count(*) AS n FROM information_schema.tables WHERE table_schema=%s ' ...
    'AND table_name IN (''nowhere'', ''~external_nosuch'')'], dj.internal.placeholder('string')), db);
assert(double(r.n(1)) == 0);
saved = dj.config('stores');
restore = onCleanup(@() dj.config('stores', saved));
dj.config('stores', struct('main', struct('protocol', 's3', 'location', main)));
assert_error(@() fetch1(dje.Movie & 'movie_id=1', 'frames'), 'DataJoint:external:badConfig');
dj.config('stores', struct('main', struct('protocol', 'file', 'location', main, 'subfoldng', [2 2])));
err = assert_error(@() fetch1(dje.Movie & 'movie_id=1', 'frames'), 'DataJoint:external:badConfig');
assert(~isempty(strfind(err.message, 'subfoldng')), err.message);
dj.config('stores', struct('main', struct('protocol', 'file', 'location', main, 'subfolding', [20 20])));
assert_error(@() fetch1(dje.Movie & 'movie_id=1', 'frames'), 'DataJoint:external:badConfig');
dj.config('stores', struct('main', struct('protocol', 'file', 'location', fullfile(main, 'missing'))));
assert_error(@() insert(dje.Movie, struct('movie_id', 50, 'frames', 1)), 'DataJoint:external:location');
assert(count(dje.Movie & 'movie_id=50') == 0);
dj.config('stores', saved);
% a tracked object whose file is gone
r = c.query(sprintf('SELECT LOWER(HEX(frames)) AS h FROM `%s`.`movie` WHERE movie_id=3', db));
h = r.h{1};
delete(fullfile(main, db, h(1:2), h(3:4), h));
err = assert_error(@() fetch1(dje.Movie & 'movie_id=3', 'frames'), 'DataJoint:external:missingFile');
assert(~isempty(strfind(err.message, h)), err.message);
% values the codec cannot store name the attribute
assert_error(@() insert(dje.Movie, struct('movie_id', 51, 'frames', @sin)), 'DataJoint:DataType:Mismatch');
end


function cleanup(work, db, saved)
dj.config('stores', saved);
drop_test_package(work, db);
end
