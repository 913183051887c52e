function t = test_dj_conn_config()
% DataJoint for MATLAB 3.x's dj.conn, dj.config and dj.Connection (issue 17 items 1, 2, 3, 6):
% dj.conn(host, user, pass, initQuery, reset, use_tls), DJ_INIT, use_tls values and
% mYm:TLS:InvalidStruct, MySQL:Error for connection failures, the Connection object's
% properties and methods, and dj.config's names, dotted paths, files, environment and error ids.
  t.conn_arguments_and_init_query = @conn_arguments_and_init_query;
  t.conn_already_instantiated = @conn_already_instantiated;
  t.conn_failures_are_mysql_errors = @conn_failures_are_mysql_errors;
  t.tls_values_and_bad_structs = @tls_values_and_bad_structs;
  t.tls_required_and_verified = @tls_required_and_verified;
  t.connection_object = @connection_object;
  t.config_get_set_and_ids = @config_get_set_and_ids;
  t.config_dotted_paths = @config_dotted_paths;
  t.config_environment = @config_environment;
  t.config_files_both_names = @config_files_both_names;
  t.config_save_for_python = @config_save_for_python;
end


function c = fresh(varargin)
% a new shared connection to the test server (3.x form: initQuery, reset, use_tls)
  s = db_settings();
  c = dj.conn(s.address, s.user, s.pass, varargin{:});
end


function reconnect_default()
  s = db_settings();
  c = dj.conn(s.address, s.user, s.pass, '', true); %#ok<NASGU>
end


function tf = same(a, b)
% the same open session (Octave's handle classes have no ==)
  tf = isequal(a.serverId, b.serverId) && ~isempty(a.serverId);
end


function conn_arguments_and_init_query()
  back = onCleanup(@reconnect_default);
  saved = getenv('DJ_INIT');
  restoreInit = onCleanup(@() setenv('DJ_INIT', saved));
  c = fresh('SET @dj_init_probe = 41', true);
  r = c.query('SELECT @dj_init_probe AS v, CONNECTION_ID() AS id');
  assert(r.v == 41, 'initQuery runs on the new session');
  assert(isa(c.serverId, 'uint64') && c.serverId == uint64(r.id), 'serverId is the session''s CONNECTION_ID');
  first = c.serverId;
  mym(c.connId, 'close');
  r = c.query('SELECT @dj_init_probe AS v');
  assert(r.v == 41 && c.serverId ~= first, 'a reopened session runs initQuery again and has a new serverId');
  % DJ_INIT (dj.config('connectionInit_function')) when initQuery is not given
  setenv('DJ_INIT', 'SET @dj_init_probe = 7');
  c = fresh('', true);
  r = c.query('SELECT @dj_init_probe AS v');
  assert(r.v == 7, 'DJ_INIT is the initQuery when none is given');
  setenv('DJ_INIT', '');
  % the older form dj.conn(host, user, pass, true) still resets
  s = db_settings();
  c2 = dj.conn(s.address, s.user, s.pass, true);
  assert(c2.serverId ~= c.serverId && isempty(c2.initQuery), 'a logical fourth argument is reset');
  % [] arguments come from the settings; reset given as [] means false
  assert(same(dj.conn([], [], [], [], []), c2), 'no reset: the same connection');
  % a bad initQuery fails to connect, as mym fails it
  assert_error(@() fresh('SELEC nonsense', true), 'MySQL:Error');
end


function conn_already_instantiated()
  back = onCleanup(@reconnect_default);
  c = fresh('', true);
  s = db_settings();
  % the same server and account: a warning, and the open connection
  lastwarn('');
  c2 = dj.conn(s.address, s.user, s.pass);
  [~, id] = lastwarn();
  assert(same(c2, c) && strcmp(id, 'DataJoint:Connection:AlreadyInstantiated'), 'same server: warning, same object');
  % another server or account needs reset
  assert_error(@() dj.conn('127.0.0.2:1', s.user, s.pass, '', ''), 'DataJoint:Connection:AlreadyInstantiated');
  assert_error(@() dj.conn(s.address, 'someone_else', s.pass), 'DataJoint:Connection:AlreadyInstantiated');
  assert(same(dj.conn(), c) && c.isConnected, 'the open connection is kept');
end


function conn_failures_are_mysql_errors()
  back = onCleanup(@reconnect_default);
  s = db_settings();
  err = assert_error(@() dj.conn('127.0.0.1:1', s.user, s.pass, '', true), 'MySQL:Error');
  assert(~isempty(strfind(err.message, '127.0.0.1:1')) && ~isempty(strfind(err.message, 'dji server start')), ...
      'the message names host:port and what to do: %s', err.message);
  err = assert_error(@() dj.conn(s.address, s.user, [s.pass 'wrong-pw-17a'], '', true), 'MySQL:Error');
  assert(~isempty(strfind(err.message, 'Access denied')), 'a refused login says so: %s', err.message);
  % after a failed connect, dj.conn opens anew instead of returning a dead object
  c = dj.conn([], [], [], '', false);
  assert(c.isConnected);
end


function tls_values_and_bad_structs()
  back = onCleanup(@reconnect_default);
  c = fresh('', true, false);
  r = c.query('SHOW STATUS LIKE ''Ssl_cipher''');
  assert(isempty(r.Value{1}), 'use_tls false: no TLS');
  assert(strcmp(c.use_tls, 'false'));
  here = [mfilename('fullpath') '.m'];
  bad = {struct('ca', 'fake/path/some/where'), struct('ca', here, 'bogus', 1), struct('cert', 5), ...
      struct('ca', {here, here}), struct('capath', '/nonexistent-dir-17a'), struct('verify', 'yes')};
  for i = 1:numel(bad)
    err = assert_error(@() fresh('', true, bad{i}), 'mYm:TLS:InvalidStruct');
    assert(~isempty(err.message));
  end
  assert_error(@() fresh('', true, {1}), 'DataJoint:config:badValue');
  % the same checks when the struct comes from dj.config
  cleanup = onCleanup(@() dj.internal.Settings.restore());
  assert_error(@() dj.config('databaseUse_tls', struct('key', 'fake/key.pem')), 'mYm:TLS:InvalidStruct');
  % mym itself names a bad struct with the same identifier
  s = db_settings();
  assert_error(@() mym(-1, 'open', s.address, s.user, s.pass, 'ssl', struct('bogus', 1)), 'mYm:TLS:InvalidStruct');
end


function tls_required_and_verified()
  back = onCleanup(@reconnect_default);
  srv = private_server();
  c = dj.conn(srv.address, 'root', '', '', true, true);
  r = c.query('SHOW STATUS LIKE ''Ssl_cipher''');
  assert(~isempty(r.Value{1}), 'use_tls true: TLS');
  c = dj.conn(srv.address, 'root', '', '', true, struct('ca', srv.ca));
  r = c.query('SHOW STATUS LIKE ''Ssl_cipher''');
  assert(~isempty(r.Value{1}), 'use_tls struct with the CA: verified TLS');
  assert_error(@() dj.conn(srv.address, 'root', '', '', true, struct('ca', srv.wrong_ca)), 'MySQL:Error');
  reconnect_default();
  srv.stop();
end


function connection_object()
  back = onCleanup(@reconnect_default);
  c = fresh('', true);
  s = db_settings();
  assert(strcmp(c.host, s.address) && strcmp(c.user, s.user));
  assert(c.isConnected && ~c.inTransaction);
  % query result shapes: a struct of columns, numbers as doubles, text as cells
  r = c.query('SELECT 1 AS n, ''ab'' AS s UNION ALL SELECT 2, ''cde''');
  assert(isstruct(r) && isequal(r.n, [1; 2]) && isequal(r.s, {'ab'; 'cde'}));
  [db, dropper] = temp_db(c.connId, 'conn17a');
  c.query(sprintf('CREATE TABLE `%s`.`#lookup_thing` (k int PRIMARY KEY)', db));
  % BIGINT columns: integers, or doubles with dj.config('queryBigint_to_double') (3.x)
  c.query(sprintf('CREATE TABLE `%s`.`big` (k int PRIMARY KEY, b bigint, n bigint)', db));
  c.query(sprintf('INSERT INTO `%s`.`big` VALUES (1, 5, NULL)', db));
  r = c.query(sprintf('SELECT b FROM `%s`.`big`', db));
  assert(isa(r.b, 'int64') && r.b == 5);
  restoreConfig = onCleanup(@() dj.internal.Settings.restore());
  dj.config('queryBigint_to_double', true);
  r = c.query(sprintf('SELECT b, n FROM `%s`.`big`', db));
  assert(isa(r.b, 'double') && r.b == 5 && isnan(r.n), 'bigint_to_double once dj.config changed');
  dj.config('queryBigint_to_double', false);
  r = c.query(sprintf('SELECT b FROM `%s`.`big`', db));
  assert(isa(r.b, 'int64'));
  c.startTransaction();
  assert(c.inTransaction);
  c.query(sprintf('INSERT INTO `%s`.`#lookup_thing` VALUES (1)', db));
  c.cancelTransaction();
  assert(~c.inTransaction);
  r = c.query(sprintf('SELECT count(*) AS n FROM `%s`.`#lookup_thing`', db));
  assert(r.n == 0, 'cancelTransaction rolls back');
  c.startTransaction();
  c.query(sprintf('INSERT INTO `%s`.`#lookup_thing` VALUES (2)', db));
  c.commitTransaction();
  r = c.query(sprintf('SELECT count(*) AS n FROM `%s`.`#lookup_thing`', db));
  assert(r.n == 1 && ~c.inTransaction, 'commitTransaction keeps the row');
  % packages/schemas maps and tableToClass
  full = sprintf('`%s`.`#lookup_thing`', db);
  assert(strcmp(c.tableToClass(full), full), 'unbound database: name unchanged');
  assert_error(@() c.tableToClass(full, true), 'DataJoint:Connection:UnknownPackage');
  schema = dj.Schema(c, 'djconn17a', db);
  assert(isKey(c.packages, db) && strcmp(c.packages(db), 'djconn17a'));
  assert(isKey(c.schemas, db) && strcmp(c.schemas(db).dbname, schema.dbname) && isa(c.schemas(db), 'dj.Schema'));
  assert(strcmp(c.tableToClass(full), 'djconn17a.LookupThing'));
  assert(strcmp(c.tableToClass(sprintf('`%s`.`__my_result`', db)), 'djconn17a.MyResult'));
  c.addPackage('other_db_17a', 'otherpkg');
  assert(strcmp(c.tableToClass('`other_db_17a`.`_scan`'), 'otherpkg.Scan'));
  % reload forgets what was learnt about tables
  assert(c.tableExists(db, '#lookup_thing'));
  mym(c.connId, sprintf('DROP TABLE `%s`.`#lookup_thing`', db));
  assert(c.tableExists(db, '#lookup_thing'), 'existence is cached');
  c.reload();
  assert(~c.tableExists(db, '#lookup_thing'), 'reload reads the server again');
  c.close();
  assert(~c.isConnected && isempty(c.connId));
  clear dropper
end


function config_get_set_and_ids()
  cleanup = onCleanup(@() dj.internal.Settings.restore());
  dj.internal.Settings.restore();
  all = dj.config();
  keys = {'databaseHost', 'databasePassword', 'databaseUser', 'databasePort', 'databaseUse_tls', ...
      'databaseReconnect_transaction', 'connectionInit_function', 'loglevel', 'safemode', 'displayLimit', ...
      'displayDiagram_hierarchy_radius', 'displayDiagram_font_size', 'displayCount', 'queryPopulate_check', ...
      'queryPopulate_ancestors', 'queryBigint_to_double', 'queryIgnore_extra_insert_fields', 'use_32bit_dims', ...
      'stores', 'blobCache', 'blobMaxDecompressedSize', 'databaseRead_timeout', 'databaseWrite_timeout'};
  for i = 1:numel(keys)
    assert(isfield(all, keys{i}), 'dj.config() has %s', keys{i});
  end
  % after restore, dj.config() lists exactly the defaults, in their order (3.x code compares
  % jsonencode(dj.config()) with jsonencode(orderfields(dj.internal.Settings.DEFAULTS)))
  assert(isequal(fieldnames(all), fieldnames(orderfields(dj.internal.Settings.DEFAULTS))), ...
      strjoin(fieldnames(all)', ','));
  assert(dj.config('displayLimit') == 12 && dj.config('safemode') == true);
  old = dj.config('displayLimit', 15);
  assert(old == 12 && dj.config('displayLimit') == 15, 'setting returns the previous value');
  assert_error(@() dj.config(9), 'DataJoint:Config:InvalidType');
  assert_error(@() dj.config({'safemode'}), 'DataJoint:Config:InvalidType');
  assert_error(@() dj.config('noSuchSetting17a'), 'DataJoint:Config:InvalidKey');
  assert_error(@() dj.config('bad name'), 'DataJoint:Config:InvalidKey');
  dj.config('project', 'Neuro');
  assert(strcmp(dj.config('project'), 'Neuro'), 'a new setting is created, as in 3.x');
  assert_error(@() dj.config('safemode', 'maybe'), 'DataJoint:config:badValue');
  assert_error(@() dj.config('databasePort', 70000), 'DataJoint:config:badValue');
  assert_error(@() dj.config('databaseRead_timeout', -1), 'DataJoint:config:badValue');
  dj.config('use_32bit_dims', true);
  assert(strcmp(getenv('MYM_USE_32BIT_DIMS'), 'true'));
  dj.config('use_32bit_dims', false);
  assert(strcmp(getenv('MYM_USE_32BIT_DIMS'), 'false'));
  dj.internal.Settings.restore();
  assert(dj.config('displayLimit') == 12 && ~isfield(dj.config(), 'project'), 'restore forgets what code set');
  assert(dj.internal.Settings.DEFAULTS.databasePort == 3306 && strcmp(dj.internal.Settings.LOCALFILE, './dj_local_conf.json'));
end


function config_dotted_paths()
  cleanup = onCleanup(@() dj.internal.Settings.restore());
  dj.internal.Settings.restore();
  assert(isempty(dj.config('stores')), 'no stores until set');
  dj.config('stores.raw', struct('protocol', 'file', 'location', '/tmp'));
  dj.config('stores.raw.location', '/data/raw');
  assert(strcmp(dj.config('stores.raw.location'), '/data/raw') && strcmp(dj.config('stores.raw.protocol'), 'file'));
  st = dj.config('stores');
  assert(strcmp(st.raw.location, '/data/raw'));
  assert_error(@() dj.config('stores.nope.location'), 'DataJoint:Config:InvalidKey');
  dj.config('stores', {struct('protocol', 'file'), struct('protocol', 's3')});
  old = dj.config('stores{2}.protocol', 'http');
  assert(strcmp(old, 's3') && strcmp(dj.config('stores{2}.protocol'), 'http'));
  dj.config('stores{3}', struct('protocol', 'file'));
  assert(numel(dj.config('stores')) == 3, 'one past the end appends');
  assert_error(@() dj.config('stores{99999999}', 1), 'DataJoint:Config:InvalidKey');
  dj.config('stores', containers.Map({'my-store'}, {struct('protocol', 'file', 'location', '/m')}));
  m = dj.config('stores');
  assert(strcmp(m('my-store').location, '/m'));
end


function config_environment()
  names = {'DJ_HOST', 'DJ_PORT', 'DJ_USER', 'DJ_PASS', 'DJ_INIT'};
  saved = cellfun(@getenv, names, 'UniformOutput', false);
  back = onCleanup(@() restoreEnv(names, saved));
  cleanup = onCleanup(@() dj.internal.Settings.restore());
  dj.internal.Settings.restore();
  setenv('DJ_HOST', 'db.example.org'); setenv('DJ_PORT', '3310'); setenv('DJ_USER', 'alice');
  setenv('DJ_PASS', 'secret17a'); setenv('DJ_INIT', 'SET @a = 1');
  assert(strcmp(dj.config('databaseHost'), 'db.example.org') && dj.config('databasePort') == 3310);
  assert(strcmp(dj.config('databaseUser'), 'alice') && strcmp(dj.config('databasePassword'), 'secret17a'));
  assert(strcmp(dj.config('connectionInit_function'), 'SET @a = 1'));
  % code wins over the environment, and dj.conn's server rule follows dj.config
  dj.config('databaseHost', 'other.example.org');
  s = dj.internal.serverSettings();
  assert(strcmp(s.host, 'other.example.org') && strcmp(s.sources.host, 'dj.config (set in code)'));
  assert(strcmp(s.port, '3310') && strcmp(s.sources.port, 'environment DJ_PORT'));
  s = dj.internal.serverSettings('arg.example.org');
  assert(strcmp(s.host, 'arg.example.org'), 'arguments win over everything');
end


function restoreEnv(names, values)
  for i = 1:numel(names)
    setenv(names{i}, values{i});
  end
end


function config_files_both_names()
  names = {'DJ_HOST', 'DJ_PORT', 'DJ_USER', 'DJ_PASS', 'DJ_INIT'};
  saved = cellfun(@getenv, names, 'UniformOutput', false);
  back = onCleanup(@() restoreEnv(names, saved));
  for i = 1:numel(names)
    setenv(names{i}, '');
  end
  cleanup = onCleanup(@() dj.internal.Settings.restore());
  here = pwd();
  work = tempname();
  mkdir(work);
  leave = onCleanup(@() leaveDir(here, work));
  cd(work);
  dj.internal.Settings.restore();
  % Python's names, flat and nested, in the local file
  put('dj_local_conf.json', ['{"database.host": "h1.example.org", "display": {"limit": 7}, ' ...
      '"display.show_tuple_count": false, "database.use_tls": false, "safemode": false, "loglevel": "DEBUG"}']);
  assert(strcmp(dj.config('databaseHost'), 'h1.example.org') && dj.config('displayLimit') == 7);
  assert(dj.config('displayCount') == false && isequal(dj.config('databaseUse_tls'), false));
  assert(dj.config('safemode') == false && strcmp(dj.config('loglevel'), 'DEBUG'));
  % 3.x's names in a file given to load, which the environment still overrides
  put('other.json', '{"database.port": 3399, "display.count": true, "connection.init_function": "SET @b = 2"}');
  dj.internal.Settings.load('other.json');
  assert(dj.config('databasePort') == 3399 && dj.config('displayCount') == true);
  assert(strcmp(dj.config('connectionInit_function'), 'SET @b = 2'));
  setenv('DJ_PORT', '3307');
  assert(dj.config('databasePort') == 3307, 'the environment wins over a loaded file (3.x)');
  setenv('DJ_PORT', '');
  put('bad.json', '[1, 2]');
  assert_error(@() dj.internal.Settings.load('bad.json'), 'DataJoint:config:badFile');
  put('badvalue.json', '{"display.limit": "many"}');
  assert_error(@() dj.internal.Settings.load('badvalue.json'), 'DataJoint:config:badValue');
  % a bad value in the shared files fails where it is used, naming the file
  put('dj_local_conf.json', '{"safemode": "no", "database.read_timeout": -5}');
  err = assert_error(@() dj.config('safemode'), 'DataJoint:config:badValue');
  assert(~isempty(strfind(err.message, 'dj_local_conf.json')), 'the message names the file: %s', err.message);
  s = db_settings();
  err = assert_error(@() dj.Connection(s.address, s.user, s.pass), 'DataJoint:config:badValue');
  assert(~isempty(strfind(err.message, 'databaseRead_timeout')), 'the message names the setting: %s', err.message);
end


function leaveDir(here, work)
  cd(here);
  remove_tree(work);
end


function put(path, text)
  f = fopen(path, 'w');
  fprintf(f, '%s', text);
  fclose(f);
end


function config_save_for_python()
  names = {'DJ_HOST', 'DJ_PORT', 'DJ_USER', 'DJ_PASS', 'DJ_INIT', 'HOME'};
  saved = cellfun(@getenv, names, 'UniformOutput', false);
  back = onCleanup(@() restoreEnv(names, saved));
  for i = 1:5
    setenv(names{i}, '');
  end
  cleanup = onCleanup(@() dj.internal.Settings.restore());
  here = pwd();
  work = tempname();
  mkdir(work);
  leave = onCleanup(@() leaveDir(here, work));
  cd(work);
  setenv('HOME', work);
  dj.internal.Settings.restore();
  dj.config('databaseHost', 'saved.example.org');
  dj.config('displayCount', false);
  dj.config('stores.raw', struct('protocol', 'file', 'location', '/data'));
  setenv('DJ_PASS', 'env-secret-17a');
  setenv('DJ_USER', 'envuser');
  dj.internal.Settings.saveLocal();
  text = fileread('dj_local_conf.json');
  data = jsondecode(text);
  assert(strcmp(data.database_host, 'saved.example.org'), 'written under Python''s name database.host');
  assert(~isempty(strfind(text, '"display.show_tuple_count": false')), 'displayCount as Python''s key');
  assert(~isempty(strfind(text, '"database.use_tls": null')) && ~isempty(strfind(text, '"connection.init_function"')));
  assert(strcmp(data.stores.raw.location, '/data'));
  assert(isempty(strfind(text, 'env-secret-17a')) && isempty(strfind(text, 'envuser')), ...
      'values from the environment are not written');
  [st, mode] = system('stat -c %a dj_local_conf.json');
  assert(st == 0 && strcmp(strtrim(mode), '600'), 'the file is readable by its owner only, got %s', mode);
  dj.internal.Settings.saveGlobal();
  assert(exist(fullfile(work, '.datajoint_config.json'), 'file') == 2, 'saveGlobal writes ~/.datajoint_config.json');
  % and it reads back to the same settings
  setenv('DJ_PASS', ''); setenv('DJ_USER', '');
  dj.internal.Settings.restore();
  delete(fullfile(work, '.datajoint_config.json'));
  assert(strcmp(dj.config('databaseHost'), 'saved.example.org') && dj.config('displayCount') == false);
end
