function test_mym_golden()
% Every golden blob (tests/golden/blobs/*.json) with "matlab": true decodes to the described
% value and, unless marked decode-only, re-encodes ({uM}) to exactly the same bytes; every dj0
% vector decodes to its "matlab_value" and re-saves to exactly "matlab_hex" (what Python reads
% back), or, with "matlab_error", is refused with that id.
  here = fileparts(mfilename('fullpath'));
  folder = fullfile(fileparts(fileparts(here)), 'tests', 'golden', 'blobs');
  files = dir(fullfile(folder, '*.json'));
  assert(numel(files) > 50, 'golden vectors missing in %s', folder);
  problems = {};
  nmatlab = 0;
  ndj0 = 0;
  for i = 1:numel(files)
    g = jsondecode(fileread(fullfile(folder, files(i).name)));
    bytes = hex2bytes(g.hex);
    % legacy 32-bit dims are read only on request, as mym: env MYM_USE_32BIT_DIMS=true
    if isfield(g, 'dims32') && g.dims32
      setenv('MYM_USE_32BIT_DIMS', 'true');
    else
      setenv('MYM_USE_32BIT_DIMS', '');
    end
    if g.matlab && is_octave && octave_lacks(g.value)
      % Octave has no complex integer arrays: the decoder must say so, not crash or convert
      nmatlab = nmatlab + 1;
      problems = refusal_problem(problems, bytes, 'mym:blob', ...
                                 [g.name ': complex integer decoded under Octave'], [g.name ': gave']);
    elseif g.matlab
      nmatlab = nmatlab + 1;
      expected = golden_value(g.value);
      try
        got = mym('deserialize', bytes);
      catch err
        problems{end+1} = sprintf('%s: decode failed: %s', g.name, err.message); %#ok<AGROW>
        continue
      end
      [ok, why] = same_value(got, expected);
      if ~ok
        problems{end+1} = sprintf('%s: decoded %s', g.name, why); %#ok<AGROW>
        continue
      end
      if ~isfield(g, 'reencode') || g.reencode
        c = mym('serialize {uM}', expected);
        if ~isequal(c{1}, bytes)
          problems{end+1} = sprintf('%s: re-encoded to %s', g.name, bytes2hex(c{1})); %#ok<AGROW>
        end
      end
    elseif isfield(g, 'matlab_error')
      ndj0 = ndj0 + 1;
      problems = refusal_problem(problems, bytes, g.matlab_error, ...
                                 [g.name ': dj0 blob decoded without error'], [g.name ': dj0 gave']);
    else
      ndj0 = ndj0 + 1;
      problems = dj0_problem(problems, g, bytes);
    end
  end
  setenv('MYM_USE_32BIT_DIMS', '');
  assert(nmatlab > 30 && ndj0 > 10, 'too few vectors: %d matlab, %d dj0', nmatlab, ndj0);
  if ~isempty(problems)
    error('test:golden', '%d golden vector(s) failed:\n  %s', numel(problems), ...
          strjoin(problems, sprintf('\n  ')));
  end
end

function problems = dj0_problem(problems, g, bytes)
% a dj0 vector decodes to g.matlab_value; re-saving that gives g.matlab_hex (when present)
  try
    got = mym('deserialize', bytes);
  catch err
    problems{end+1} = sprintf('%s: dj0 decode failed: %s', g.name, err.message);
    return
  end
  [ok, why] = same_value(got, golden_value(g.matlab_value));
  if ~ok
    problems{end+1} = sprintf('%s: dj0 decoded %s', g.name, why);
  elseif isfield(g, 'matlab_hex')
    c = mym('serialize {uM}', got);
    if ~isequal(c{1}, hex2bytes(g.matlab_hex))
      problems{end+1} = sprintf('%s: dj0 value re-saved as %s', g.name, bytes2hex(c{1}));
    end
  end
end

function problems = refusal_problem(problems, bytes, wanted, decoded, gave)
% decoding bytes must fail with error id wanted; if not, add to problems what happened instead
  try
    mym('deserialize', bytes);
    problems{end+1} = decoded;
  catch err
    if ~strcmp(err.identifier, wanted)
      problems{end+1} = [gave ' ' err.identifier];
    end
  end
end

function t = is_octave()
  t = exist('OCTAVE_VERSION', 'builtin') ~= 0;
end

function t = octave_lacks(d)
  t = isfield(d, 'imag') && any(strcmp(d.class, {'int8', 'uint8', 'int16', 'uint16', ...
                                                 'int32', 'uint32', 'int64', 'uint64'}));
end
