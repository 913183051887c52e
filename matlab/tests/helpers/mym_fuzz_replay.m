function n = mym_fuzz_replay(files, seconds, seed, lastfile)
% MYM_FUZZ_REPLAY  Feed blobs and mutations of them to mym('deserialize') for a bounded time.
%   n = mym_fuzz_replay(files, seconds, seed, lastfile)
%   files     cell array of paths, each holding one blob (raw bytes)
%   seconds   time budget for the mutation phase (every file is replayed unmutated first)
%   seed      seed of the mutation generator (runs are repeatable)
%   lastfile  path where each input is written before it is decoded, so that an input that
%             crashes or hangs Octave survives the killed process ('' to skip)
% The MEX's conversion from codec output to MATLAB values is only reached by decoding, so this
% is how that path is fuzzed under the real Octave: a decode may succeed or fail with a mym:* or
% mYm:* error id; any other error is rethrown, and a crash or hang ends the process (the caller
% runs it under a hard timeout). Returns the number of inputs decoded.
  if nargin < 4
    lastfile = '';
  end
  seeds = cell(1, numel(files));
  for i = 1:numel(files)
    f = fopen(files{i}, 'r');
    seeds{i} = fread(f, Inf, '*uint8')';
    fclose(f);
  end
  n = 0;
  for i = 1:numel(seeds)
    try_one(seeds{i}, lastfile);
    n = n + 1;
  end
  rand('twister', seed);
  t0 = tic;
  while toc(t0) < seconds && ~isempty(seeds)
    b = mutate(seeds{randi(numel(seeds))});
    try_one(b, lastfile);
    n = n + 1;
  end
end

function try_one(b, lastfile)
% decode b; only the MEX's own error ids are acceptable failures
  if ~isempty(lastfile)
    f = fopen(lastfile, 'w');
    fwrite(f, b, 'uint8');
    fclose(f);
  end
  try
    mym('deserialize', b);
  catch err
    if isempty(regexp(err.identifier, '^(mym|mYm):', 'once'))
      error('mym:fuzz', 'decoding a %d-byte input raised %s: %s', numel(b), ...
            err.identifier, err.message);
    end
  end
end

function b = mutate(b)
% one random change: a byte flip, a truncation, or a size field set to an extreme value
% (the values that turn counts, dims and lengths into hostile ones)
  extremes = {uint64(0), uint64(1), uint64(2)^32 - 1, uint64(2)^47 + 1, uint64(2)^48, ...
              intmax('uint64'), uint64(2)^63};
  if isempty(b)
    b = uint8(randi(256, 1, 8) - 1);
    return
  end
  switch randi(3)
    case 1
      k = randi(numel(b));
      b(k) = uint8(randi(256) - 1);
    case 2
      b = b(1:randi(numel(b)));
    otherwise
      if numel(b) >= 8
        k = randi(numel(b) - 7);
        b(k:k + 7) = typecast(extremes{randi(numel(extremes))}, 'uint8');
      end
  end
end
