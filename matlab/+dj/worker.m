function summary = worker(package, varargin)
% DJ.WORKER  Populate a package's computed tables through the shared ~jobs queue until done.
%   summary = dj.worker('lab') parpopulates every Imported/Computed class of package +lab in
%   dependency order, again and again while a pass computes something, then prints one summary
%   line (the same as `dji worker`) and returns it as a struct with field exitCode.
%   Options (name-value): 'tables' (cell of class names, default all of the package's),
%   'restriction' (a restriction of the key sources), 'maxJobs' (makes at most), 'maxTime'
%   (seconds from start; SLURM_JOB_END_TIME is also honoured, the earlier wins), 'margin'
%   (seconds kept free before the end, default 10), 'idleExit' (empty polls to wait through,
%   default 0), 'poll' (first wait in seconds, doubled per empty poll up to 60, default 1).
%   Exit codes as `dji worker`: 0 no work left, 3 a limit was reached, 4 some makes failed.
%   A worker stopped mid-make (Ctrl-C, or SIGTERM, on which Octave unwinds before it exits) rolls
%   the make back and hands its key back to the queue instead of recording an error. SIGKILL, or
%   a MATLAB that exits without unwinding, leaves the reservation to the stale reclaim of
%   docs/jobs.md 4.6; the server rolls the transaction back either way.
opts = parseOptions(varargin);
began = tic;
tables = orderTables(packageTables(package, opts.tables));
stopAt = endTime(opts);
computed = 0;
failed = 0;
polls = 0;
reason = '';
wait = opts.poll;
while isempty(reason)
    before = computed + failed;
    for i = 1:numel(tables)
        args = {'maxCalls', opts.maxJobs - computed - failed, 'stopAt', stopAt, 'handBack', true};
        if ~isempty(opts.restriction)
            args = [{opts.restriction}, args]; %#ok<AGROW>
        end
        [~, ~, stats] = dj.internal.populateLoop(tables{i}, true, args{:});
        computed = computed + stats.computed;
        failed = failed + stats.failed;
        if ~isempty(stats.stopped)
            reason = stats.stopped;
            break
        end
    end
    if ~isempty(reason) || computed + failed > before
        continue
    end
    if polls >= opts.idleExit
        break
    end
    polls = polls + 1;
    pause(wait);
    wait = min(2 * wait, 60);
end
if ~isempty(reason)
    code = 3;
elseif failed > 0
    code = 4;
else
    code = 0;
end
if isempty(reason)
    reason = 'no work left';
    if polls > 0
        reason = sprintf('no work left after %d idle polls', polls);
    end
end
summary = struct('computed', computed, 'failed', failed, 'idlePolls', polls, ...
    'seconds', toc(began), 'stopped', reason, 'exitCode', code);
fprintf('dj.worker: %d computed, %d failed, %d idle polls, %.1f s; stopped: %s; exit %d\n', ...
    computed, failed, polls, summary.seconds, reason, code);
end


function opts = parseOptions(args)
% name-value options with their defaults; unknown names and bad values are errors
opts = struct('tables', {{}}, 'restriction', [], 'maxJobs', inf, 'maxTime', inf, 'margin', 10, ...
    'idleExit', 0, 'poll', 1);
if mod(numel(args), 2) ~= 0
    error('DataJoint:worker:badArgument', 'dj.worker options come in name-value pairs');
end
numeric = {'maxJobs', 'maxTime', 'margin', 'idleExit', 'poll'};
for i = 1:2:numel(args)
    name = args{i};
    value = args{i+1};
    if ~ischar(name) || ~any(strcmp(name, [fieldnames(opts)']))
        error('DataJoint:worker:badArgument', 'dj.worker has no option %s (options: %s)', ...
            dj.internal.pyRepr(name), strjoin(fieldnames(opts)', ', '));
    end
    if any(strcmp(name, numeric)) && ~(isnumeric(value) && isscalar(value) && isreal(value) && value >= 0)
        error('DataJoint:worker:badArgument', 'dj.worker option %s must be a number >= 0', name);
    end
    if strcmp(name, 'tables') && ischar(value)
        value = {value};
    end
    opts.(name) = value;
end
if opts.poll <= 0
    error('DataJoint:worker:badArgument', 'dj.worker option poll must be > 0');
end
end


function t = endTime(opts)
% the earliest of start + maxTime and SLURM_JOB_END_TIME, less the margin (epoch seconds)
t = dj.internal.epochNow() + opts.maxTime;
slurm = strtrim(getenv('SLURM_JOB_END_TIME'));
if ~isempty(slurm)
    value = str2double(slurm);
    if isnan(value)
        error('DataJoint:worker:badEnvironment', ...
            'SLURM_JOB_END_TIME=%s is not a time in epoch seconds; unset it or fix the job script', slurm);
    end
    t = min(t, value);
end
t = t - opts.margin;
end


function tables = packageTables(package, names)
% instances of the package's Imported/Computed classes (only those named, if any)
if ~ischar(package) || isempty(regexp(package, '^[A-Za-z]\w*(\.[A-Za-z]\w*)*$', 'once'))
    error('DataJoint:worker:badArgument', 'dj.worker needs a package name such as ''lab''');
end
where = which([package '.getSchema']);
if isempty(where)
    error('DataJoint:worker:noPackage', 'No package +%s with getSchema.m on the path', package);
end
folder = fileparts(where);
explicit = ~isempty(names);
if ~explicit
    files = dir(fullfile(folder, '*.m'));
    names = regexprep({files.name}, '\.m$', '');
    names = names(~strcmp(names, 'getSchema'));
end
tables = {};
for i = 1:numel(names)
    name = names{i};
    if ~ischar(name) || isempty(regexp(name, '^[A-Za-z]\w*$', 'once'))
        error('DataJoint:worker:badArgument', 'Not a class name: %s', dj.internal.pyRepr(name));
    end
    if ~exist(fullfile(folder, [name '.m']), 'file')
        error('DataJoint:worker:noTable', 'Package +%s has no class %s', package, name);
    end
    full = [package '.' name];
    obj = feval(full);
    if isa(obj, 'dj.internal.AutoPopulate')
        tables{end+1} = obj; %#ok<AGROW>
    end
end
if isempty(tables)
    error('DataJoint:worker:noTable', 'Package +%s has no Imported or Computed table to populate', package);
end
end


function ordered = orderTables(tables)
% parents before children among the given tables
for i = 1:numel(tables)
    tables{i}.ensureIdentity();
end
names = cellfun(@(t) [t.dbName '.' t.tableName], tables, 'UniformOutput', false);
placed = false(1, numel(tables));
ordered = {};
while ~all(placed)
    progressed = false;
    for i = find(~placed)
        parents = tables{i}.connection.parents(tables{i}.dbName, tables{i}.tableName);
        ready = true;
        for k = 1:numel(parents)
            j = find(strcmp(names, [parents{k}.db '.' parents{k}.table]));
            if ~isempty(j) && ~placed(j) && j ~= i
                ready = false;
            end
        end
        if ready
            ordered{end+1} = tables{i}; %#ok<AGROW>
            placed(i) = true;
            progressed = true;
        end
    end
    if ~progressed
        ordered = [ordered, tables(~placed)]; %#ok<AGROW>
        break
    end
end
end
