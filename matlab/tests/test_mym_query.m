function t = test_mym_query()
% mym against the real test server: connections, placeholders as bound parameters, mym's
% result type mapping, blobs through the database, and clear errors for bad input.
  t.connections = @connections;
  t.types = @types;
  t.placeholders = @placeholders;
  t.blobs = @blobs;
  t.errors = @errors;
end

function connections()
  s = db_settings();
  a = mym(-1, 'open', s.address, s.user, s.pass);
  b = mym(-1, 'open', s.address, s.user, s.pass);
  assert(a ~= b, 'two opens with -1 must give two handles');
  assert(mym(a, 'status') == 0 && mym(b, 'status') == 0);
  ida = mym(a, 'SELECT CONNECTION_ID() AS id');
  idb = mym(b, 'SELECT CONNECTION_ID() AS id');
  assert(ida.id ~= idb.id, 'handles must be separate sessions');
  mym(b, 'close');
  assert(mym(b, 'status') == 1, 'closed handle reports 1');
  assert_error(@() mym(b, 'SELECT 1'), 'mym:connect');
  mym(b, 'close');   % closing twice is harmless
  % the connection charset is utf8mb4
  r = mym(a, 'SELECT @@character_set_connection AS cs');
  assert(strcmp(r.cs{1}, 'utf8mb4'), 'charset %s', r.cs{1});
  % max_allowed_packet of the session is known (used for the clear size error)
  r = mym(a, 'SELECT @@max_allowed_packet AS p');
  assert(r.p > 0);
  % the default connection 0 works without an id
  mym('open', s.address, s.user, s.pass);
  r = mym('SELECT 41 + {Si} AS x', 1);
  assert(r.x == 42);
  mym('close');
  assert(mym(0, 'status') == 1);
  mym(a, 'close');
  assert_error(@() mym(-1, 'open', s.address, s.user, [s.pass 'wrong-password']), 'mym:connect');
  assert_error(@() mym(-1, 'open', '127.0.0.1:1', s.user, s.pass), 'mym:connect');
  assert_error(@() mym(-1, 'open', '127.0.0.1:notaport', s.user, s.pass), 'mym:args');
  assert_error(@() mym(-1, 'open', s.address, s.user, s.pass, 'maybe'), 'mym:args');
  assert_error(@() mym(-1, 'open', s.address, s.user, s.pass, 'ssl', struct('bogus', 1)), 'mYm:TLS:InvalidStruct');
  % TLS 'nan' (preferred) falls back to clear text on a server without TLS; 'false' disables it
  c = mym(-1, 'open', s.address, s.user, s.pass, 'nan');
  mym(c, 'close');
  c = mym(-1, 'open', s.address, s.user, s.pass, 'false');
  r = mym(c, 'SELECT 1 AS one');
  assert(r.one == 1);
  mym(c, 'close');
  c = mym(-1, 'open', sprintf('[%s]:%d', s.host, s.port), s.user, s.pass, []);
  mym(c, 'close');
  % a session killed by the server: the query fails with the server's error and status
  % reports the handle as unreachable (2), as DataJoint's reconnect logic expects
  c = mym(-1, 'open', s.address, s.user, s.pass);
  other = mym(-1, 'open', s.address, s.user, s.pass);
  cid = mym(c, 'SELECT CONNECTION_ID() AS id');
  mym(other, 'KILL {Si}', double(cid.id));
  err = assert_error(@() mym(c, 'SELECT 1'), 'mym:query');
  assert(any(~cellfun(@isempty, regexp(err.message, {'2006', '2013', '1927'}))), 'errno: %s', err.message);
  assert(mym(c, 'status') == 2, 'killed session must report status 2');
  mym(c, 'close');
  mym(other, 'close');
end

function types()
  id = db_open();
  closer = onCleanup(@() mym(id, 'close'));
  [db, dropper] = temp_db(id, 'types'); %#ok<ASGLU>
  mym(id, 'use', db);
  mym(id, ['CREATE TABLE t (id int PRIMARY KEY, i tinyint, f float, d double, ' ...
           'dc decimal(8,3), bi bigint, bu bigint unsigned, dt datetime, da date, ' ...
           'v varchar(30), tx text, bin varbinary(8), en enum(''a'',''b''), b longblob)']);
  n = mym(id, ['INSERT INTO t VALUES (1, -5, 1.5, 2.25, 12.345, -9223372036854775808, ' ...
               '18446744073709551615, "2024-01-02 03:04:05", "2024-01-02", "héllo €", ' ...
               '"text", X''00FF10'', "b", NULL), (2, NULL, NULL, NULL, NULL, 7, 8, NULL, ' ...
               'NULL, NULL, NULL, NULL, NULL, X''0102'')']);
  assert(n == 2, 'affected rows %d', n);
  for q = {'SELECT * FROM t ORDER BY id', 'SELECT * FROM t WHERE id > {Si} ORDER BY id'}
    if any(q{1} == '{')
      r = mym(id, q{1}, 0);     % binary protocol (prepared statement)
    else
      r = mym(id, q{1});        % text protocol
    end
    assert(isequal(fieldnames(r)', {'id','i','f','d','dc','bi','bu','dt','da','v','tx','bin','en','b'}));
    assert(isa(r.id, 'double') && isequal(r.id, [1; 2]));
    assert(isequaln(r.i, [-5; NaN]) && isequaln(r.f, [1.5; NaN]) && isequaln(r.d, [2.25; NaN]));
    assert(abs(r.dc(1) - 12.345) < 1e-12 && isnan(r.dc(2)));
    assert(isa(r.bi, 'int64') && r.bi(1) == intmin('int64') && r.bi(2) == 7);
    assert(isa(r.bu, 'uint64') && r.bu(1) == intmax('uint64') && r.bu(2) == 8);
    assert(iscell(r.dt) && strcmp(r.dt{1}, '2024-01-02 03:04:05') && isempty(r.dt{2}));
    assert(strcmp(r.da{1}, '2024-01-02'));
    assert(strcmp(r.v{1}, native2unicode(uint8([104 195 169 108 108 111 32 226 130 172]), 'UTF-8')), ...
           'utf8 text came back as %s', r.v{1});
    assert(ischar(r.v{2}) && isempty(r.v{2}), 'NULL text -> empty char');
    assert(strcmp(r.tx{1}, 'text') && strcmp(r.en{1}, 'b'));
    assert(isa(r.bin{1}, 'uint8') && isequal(r.bin{1}, uint8([0; 255; 16])), 'varbinary -> uint8');
    assert(ischar(r.b{1}) && isempty(r.b{1}), 'NULL blob -> empty char');
    assert(isequal(r.b{2}, uint8([1; 2])), 'non-mYm blob bytes -> uint8 column');
  end
  % NULL in BIGINT cannot be int64: clear error, or doubles with 'bigint_to_double'
  mym(id, 'INSERT INTO t (id, bi) VALUES (3, NULL)');
  assert_error(@() mym(id, 'SELECT bi FROM t'), 'mym:null');
  r = mym(id, 'SELECT bi FROM t ORDER BY id', 'bigint_to_double');
  assert(isa(r.bi, 'double') && isnan(r.bi(3)) && r.bi(2) == 7);
  r = mym(id, 'SELECT bi FROM t WHERE id >= {Si} ORDER BY id', 2, 'bigint_to_double');
  assert(isa(r.bi, 'double') && isequaln(r.bi, [7; NaN]));
  % column names that are not identifiers become valid, unique field names
  r = mym(id, 'SELECT COUNT(*), 1 AS a, 2 AS a FROM t');
  f = fieldnames(r);
  assert(numel(f) == 3 && numel(unique(f)) == 3, 'fields %s', strjoin(f', ','));
  % statements without result: affected rows, or nothing
  n = mym(id, 'UPDATE t SET i = 1 WHERE id >= {Si}', 2);
  assert(n == 2);
  r = mym(id, 'SELECT * FROM t WHERE id < 0');
  assert(isstruct(r) && numel(r.id) == 0 && iscell(r.v) && numel(r.v) == 0);
end

function placeholders()
  id = db_open();
  closer = onCleanup(@() mym(id, 'close'));
  % values are bound, not spliced: quotes and SQL text come back literally
  evil = 'x"; DROP TABLE t; -- '' \ {S}';
  r = mym(id, 'SELECT "{S}" AS s, ''{S}'' AS q', evil, evil);
  assert(strcmp(r.s{1}, evil) && strcmp(r.q{1}, evil), 'string came back as %s', r.s{1});
  r = mym(id, 'SELECT {Si} AS a, {Si} AS b, {S} AS c, {S2} AS d, {S} AS e', 3.9, -2.5, 0.1, pi, int8(-7));
  assert(r.a == 3 && r.b == -3, 'Si floors');
  assert(r.c == 0.1, 'S with a double is exact, not 6-decimal text');
  assert(strcmp(r.d{1}, '3.14'), 'S2 gives 2 decimals: %s', r.d{1});
  assert(r.e == -7);
  r = mym(id, 'SELECT {S} AS big', intmax('int64'));
  assert(r.big == intmax('int64'), 'int64 values are bound exactly');
  r = mym(id, 'SELECT "{S}" AS e, {S} AS n', '', NaN);
  assert(isempty(r.e{1}) && isnan(r.n), 'empty string stays empty; NaN binds NULL');
  utf = native2unicode(uint8([206 169 240 159 152 128]), 'UTF-8');
  r = mym(id, 'SELECT "{S}" AS u, CHAR_LENGTH("{S}") AS n', utf, utf);
  assert(strcmp(r.u{1}, utf) && r.n == 2, 'UTF-8 text must be sent as UTF-8');
  r = mym(id, 'SELECT NULL AS n, CAST(NULL AS CHAR) AS c, {Si} AS k', 1);
  assert(isnan(r.n) && ischar(r.c{1}) && isempty(r.c{1}) && r.k == 1, 'NULLs via prepared statement');
  % braces that are not placeholders are left alone
  r = mym(id, 'SELECT "{x}" AS b, "{S}" AS s', 'v');
  assert(strcmp(r.b{1}, '{x}') && strcmp(r.s{1}, 'v'));
  r = mym(id, 'SELECT "{Q}" AS b');
  assert(strcmp(r.b{1}, '{Q}'));
  % wrong counts and types
  assert_error(@() mym(id, 'SELECT {Si}'), 'mym:placeholder');
  assert_error(@() mym(id, 'SELECT {Si}', 1, 2), 'mym:placeholder');
  assert_error(@() mym(id, 'SELECT {Si}', {1}), 'mym:placeholder');
  assert_error(@() mym(id, 'SELECT {S}', [1 2]), 'mym:placeholder');
  assert_error(@() mym(id, 'SELECT "{B}"', 'text'), 'mym:placeholder');
  assert_error(@() mym(id, 'SELECT "{M}"', @sin), 'mym:placeholder');
  assert_error(@() mym(id, 'SELECT "a{S}b"', 'x'), 'mym:placeholder');
  assert_error(@() mym(id, 'SELECT ?, {Si}', 1), 'mym:placeholder');
end

function blobs()
  id = db_open();
  closer = onCleanup(@() mym(id, 'close'));
  [db, dropper] = temp_db(id, 'blobs'); %#ok<ASGLU>
  mym(id, ['CREATE TABLE `' db '`.b (id int PRIMARY KEY, v longblob)']);
  multi = cat(3, [4 3; 2 7], [0 5; 3 8]);
  values = {multi, 'héllo', struct('a', {1, 'x'}, 'b', {{1, 2}, int16([1 2])}), ...
            {sparse([0 1; 2 0]), true, []}, zeros(1, 5000), uint64(2)^63 + 5};
  for i = 1:numel(values)
    mym(id, ['INSERT INTO `' db '`.b VALUES ({Si}, "{M}")'], i, values{i});
  end
  mym(id, ['INSERT INTO `' db '`.b VALUES ({Si}, "{uM}")'], 100, values{1});
  f = [tempname() '.bin'];
  fid = fopen(f, 'wb'); fwrite(fid, uint8(0:255)); fclose(fid);
  mym(id, ['INSERT INTO `' db '`.b VALUES (101, "{F}"), (102, "{B}"), (103, "{uB}")'], ...
      f, uint8([9 8 7]), repmat(uint8(1:10), 1, 300));
  delete(f);
  r = mym(id, ['SELECT v FROM `' db '`.b ORDER BY id']);
  for i = 1:numel(values)
    [ok, why] = same_value(r.v{i}, values{i});
    assert(ok, 'blob %d: %s', i, why);
  end
  assert(isequal(r.v{end-3}, values{1}));
  assert(isequal(r.v{end-2}, uint8(0:255)'), '{F} stores the file bytes');
  assert(isequal(r.v{end-1}, uint8([9; 8; 7])));
  assert(isequal(r.v{end}, repmat(uint8(1:10), 1, 300)'));
  % the same rows through a prepared statement (binary protocol, buffers sized per column)
  r2 = mym(id, ['SELECT v FROM `' db '`.b WHERE id >= {Si} ORDER BY id'], 0);
  assert(isequal(r2, r), 'binary protocol fetch differs from text protocol');
  % the stored bytes of {M} are exactly what serialize gives (same writer)
  r = mym(id, ['SELECT HEX(v) AS h FROM `' db '`.b WHERE id = 1']);
  c = mym('serialize {M}', values{1});
  assert(strcmpi(r.h{1}, bytes2hex(c{1})));
  % a corrupt mYm blob in a column fails the fetch with mym:blob naming the column
  mym(id, ['INSERT INTO `' db '`.b VALUES (200, X''6D596D0041020000'')']);
  err = assert_error(@() mym(id, ['SELECT v FROM `' db '`.b WHERE id = 200']), 'mym:blob');
  assert(~isempty(strfind(err.message, 'column ''v''')), 'message names the column: %s', err.message);
  % a dj0 blob decodes (None -> []); a Python value with no MATLAB form (2**64) gives the
  % compatibility error naming the column
  mym(id, ['UPDATE `' db '`.b SET v = X''646A3000FF'' WHERE id = 200']);
  r = mym(id, ['SELECT v FROM `' db '`.b WHERE id = 200']);
  assert(isequal(r.v{1}, []) && isa(r.v{1}, 'double'));
  mym(id, ['UPDATE `' db '`.b SET v = X''646A30000A0900000000000000000001'' WHERE id = 200']);
  err = assert_error(@() mym(id, ['SELECT v FROM `' db '`.b WHERE id = 200']), 'mYm:CrossPlatform:Compatibility');
  assert(~isempty(strfind(err.message, 'column ''v''')), 'message names the column: %s', err.message);
end

function errors()
  id = db_open();
  closer = onCleanup(@() mym(id, 'close'));
  err = assert_error(@() mym(id, 'SELEKT 1'), 'mym:query');
  assert(~isempty(strfind(err.message, '1064')), 'server errno in message: %s', err.message);
  err = assert_error(@() mym(id, 'SELECT * FROM no_such_db_djtest.nope'), 'mym:query');
  assert(~isempty(strfind(err.message, 'no_such_db_djtest')), 'server message kept: %s', err.message);
  assert_error(@() mym(id, 'SELECT * FROM nope WHERE a = {Si}', 1), 'mym:query');
  assert_error(@() mym(id, 'use', 'no_such_db_djtest_x'), 'mym:query');
  assert_error(@() mym(id, 'SELECT 1', 'bogus'), 'mym:placeholder');
  % the connection is still usable after errors
  r = mym(id, 'SELECT 2 AS two');
  assert(r.two == 2);
  % a statement larger than max_allowed_packet is refused before sending
  r = mym(id, 'SELECT @@max_allowed_packet AS p');
  if r.p <= 64 * 1024 * 1024
    big = uint8(mod(1:(r.p + 10), 251));
    err = assert_error(@() mym(id, 'SELECT LENGTH("{uB}") AS n', big), 'mym:packet');
    assert(~isempty(strfind(err.message, 'max_allowed_packet')));
    r = mym(id, 'SELECT 3 AS three');
    assert(r.three == 3);
  end
end
