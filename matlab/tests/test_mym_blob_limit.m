function t = test_mym_blob_limit()
% The cap on what a compressed blob may inflate to: mym('max_decompressed_size')
% and dj.config('blobMaxDecompressedSize') (Python: config['blob.max_decompressed_size']),
% default 1 GiB; a blob over it fails with mym:blobLimit naming the setting, both in
% mym('deserialize') and when a fetched row is decoded.
  t.file_setting_until_set_in_code = @file_setting_until_set_in_code;   % first: nothing set in code yet
  t.default_and_validation = @default_and_validation;
  t.deserialize_respects_cap = @deserialize_respects_cap;
  t.fetch_respects_cap = @fetch_respects_cap;
end

function restore()
  mym('max_decompressed_size', 2^30);
end

function file_setting_until_set_in_code()
  % the key Python reads from dj_local_conf.json applies when dj.conn connects
  cleaner = onCleanup(@restore);
  here = pwd();
  work = tempname();
  mkdir(work);
  back = onCleanup(@() leave(here, work));
  cd(work);
  f = fopen('dj_local_conf.json', 'w');
  fprintf(f, '{"blob.max_decompressed_size": 2097152}');
  fclose(f);
  dj.conn([], [], [], true);
  assert(mym('max_decompressed_size') == 2097152, 'the file value applies on connect');
  dj.config('blobMaxDecompressedSize', 3 * 2^20);
  dj.conn([], [], [], true);
  assert(mym('max_decompressed_size') == 3 * 2^20, 'a value set in code wins over the file');
  f = fopen('dj_local_conf.json', 'w');
  fprintf(f, '{"blob": {"max_decompressed_size": -4}}');
  fclose(f);
  assert(dj.config('blobMaxDecompressedSize') == 3 * 2^20, 'the file is not read once set in code');
end

function leave(here, work)
  cd(here);
  remove_tree(work);
  dj.conn([], [], [], true);
end

function default_and_validation()
  cleaner = onCleanup(@restore);
  assert(mym('max_decompressed_size') == 2^30, 'default cap is 1 GiB');
  assert(dj.config('blobMaxDecompressedSize') == 2^30);
  bad = {0, -1, 1.5, 'big', [1 2], NaN, Inf};
  for i = 1:numel(bad)
    assert_error(@() mym('max_decompressed_size', bad{i}), 'mym:args');
    assert_error(@() dj.config('blobMaxDecompressedSize', bad{i}), 'DataJoint:config:badValue');
  end
  assert(dj.config('blobMaxDecompressedSize', 12345) == 2^30, 'setting returns the previous value, as in 3.x');
  assert(mym('max_decompressed_size') == 12345);
end

function bytes = big_blob()
  v = zeros(3e6, 1, 'uint8');
  c = mym('serialize {M}', v);
  bytes = c{1};
  assert(isequal(bytes(1:5)', uint8('ZL123')), 'a compressible value is compressed');
  assert(numel(bytes) < 1e5);
end

function deserialize_respects_cap()
  cleaner = onCleanup(@restore);
  bytes = big_blob();
  dj.config('blobMaxDecompressedSize', 2^20);
  err = assert_error(@() mym('deserialize', bytes), 'mym:blobLimit');
  assert(~isempty(strfind(err.message, 'over the limit of 1048576')), err.message);
  assert(~isempty(strfind(err.message, 'blobMaxDecompressedSize')), err.message);
  dj.config('blobMaxDecompressedSize', 4 * 2^20);
  v = mym('deserialize', bytes);
  assert(isequal(size(v), [3e6 1]) && ~any(v));
end

function fetch_respects_cap()
  cleaner = onCleanup(@restore);
  id = db_open();
  closer = onCleanup(@() mym(id, 'close'));
  [db, dropper] = temp_db(id, 'bloblimit');
  mym(id, ['CREATE TABLE `' db '`.`t` (k int PRIMARY KEY, b longblob)']);
  mym(id, ['INSERT INTO `' db '`.`t` VALUES (1, "{uB}")'], big_blob());
  mym('max_decompressed_size', 2^20);
  err = assert_error(@() mym(id, ['SELECT b FROM `' db '`.`t`']), 'mym:blobLimit');
  assert(~isempty(strfind(err.message, 'max_decompressed_size')), err.message);
  % through the toolbox the id is DataJoint:blobLimit
  c = dj.conn();
  err = assert_error(@() c.query(['SELECT b FROM `' db '`.`t`']), 'DataJoint:blobLimit');
  assert(~isempty(strfind(err.message, 'blobMaxDecompressedSize')), err.message);
  mym('max_decompressed_size', 2^22);
  r = mym(id, ['SELECT b FROM `' db '`.`t`']);
  assert(numel(r.b{1}) == 3e6);
end
