function tests = test_dj_attach()
% attach, attach@store and filepath@store from Octave (issue 17 item 9), laid
% out as the Python package lays them out (docs/external.md), and
% dj.lib.DataHash as DataJoint for MATLAB 3.x calls it.
[work, db] = test_package('djatt', 'att');
store = fullfile(work, 'store');
stage = fullfile(work, 'stage');
mkdir(store);
mkdir(stage);
write_class(work, 'djatt', 'Doc', {'# documents', 'doc_id : int', '---', 'inside = null : attach', ...
    'outside = null : attach@files', 'tracked = null : filepath@files'}, 'dj.Manual', '');
rehash();
dj.config('safemode', false);
saved = dj.config('stores');
dj.config('stores', struct('files', struct('protocol', 'file', 'location', store, 'stage', stage)));
src = fullfile(work, 'src');
mkdir(src);
tests.datahash = @() t_datahash(src);
tests.declare = @() t_declare(db);
tests.attach_inside = @() t_inside(work, src);
tests.attach_store = @() t_store(work, src, store, db);
tests.filepath = @() t_filepath(work, stage, store, db);
tests.errors = @() t_errors(work, src, store, db);
tests.zz_cleanup = @() cleanup(work, db, saved);
end


function p = writeFile(folder, name, bytes)
p = fullfile(folder, name);
f = fopen(p, 'w');
fwrite(f, bytes, 'uint8');
fclose(f);
end


function b = readFile(p)
f = fopen(p, 'r');
assert(f >= 0, ['cannot read ' p]);
b = fread(f, Inf, '*uint8')';
fclose(f);
end


function t_datahash(src)
% the published examples of DataHash's documentation
assert(strcmp(dj.lib.DataHash([]), '5b302b7b2099a97ba2a276640a192485'));
assert(strcmp(dj.lib.DataHash(int32(1:10), 'short', 'MD5'), '+tJN9yeF89h3jOFNN55XLg'));
s.a = uint8([]);
s.b = {{1:10}, struct('q', uint64(415))};
assert(strcmp(dj.lib.DataHash(s, 'SHA-1', 'HEX'), '18672BE876463B25214CA9241B3C79CC926F3093'));
assert(strcmp(dj.lib.DataHash(1:8, 'SHA-1', 'bin'), '826cf9d3a5d74bbe415e97d4cecf03f445f69225'));
assert(strcmp(dj.lib.DataHash('abc', 'SHA-256', 'ascii'), ...
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'));
% as 3.x names external objects: MD5 of the bytes
assert(strcmp(dj.lib.DataHash(uint8(0:255), 'bin', 'hex', 'MD5'), 'e2c865db4162bed963bfaa9ef6ac18f0'));
assert(isequal(dj.lib.DataHash(uint8('abc'), 'bin', 'uint8'), uint8(hex2dec({'90', '01', '50', '98', '3c', 'd2', ...
    '4f', 'b0', 'd6', '96', '3f', '7d', '28', 'e1', '7f', '72'}))'));
assert(strcmp(dj.lib.DataHash(writeFile(src, 'abc.txt', uint8('abc')), 'file'), '900150983cd24fb0d6963f7d28e17f72'));
assert(~strcmp(dj.lib.DataHash(zeros(1, 0)), dj.lib.DataHash(zeros(0, 1))), 'array mode sees the shape');
% old-style options struct, as 3.x's dj.lib.HMAC passes them
opt = struct('Method', 'SHA-256', 'Format', 'HEX', 'Input', 'bin');
assert(strcmp(dj.lib.DataHash(uint8('abc'), opt), upper(dj.lib.DataHash('abc', 'SHA-256', 'ascii'))));
b64 = dj.lib.DataHash(int32(1:10), 'base64', 'MD5');
assert(strcmp(b64, '+tJN9yeF89h3jOFNN55XLg=='), b64);
assert_error(@() dj.lib.DataHash(1, 'nosuch'), 'JSimon:DataHash:BadInput2');
assert_error(@() dj.lib.DataHash({1}, 'bin'), 'JSimon:DataHash:BadDataType');
assert_error(@() dj.lib.DataHash(@sin), 'JSimon:DataHash:BadDataType');
end


function t_declare(db)
c = dj.conn();
assert(count(djatt.Doc) >= 0);   % declared on first use
r = c.query(sprintf(['SELECT column_name AS n, column_type AS t, column_comment AS c FROM information_schema.columns ' ...
    'WHERE table_schema=%s AND table_name=''doc'' ORDER BY ordinal_position'], dj.internal.placeholder('string')), db);
assert(isequal(cellstr(r.t)', {'int(11)', 'longblob', 'binary(16)', 'binary(16)'}), strjoin(cellstr(r.t)', ' '));
assert(isequal(cellstr(r.c)', {'', ':attach:', ':attach@files:', ':filepath@files:'}), strjoin(cellstr(r.c)', '|'));
r = c.query(sprintf(['SELECT column_name AS n FROM information_schema.key_column_usage WHERE table_schema=%s ' ...
    'AND table_name=''doc'' AND referenced_table_name=''~external_files'' ORDER BY column_name'], ...
    dj.internal.placeholder('string')), db);
assert(isequal(cellstr(r.n)', {'outside', 'tracked'}), strjoin(cellstr(r.n)', '|'));
end


function t_inside(work, src, ~)
delQuick(djatt.Doc);
p = writeFile(src, 'notes.txt', [uint8('line one') 10 0 255 uint8('end')]);
insert(djatt.Doc, struct('doc_id', {1, 2}, 'inside', {p, []}));
dl = fullfile(work, 'dl_inside');
s = fetch(djatt.Doc, 'inside', 'ORDER BY doc_id', 'download_path', dl);
assert(strcmp(s(1).inside, fullfile(dl, 'notes.txt')), s(1).inside);
assert(isequal(readFile(s(1).inside), readFile(p)), 'same bytes');
assert(ischar(s(2).inside) && isempty(s(2).inside), 'NULL attach is ''''');
% fetched again: the identical file is reused
again = fetch1(djatt.Doc & 'doc_id=1', 'inside', 'download_path', dl);
assert(strcmp(again, s(1).inside));
assert(numel(dir(fullfile(dl, '*.txt'))) == 1);
% a different file of that name stays; the attachment gets notes_0000.txt
writeFile(dl, 'notes.txt', uint8('mine'));
other = fetch1(djatt.Doc & 'doc_id=1', 'inside', 'download_path', dl);
assert(strcmp(other, fullfile(dl, 'notes_0000.txt')), other);
assert(isequal(readFile(fullfile(dl, 'notes.txt')), uint8('mine')));
assert(isequal(readFile(other), readFile(p)));
% the default folder is the current one
here = pwd;
back = onCleanup(@() cd(here));
mkdir(fullfile(work, 'cwd'));
cd(fullfile(work, 'cwd'));
x = fetch1(djatt.Doc & 'doc_id=1', 'inside');
assert(strcmp(x, fullfile(work, 'cwd', 'notes.txt')), x);
end


function t_store(work, src, store, db)
delQuick(djatt.Doc);
c = dj.conn();
body = uint8(mod(0:5000, 251));
p = writeFile(src, 'scan.bin', body);
q = writeFile(fullfile(work, 'src'), 'copy.bin', body);   % same contents, other name
insert(djatt.Doc, struct('doc_id', {1, 2, 3}, 'outside', {p, p, q}));
hex = dj.lib.DataHash([uint8('scan.bin') 0 body], 'bin', 'hex', 'MD5');
obj = fullfile(store, db, hex(1:2), hex(3:4), [hex '.scan.bin']);
assert(isequal(readFile(obj), body), ['object at ' obj]);
r = c.query(sprintf(['SELECT LOWER(HEX(hash)) AS h, size AS n, attachment_name AS a FROM `%s`.`~external_files` ' ...
    'ORDER BY attachment_name'], db));
assert(numel(r.h) == 2, 'the same file twice is one object');
assert(isequal(cellstr(r.a)', {'copy.bin', 'scan.bin'}) && all(double(r.n) == numel(body)));
assert(any(strcmp(cellstr(r.h), hex)));
dl = fullfile(work, 'dl_store');
[a, b] = fetchn(djatt.Doc & 'doc_id<3', 'outside', 'doc_id', 'ORDER BY doc_id', 'download_path', dl);
assert(isequal(b, [1; 2]) && strcmp(a{1}, fullfile(dl, 'scan.bin')) && strcmp(a{2}, a{1}));
assert(isequal(readFile(a{1}), body));
assert_error(@() count(djatt.Doc & struct('outside', p)), 'DataJoint:restrict:externalAttribute');
% a missing object is reported with its path
delete(obj);
err = assert_error(@() fetch1(djatt.Doc & 'doc_id=1', 'outside', 'download_path', fullfile(work, 'dl_none')), ...
    'DataJoint:external:missingFile');
assert(~isempty(strfind(err.message, hex)), err.message);
end


function t_filepath(work, stage, store, db)
delQuick(djatt.Doc);
c = dj.conn();
mkdir(fullfile(stage, 'day1'));
p = writeFile(fullfile(stage, 'day1'), 'ephys.dat', uint8(1:100));
setenv('DJ_SUPPORT_FILEPATH_MANAGEMENT', '');
assert_error(@() insert(djatt.Doc, struct('doc_id', 1, 'tracked', p)), 'DataJoint:external:filepathDisabled');
setenv('DJ_SUPPORT_FILEPATH_MANAGEMENT', 'TRUE');
restore = onCleanup(@() setenv('DJ_SUPPORT_FILEPATH_MANAGEMENT', ''));
insert(djatt.Doc, struct('doc_id', 1, 'tracked', p));
assert(isequal(readFile(fullfile(store, 'day1', 'ephys.dat')), uint8(1:100)), 'copied to location/relative');
r = c.query(sprintf(['SELECT LOWER(HEX(hash)) AS h, filepath AS f, LOWER(HEX(contents_hash)) AS ch, size AS n ' ...
    'FROM `%s`.`~external_files`'], db));
assert(strcmp(r.f{1}, 'day1/ephys.dat') && double(r.n(1)) == 100);
assert(strcmp(r.h{1}, dj.lib.DataHash(uint8('day1/ephys.dat'), 'bin', 'hex', 'MD5')));
assert(strcmp(r.ch{1}, dj.lib.DataHash(uint8(1:100), 'bin', 'hex', 'MD5')));
% fetch gives the stage path; a missing or changed local copy comes back from the store
assert(strcmp(fetch1(djatt.Doc & 'doc_id=1', 'tracked'), p));
delete(p);
% showing the query reads no filepath value (3.x shows '=BLOB='): the local copy stays missing
out = evalc('disp(djatt.Doc)');
assert(exist(p, 'file') == 0 && ~isempty(strfind(out, '''=BLOB=''')), out);
assert(strcmp(fetch1(djatt.Doc & 'doc_id=1', 'tracked'), p) && isequal(readFile(p), uint8(1:100)));
writeFile(fullfile(stage, 'day1'), 'ephys.dat', uint8(100:-1:1));
err = assert_error(@() insert(djatt.Doc, struct('doc_id', 2, 'tracked', p)), 'DataJoint:external:filepathConflict');
assert(~isempty(strfind(err.message, 'day1/ephys.dat')), err.message);
assert(strcmp(fetch1(djatt.Doc & 'doc_id=1', 'tracked'), p) && isequal(readFile(p), uint8(1:100)), ...
    'the changed local copy is replaced by the tracked one');
% the same file again is the same row
insert(djatt.Doc, struct('doc_id', 3, 'tracked', p));
assert(double(c.query(sprintf('SELECT count(*) AS n FROM `%s`.`~external_files` WHERE filepath IS NOT NULL', db)).n) == 1);
outside = writeFile(work, 'elsewhere.dat', uint8(1));
assert_error(@() insert(djatt.Doc, struct('doc_id', 4, 'tracked', outside)), 'DataJoint:external:badPath');
assert_error(@() insert(djatt.Doc, struct('doc_id', 4, 'tracked', fullfile(stage, '..', 'elsewhere.dat'))), ...
    'DataJoint:external:badPath');
% a tracked path leading out of the store or stage is refused on fetch
c.query(sprintf('UPDATE `%s`.`~external_files` SET filepath=''../../etc/passwd''', db));
assert_error(@() fetch1(djatt.Doc & 'doc_id=1', 'tracked'), 'DataJoint:external:badPath');
delQuick(djatt.Doc);
c.query(sprintf('DELETE FROM `%s`.`~external_files`', db));
end


function t_errors(work, src, store, db)
delQuick(djatt.Doc);
c = dj.conn();
assert_error(@() insert(djatt.Doc, struct('doc_id', 1, 'inside', fullfile(src, 'missing.txt'))), ...
    'DataJoint:insert:wrongType');
assert_error(@() insert(djatt.Doc, struct('doc_id', 1, 'outside', 42)), 'DataJoint:insert:wrongType');
assert_error(@() insert(djatt.Doc, struct('doc_id', 1, 'inside', src)), 'DataJoint:insert:wrongType');
assert(count(djatt.Doc) == 0);
% a hostile stored name never leads a fetch out of its folder
p = writeFile(src, 'ok.txt', uint8('ok'));
insert(djatt.Doc, struct('doc_id', 1, 'outside', p, 'inside', p));
c.query(sprintf('UPDATE `%s`.`~external_files` SET attachment_name=''../evil.txt''', db));
dl = fullfile(work, 'dl_evil');
assert_error(@() fetch1(djatt.Doc & 'doc_id=1', 'outside', 'download_path', dl), 'DataJoint:external:badName');
c.query(sprintf('UPDATE `%s`.`doc` SET inside=CONCAT(''../evil.txt'', X''00'', ''x'')', db));
assert_error(@() fetch1(djatt.Doc & 'doc_id=1', 'inside', 'download_path', dl), 'DataJoint:external:badName');
c.query(sprintf('UPDATE `%s`.`doc` SET inside=''no name''', db));
assert_error(@() fetch1(djatt.Doc & 'doc_id=1', 'inside', 'download_path', dl), 'DataJoint:external:corrupt');
assert(exist(fullfile(work, 'evil.txt'), 'file') == 0);
assert_error(@() fetch(djatt.Doc, '*', 'download_path'), 'DataJoint:fetch:badArgument');
delQuick(djatt.Doc);
end


function cleanup(work, db, saved)
dj.config('stores', saved);
drop_test_package(work, db);
end
