% RUN_ALL  Octave/MATLAB test runner for matlab/tests/test_*.m.
%
%   octave-cli --norc --no-history matlab/tests/run_all.m
%
% Builds the mym MEX first (build_mex), then runs every test_*.m in this folder. A test file is a
% function taking no arguments that throws on failure. It may instead return a struct whose
% fields are function handles: each field is then run and counted as one sub-test, reported as
% file/field. Connection settings come from env DJ_HOST/DJ_USER/DJ_PASS/DJ_PORT (see
% helpers/db_settings.m). Env DJ_TEST_PATTERN (a regexp) restricts which files run.
% Ends with the line "N passed, N failed" and exits with status 1 if anything failed.

1;  % script file, not a function file

function [passed, failed] = run_one(label, fn, passed, failed)
  t0 = tic;
  try
    fn();
    passed = passed + 1;
    fprintf('PASS  %s (%.2f s)\n', label, toc(t0));
  catch err
    failed = failed + 1;
    fprintf('FAIL  %s (%.2f s)\n      %s: %s\n', label, toc(t0), err.identifier, err.message);
    for k = 1:min(numel(err.stack), 3)
      fprintf('        at %s line %d\n', err.stack(k).name, err.stack(k).line);
    end
  end
end

tests_dir = fileparts(mfilename('fullpath'));
if isempty(tests_dir)
  tests_dir = fullfile(pwd, 'matlab', 'tests');
end
matlab_dir = fileparts(tests_dir);
addpath(matlab_dir);
addpath(tests_dir);
addpath(fullfile(tests_dir, 'helpers'));

passed = 0;
failed = 0;
try
  build_mex();
catch err
  fprintf('FAIL  build_mex\n      %s: %s\n', err.identifier, err.message);
  failed = 1;
end

if failed == 0
  files = dir(fullfile(tests_dir, 'test_*.m'));
  names = sort(cellfun(@(n) n(1:end-2), {files.name}, 'UniformOutput', false));
  pattern = getenv('DJ_TEST_PATTERN');
  for i = 1:numel(names)
    name = names{i};
    if ~isempty(pattern) && isempty(regexp(name, pattern, 'once'))
      continue
    end
    if nargout(name) > 0
      try
        subs = feval(name);
      catch err
        failed = failed + 1;
        fprintf('FAIL  %s (setup)\n      %s: %s\n', name, err.identifier, err.message);
        continue
      end
      fns = fieldnames(subs);
      for k = 1:numel(fns)
        [passed, failed] = run_one([name '/' fns{k}], subs.(fns{k}), passed, failed);
      end
    else
      [passed, failed] = run_one(name, @() feval(name), passed, failed);
    end
  end
end

try
  mym('closeall');
catch
end
fprintf('%d passed, %d failed\n', passed, failed);
exit(double(failed > 0));
