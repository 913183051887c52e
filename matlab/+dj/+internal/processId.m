function p = processId()
% this process's id, as ~jobs and ~jobs_runs record it
if exist('OCTAVE_VERSION', 'builtin')
    p = getpid();
else
    p = feature('getpid');
end
