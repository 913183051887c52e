function t = test_mym_serialize()
% mym('serialize ...') / mym('deserialize', ...) without a server: round trips, UTF-16 chars
% under Octave, compression, and clear errors (never crashes) for bad or hostile input.
  t.roundtrip = @roundtrip;
  t.chars_are_utf16 = @chars_are_utf16;
  t.compression = @compression;
  t.multiple_values = @multiple_values;
  t.raw_bytes = @raw_bytes;
  t.bad_arguments = @bad_arguments;
  t.dj0_values = @dj0_values;
  t.corrupt_blobs = @corrupt_blobs;
  t.many_dims_and_cells_of_strings = @many_dims_and_cells_of_strings;
end

function roundtrip()
  multi = cat(3, [4 3; 2 7], [0 5; 3 8]);
  values = {[], 5, [1 2 3], [1; 2], multi, single(pi), int8(-3:3), uint64(2)^60 + 1, ...
            intmin('int64'), true(2, 2), logical([]), 'hello', '', zeros(0, 3), [1+2i, -0], ...
            NaN, [Inf -Inf], struct('x', {1, 'a'}, 'y', {{}, struct('z', multi)}), ...
            struct(), repmat(struct('a', 1), 0, 0), {1, 'a', {[], {2}}}, cell(2, 0), ...
            sparse([0 2; 3 0]), sparse(logical([1 0; 0 1])), sparse(3, 2), ...
            {sparse([1 0 2])}, ['ab'; 'cd']};
  for i = 1:numel(values)
    for ph = {'{M}', '{uM}'}
      c = mym(['serialize ' ph{1}], values{i});
      assert(iscell(c) && isequal(size(c), [1 1]), 'serialize returns a 1x1 cell');
      assert(isa(c{1}, 'uint8') && size(c{1}, 2) == 1, 'serialize gives a uint8 column');
      back = mym('deserialize', c{1});
      [ok, why] = same_value(back, values{i});
      assert(ok, 'value %d via %s: %s', i, ph{1}, why);
    end
  end
end

function chars_are_utf16()
  % 'é€😀' as UTF-8 text must be stored as UTF-16 units, as MATLAB writes them
  s = native2unicode(uint8([195 169 226 130 172 240 159 152 128]), 'UTF-8');
  c = mym('serialize {uM}', s);
  b = c{1};
  units = typecast(b(end-7:end), 'uint16');
  assert(isequal(double(units(:)'), [233 8364 55357 56832]), 'units %s', mat2str(units));
  dims = typecast(b(14:29), 'uint64');
  assert(isequal(double(dims(:)'), [1 4]), 'char dims should count UTF-16 units');
  assert(strcmp(mym('deserialize', b), s), 'text must come back unchanged');
  % 2-row matrix of non-ASCII text round-trips
  m = [s; s];
  c = mym('serialize {uM}', m);
  assert(isequal(mym('deserialize', c{1}), m), 'char matrix round trip');
  % invalid UTF-8 under Octave is refused with a clear id
  if exist('OCTAVE_VERSION', 'builtin')
    assert_error(@() mym('serialize {M}', char([104 255 105])), 'mym:placeholder');
  end
end

function compression()
  big = zeros(1, 1000);
  c = mym('serialize {M}', big);
  assert(isequal(char(c{1}(1:5)'), 'ZL123') && c{1}(6) == 0, 'large zeros must be compressed');
  assert(numel(c{1}) < 200, 'compressed size %d', numel(c{1}));
  u = mym('serialize {uM}', big);
  assert(isequal(char(u{1}(1:3)'), 'mYm'), '{uM} must not compress');
  assert(isequal(mym('deserialize', c{1}), big));
  % incompressible data of more than 1000 bytes stays plain (mym ratio rule)
  rand('seed', 1);
  r = uint8(floor(rand(1, 3000) * 256));
  c = mym('serialize {M}', r);
  assert(isequal(char(c{1}(1:3)'), 'mYm'), 'random bytes should not be compressed');
  assert(isequal(mym('deserialize', c{1}), r));
end

function multiple_values()
  c = mym('serialize {M}, {uM}, {M}', 1, 'two', {3});
  assert(isequal(size(c), [3 1]));
  assert(isequal(mym('deserialize', c{2}), 'two'));
  % extra placeholders are ignored, as in mym
  c = mym('serialize {M}, {M}, {M}', 7);
  assert(numel(c) == 1 && mym('deserialize', c{1}) == 7);
end

function raw_bytes()
  % bytes that are not a blob come back as a uint8 column
  x = uint8([1 2 3 250]);
  assert(isequal(mym('deserialize', x), x(:)));
  % {B} compresses large byte strings in an envelope; deserialize gives back the bytes
  b = repmat(uint8('abcdefgh'), 1, 500);
  c = mym('serialize {B}', b);
  assert(isequal(char(c{1}(1:5)'), 'ZL123'));
  assert(isequal(mym('deserialize', c{1}), b(:)));
  c = mym('serialize {uB}', b);
  assert(isequal(c{1}, b(:)));
end

function bad_arguments()
  assert_error(@() mym('serialize {M}', @sin), 'mym:placeholder');
  assert_error(@() mym('serialize {M}', {1, @sin}), 'mym:placeholder');
  assert_error(@() mym('serialize {B}', [1 2 3]), 'mym:placeholder');
  assert_error(@() mym('serialize {B}', uint8([1 2; 3 4])), 'mym:placeholder');
  assert_error(@() mym('serialize {M}', 1, 2), 'mym:placeholder');
  assert_error(@() mym('serialize {F}', '/nonexistent/file/for/mym'), 'mym:placeholder');
  assert_error(@() mym('deserialize', [1 2 3]), 'mym:args');
  assert_error(@() mym('deserialize'), 'mym:args');
  assert_error(@() mym('version', 1), 'mym:args');
  assert_error(@() mym({1}), 'mym:args');
  assert_error(@() mym(99999, 'status'), 'mym:args');
  assert_error(@() mym(1.5, 'close'), 'mym:args');
  assert_error(@() mym(-1, 'close'), 'mym:args');
  v = mym('version');
  assert(v.major == 2 && isfield(v, 'minor') && isfield(v, 'bugfix'));
  % nesting deeper than the limit is refused, not a stack overflow
  deep = 1;
  for k = 1:300
    deep = {deep};
  end
  assert_error(@() mym('serialize {M}', deep), 'mym:placeholder');
end

function dj0_values()
  % Python list [1, 'a'] (spec 15.5) and None decode; an int beyond uint64 has no MATLAB form
  v = mym('deserialize', hex2bytes('646a300002020000000000000004000000000000000a0100010a0000000000000005010000000000000061'));
  assert(iscell(v) && isequal(size(v), [1 2]) && isequal(v{1}, int64(1)) && strcmp(v{2}, 'a'));
  v = mym('deserialize', hex2bytes('646a3000ff'));
  assert(isa(v, 'double') && isequal(size(v), [0 0]));
  assert_error(@() mym('deserialize', hex2bytes('646a30000a0900000000000000000001')), ...
               'mYm:CrossPlatform:Compatibility');
end

function corrupt_blobs()
  v = struct('a', {1, 'xyz'}, 'b', {{1, [2 3]}, sparse([1 0 2])});
  c = mym('serialize {uM}', v);
  b = c{1};
  % every truncation of a valid blob is an error with id mym:blob, never a crash
  for n = 4:numel(b) - 1
    try
      mym('deserialize', b(1:n));
      error('test:noError', 'truncated blob of %d bytes decoded', n);
    catch err
      assert(any(strcmp(err.identifier, {'mym:blob'})), 'truncation %d gave %s: %s', ...
             n, err.identifier, err.message);
    end
  end
  % random byte corruption: either decodes or fails with a mym id (bounded loop)
  rand('seed', 7);
  for k = 1:300
    x = b;
    pos = randi(numel(x), 1, 3);
    x(pos) = uint8(randi(256, 1, 3) - 1);
    try
      mym('deserialize', x);
    catch err
      assert(any(strcmp(err.identifier, {'mym:blob', 'mYm:CrossPlatform:Compatibility'})), ...
             'corruption gave %s: %s', err.identifier, err.message);
    end
  end
  % corrupt compressed envelope
  z = mym('serialize {M}', zeros(1, 2000));
  z = z{1};
  z(30:40) = 0;
  assert_error(@() mym('deserialize', z), 'mym:blob');
  % absurd sizes in the header do not allocate or crash
  assert_error(@() mym('deserialize', hex2bytes('6d596d004102000000000000000000000000ffffff00ffffffffffffff0600000000000000')), 'mym:blob');
end

function many_dims_and_cells_of_strings()
  % up to 8 dims are decoded without an allocation of their own, more take another path:
  % both give the value back, for arrays, structs and cells (also nested in a cell of strings)
  x = reshape(1:1024, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2);
  s = reshape(repmat(struct('a', {1, 'b'}), 1, 256), 2, 2, 2, 2, 2, 2, 2, 2, 2);
  names = arrayfun(@(k) sprintf('trial_%d', k), 1:2000, 'UniformOutput', false);
  values = {x, reshape(1:256, 2, 2, 2, 2, 2, 2, 2, 2), s, cell(2, 2, 2, 2, 2, 2, 2, 2, 2), ...
            [names, {x, s, ''}]};
  for i = 1:numel(values)
    c = mym('serialize {M}', values{i});
    back = mym('deserialize', c{1});
    assert(isequal(size(back), size(values{i})), 'value %d: size %s', i, mat2str(size(back)));
    assert(isequal(back, values{i}), 'value %d differs after the round trip', i);
  end
end
