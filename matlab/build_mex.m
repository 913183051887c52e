function target = build_mex(force)
% BUILD_MEX  Compile the mym connector (matlab/mex/*.c + src/codec/*.c) for this MATLAB/Octave.
%   build_mex         builds matlab/mym.mex (Octave) or matlab/mym.<mexext> (MATLAB) when it is
%                     missing or older than any source file
%   build_mex(true)   rebuilds unconditionally
% Needs MariaDB Connector/C (Debian: libmariadb-dev, giving `mariadb_config`) and zlib.
  if nargin < 1
    force = false;
  end
  here = fileparts(mfilename('fullpath'));
  root = fileparts(here);
  mexdir = fullfile(here, 'mex');
  codecdir = fullfile(root, 'src', 'codec');
  isoct = exist('OCTAVE_VERSION', 'builtin') ~= 0;
  if isoct
    target = fullfile(here, 'mym.mex');
  else
    target = fullfile(here, ['mym.' mexext]);
  end

  srcs = list_files(mexdir, '*.c');
  codec = list_files(codecdir, '*.c');
  codec = codec(cellfun(@(f) isempty(regexp(f, '[\\/]fuzz_[^\\/]*$', 'once')), codec));
  if isempty(codec)
    error('mym:build', 'no codec sources found in %s', codecdir);
  end
  srcs = [srcs, codec];
  deps = [srcs, list_files(mexdir, '*.h'), list_files(codecdir, '*.h')];

  if ~force && exist(target, 'file') && newest(deps) <= file_time(target)
    return
  end

  cflags = tool_flags('--cflags');
  libs = tool_flags('--libs');
  incs = {['-I' mexdir], ['-I' codecdir]};
  if isoct
    args = [{'--mex', '-o', target}, incs, cflags, srcs, libs, {'-lz'}];
    [out, status] = mkoctfile(args{:});
    if status ~= 0
      error('mym:build', 'mkoctfile failed:\n%s', out);
    end
  else
    args = [{'-outdir', here, '-output', 'mym'}, incs, cflags, srcs, libs, {'-lz'}];
    mex(args{:});
  end
  clear('mym');
end

function files = list_files(folder, pattern)
  d = dir(fullfile(folder, pattern));
  files = cellfun(@(n) fullfile(folder, n), {d.name}, 'UniformOutput', false);
end

function t = newest(files)
  t = 0;
  for i = 1:numel(files)
    t = max(t, file_time(files{i}));
  end
end

function t = file_time(f)
  d = dir(f);
  t = d.datenum;
end

function flags = tool_flags(which_flags)
  tools = {'mariadb_config', 'mysql_config'};
  for i = 1:numel(tools)
    [status, out] = system([tools{i} ' ' which_flags]);
    if status == 0
      flags = strsplit(strtrim(out));
      flags = flags(~cellfun(@isempty, flags));
      return
    end
  end
  error('mym:build', ['neither mariadb_config nor mysql_config was found: install MariaDB ' ...
                      'Connector/C development files (Debian/Ubuntu: apt-get install libmariadb-dev)']);
end
