function t = test_mym_dj0()
% Blobs DataJoint for Python writes in its dj0 format decode to natural MATLAB values
% (docs/blobs.md, "dj0 values in MATLAB"); values with no MATLAB form fail with a message naming
% the type and position, or become markers in marker mode; hostile dj0 bytes never crash.
% Hex below was written by DataJoint 0.14's pack (the golden vectors cover the basic types).
  t.sets_sorted = @sets_sorted;
  t.decimals = @decimals;
  t.datetime64_units = @datetime64_units;
  t.records = @records;
  t.formless_values_named = @formless_values_named;
  t.long_paths = @long_paths;
  t.markers = @markers;
  t.map_saved_as_dict = @map_saved_as_dict;
  t.hostile_bytes = @hostile_bytes;
end

function sets_sorted()
  % {'b', 'a', 'c'} stored in hash order c, b (0.14 wrote a, c, b): shown sorted
  v = mym('deserialize', hex2bytes(['646a30000303000000000000000a00000000000000050100000000000000610a' ...
      '00000000000000050100000000000000630a0000000000000005010000000000000062']));
  assert(isequal(v, {'a', 'b', 'c'}));
  % {10, 3, -1} (stored 10, 3, -1)
  v = mym('deserialize', hex2bytes(['646a300003030000000000000004000000000000000a01000a04000000000000' ...
      '000a01000304000000000000000a0100ff']));
  assert(isequal(v, {int64(-1), int64(3), int64(10)}));
end

function decimals()
  % [0.1, -0, 1E+400, NaN, 12345678901234567, 1.000000000000000000000, -Infinity, 123456789012345]
  v = mym('deserialize', hex2bytes(['646a30000208000000000000000c00000000000000640300000000000000302e' ...
      '310b000000000000006402000000000000002d300f0000000000000064060000000000000031452b3430300c00' ...
      '0000000000006403000000000000004e614e1a0000000000000064110000000000000031323334353637383930' ...
      '313233343536372000000000000000641700000000000000312e303030303030303030303030303030303030' ...
      '30303012000000000000006409000000000000002d496e66696e6974791800000000000000640f0000000000' ...
      '0000313233343536373839303132333435']));
  assert(isequal(v{1}, 0.1));
  assert(v{2} == 0 && 1 / v{2} < 0, '-0 keeps its sign');
  assert(strcmp(v{3}, '1E+400'), 'beyond double: the exact text');
  assert(isnan(v{4}));
  assert(strcmp(v{5}, '12345678901234567'), '17 significant digits: the exact text');
  assert(isequal(v{6}, 1), 'trailing zeros are not precision');
  assert(v{7} == -Inf);
  assert(isequal(v{8}, 123456789012345));
  % [NaN123, 0E-1000000, -sNaN]: NaN payloads; an exponent far outside double keeps the text
  v = mym('deserialize', hex2bytes(['646a30000203000000000000000f000000000000006406000000000000004e61' ...
      '4e3132331300000000000000640a0000000000000030452d313030303030300e00000000000000640500000000' ...
      '0000002d734e614e']));
  assert(isnan(v{1}) && strcmp(v{2}, '0E-1000000') && isnan(v{3}));
end

function long_paths()
  % {'a<newline>b"': [[[...[2**70]...]]]} (120 lists): the position keeps its outermost and
  % innermost parts around '...'; the untrusted key is shown without control characters
  inner = hex2bytes('0a0900000000000000000040');
  for k = 1:120
    inner = [uint8(2); u64(1); u64(numel(inner)); inner];
  end
  key = [uint8(5); u64(4); uint8('a'); uint8(10); uint8('b"')'];
  bytes = [uint8('dj0')'; uint8(0); uint8(4); u64(1); u64(numel(key)); key; u64(numel(inner)); inner];
  msg = error_message(bytes, 'mYm:CrossPlatform:Compatibility');
  assert(~isempty(strfind(msg, 'value(''a?b"'')...')) && ~isempty(strfind(msg, '{1}{1}: a Python int')), msg);
  assert(~any(msg == char(10)), 'newline of the key reached the message');
end

function b = u64(n)
  b = typecast(uint64(n), 'uint8')';
  b = b(:);
end

function datetime64_units()
  % numpy datetime64 in units Y, M, h, m, ms, ps, as, D, before and after 1970
  v = mym('deserialize', hex2bytes(['646a300002080000000000000019000000000000004100000000000000000000010000000000360000000000' ...
      '0000190000000000000041000000000000000001000100000000008a02000000000000190000000000000041' ...
      '00000000000000000400010000000000ffffffffffffffff1900000000000000410000000000000000050001' ...
      '0000000000ffffffffffffffff19000000000000004100000000000000000700010000000000ffffffffffff' ...
      'ffff19000000000000004100000000000000000a000100000000000100000000000000190000000000000041' ...
      '00000000000000000c0001000000000001000000000000001900000000000000410000000000000000030001' ...
      '0000000000c606f5ffffffffff']));
  want = {'2024', '2024-03', '1969-12-31T23', '1969-12-31T23:59', '1969-12-31T23:59:59.999', ...
          '1970-01-01T00:00:00.000000000001', '1970-01-01T00:00:00.000000000000000001', '0001-01-01'};
  assert(isequal(v, want), 'got %s', strjoin(v, ' | '));
end

function records()
  % np.array([((1, 'x'), 2.5)], dtype=[('p', [('a', 'i4'), ('b', 'O')]), ('q', 'f8')])
  v = mym('deserialize', hex2bytes(['646a300046020000007000710046020000006100620041010000000000000001' ...
      '000000000000000c0000000000000001000000410100000000000000010000000000000005000000000000000a' ...
      '0000000000000005010000000000000078410100000000000000010000000000000006000000000000000000' ...
      '000000000440']));
  assert(isstruct(v) && isequal(size(v), [1 1]) && isequal(fieldnames(v), {'p'; 'q'}));
  assert(isequal(v.p.a, int32(1)) && strcmp(v.p.b, 'x') && v.q == 2.5);
  % a record field named 'a b' has no MATLAB form
  assert_error(@() mym('deserialize', hex2bytes(['646a30004601000000612062004101000000000000000100' ...
      '0000000000000c0000000000000001000000'])), 'mYm:CrossPlatform:Compatibility');
end

function formless_values_named()
  % [1, {'k': [2**70]}]: the message names the type and where it sits
  msg = error_message(hex2bytes(['646a300002020000000000000004000000000000000a01000140000000000000' ...
      '000401000000000000000a000000000000000501000000000000006b1d0000000000000002010000000000000' ...
      '00c000000000000000a0900000000000000000040']), 'mYm:CrossPlatform:Compatibility');
  assert(~isempty(strfind(msg, 'value{2}.k{1}')) && ~isempty(strfind(msg, 'Python int')), msg);
  % {(1, 2): 3}: a tuple key
  msg = error_message(hex2bytes(['646a3000040100000000000000210000000000000001020000000000000004000' ...
      '000000000000a01000104000000000000000a01000204000000000000000a010003']), ...
      'mYm:CrossPlatform:Compatibility');
  assert(~isempty(strfind(msg, 'key of type tuple')), msg);
  % {True: 1}: a bool key
  msg = error_message(hex2bytes('646a300004010000000000000002000000000000000b0104000000000000000a010001'), ...
      'mYm:CrossPlatform:Compatibility');
  assert(~isempty(strfind(msg, 'key of type bool')), msg);
end

function markers()
  old = mym('blob_errors');
  cleanup = onCleanup(@() mym('blob_errors', old));
  formless = hex2bytes('646a30000a0900000000000000000001');   % 2**64
  corrupt = hex2bytes('646a3000020500000000000000');          % a list of 5 items, none present
  good = hex2bytes('646a3000ff');
  assert(strcmp(mym('blob_errors', 'marker'), 'marker'));
  m = mym('deserialize', formless);
  assert(is_marker(m) && strcmp(m.identifier, 'mYm:CrossPlatform:Compatibility'));
  m = mym('deserialize', corrupt);
  assert(is_marker(m) && strcmp(m.identifier, 'mym:blob'), m.message);
  assert(isequal(mym('deserialize', good), []));
  try
    rethrow(m);
    error('test:noError', 'rethrow of a marker did not raise');
  catch err
    assert(strcmp(err.identifier, 'mym:blob'));
  end
  assert(strcmp(mym('blob_errors', 'error'), 'error'));
  assert_error(@() mym('deserialize', formless), 'mYm:CrossPlatform:Compatibility');
  assert_error(@() mym('blob_errors', 'maybe'), 'mym:args');
  % through the toolbox setting
  dj.config('blobErrors', 'marker');
  assert(strcmp(mym('blob_errors'), 'marker') && strcmp(dj.config('blobErrors'), 'marker'));
  dj.config('blobErrors', 'error');
  assert_error(@() dj.config('blobErrors', 1), 'DataJoint:config:badValue');
end

function map_saved_as_dict()
  % a containers.Map (a dict with non-field keys) is saved as a dj0 dict and reads back equal
  m = containers.Map({'a b', 'c'}, {1.5, {1, 'x'}}, 'UniformValues', false);
  c = mym('serialize {uM}', struct('m', m));
  h = c{1};
  assert(strcmp(char(reshape(h(1:3), 1, [])), 'dj0'), 'a Map is saved under the dj0 header');
  v = mym('deserialize', c{1});
  assert(isa(v.m, 'containers.Map') && isequal(keys(v.m), {'a b', 'c'}));
  assert(isequal(v.m('a b'), 1.5) && isequal(v.m('c'), {1, 'x'}));
  n = containers.Map([1 2.5], {'one', []}, 'UniformValues', false);
  c = mym('serialize {uM}', n);
  v = mym('deserialize', c{1});
  assert(isequal(keys(v), {1, 2.5}) && strcmp(v(1), 'one') && isempty(v(2.5)));
end

function hostile_bytes()
  % every truncation and many byte flips of dj0 vectors: an error with a known id or a value,
  % never a crash or a hang; marker mode turns each failure into a marker
  here = fileparts(mfilename('fullpath'));
  folder = fullfile(fileparts(fileparts(here)), 'tests', 'golden', 'blobs');
  files = dir(fullfile(folder, 'dj0_*.json'));
  ids = {'mym:blob', 'mYm:CrossPlatform:Compatibility', 'mym:blobLimit'};
  for i = 1:numel(files)
    g = jsondecode(fileread(fullfile(folder, files(i).name)));
    b = hex2bytes(g.hex);
    for n = 4:numel(b) - 1
      check_decode(b(1:n), ids, g.name);
    end
    for k = 1:40   % deterministic flips spread over the bytes after the header
      x = b;
      p = 5 + mod(k * 7919, numel(b) - 4);
      x(p) = uint8(mod(double(x(p)) + k * 131, 256));
      check_decode(x, ids, g.name);
    end
  end
  mym('blob_errors', 'marker');
  cleanup = onCleanup(@() mym('blob_errors', 'error'));
  m = mym('deserialize', b(1:end - 1));
  assert(is_marker(m));
end

function check_decode(bytes, ids, name)
  try
    mym('deserialize', bytes);
  catch err
    assert(any(strcmp(err.identifier, ids)), '%s: unexpected error %s: %s', name, ...
           err.identifier, err.message);
  end
end

function msg = error_message(bytes, id)
  try
    mym('deserialize', bytes);
  catch err
    assert(strcmp(err.identifier, id), 'expected %s, got %s: %s', id, err.identifier, err.message);
    msg = err.message;
    return
  end
  error('test:noError', 'expected error %s, but decoding succeeded', id);
end

function tf = is_marker(v)
  tf = isa(v, 'MException') || (isstruct(v) && isequal(fieldnames(v), {'identifier'; 'message'}));
end
