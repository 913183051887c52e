function [failedKeys, errors, stats] = populateLoop(self, reserve, varargin)
% The populate loop shared by populate (reserve = false: errors are thrown)
% and parpopulate (reserve = true: jobs are reserved in ~jobs, errors are
% recorded there and the loop goes on), per docs/jobs.md. Arguments are
% restrictions of the key source, and for parpopulate the option
% 'reservationTimeout', seconds (jobs.md 4.6). dj.worker also passes
% 'maxCalls' (makes to run at most), 'stopAt' (epoch seconds after which
% no make may end, judged by the slowest make so far or 'expected' seconds),
% 'sideTables' (a dj.internal.WorkerTables: keys in ~jobs_priority order,
% delayed ones left out, jobs.md 8.2), 'onMade' (called as
% onMade(hash, ok, seconds, message) after each make that ran) and
% 'interrupt', 'release' (a make interrupted by Ctrl-C or by Octave's SIGTERM
% handler gives its key back to the queue instead of recording an error:
% preemption is not the key's fault, jobs.md 8.1); stats reports
% computed, failed, held (delayed keys left out) and why the loop stopped
% early ('' if it did not).
[restrictions, timeout, limits] = parseArgs(varargin, reserve);
stats = struct('computed', 0, 'failed', 0, 'held', 0, 'stopped', '');
slowest = limits.expected;
target = self.emptyCopy();
target.ensureIdentity();
conn = target.connection;
if conn.inTransaction
    error('DataJoint:populate:transaction', 'populate cannot run inside a transaction');
end
target.declareParts();   % before any make transaction (declaring would commit it)
src = self.getKeySource();
for i = 1:numel(restrictions)
    src = src & restrictions{i};
end
srcHeader = src.attrs();
targetHeading = target.heading();
failedKeys = struct([]);
errors = {};
jobs = [];
if reserve
    jobs = dj.internal.Jobs(conn, target.dbName, target.tableName, srcHeader);
    jobs.reclaimStale(timeout);
end
for pass = 1:2
    [keys, hashes] = todo(src, target, srcHeader, jobs);
    if ~isempty(limits.sideTables)
        [order, stats.held] = limits.sideTables.priorityOrder(target.tableName, hashes);
        keys = keys(order);
        hashes = hashes(order);
    end
    for i = 1:numel(keys)
        if stats.computed + stats.failed >= limits.maxCalls
            stats.stopped = 'max-jobs';
            return
        end
        if dj.internal.epochNow() + slowest > limits.stopAt
            stats.stopped = 'max-time';
            return
        end
        began = tic;
        [ok, err, made] = runKey(self, conn, target, jobs, keys(i), hashes{i}, targetHeading, limits.release);
        seconds = toc(began);
        if made
            stats.computed = stats.computed + 1;
            slowest = max(slowest, seconds);
        end
        if (made || ~ok) && ~isempty(limits.onMade)
            limits.onMade(hashes{i}, ok, seconds, dj.internal.errorText(err));
        end
        if ~ok
            stats.failed = stats.failed + 1;
            if isempty(failedKeys)
                failedKeys = keys(i);
            else
                failedKeys(end+1) = keys(i); %#ok<AGROW>
            end
            errors{end+1} = err; %#ok<AGROW>
        end
    end
    % at the end of the list, stale reservations may have left work behind
    if ~reserve || jobs.reclaimStale(timeout) == 0
        break
    end
end
end


function [restrictions, timeout, limits] = parseArgs(args, reserve)
% restrictions, then options as name-value pairs
restrictions = {};
timeout = [];
limits = struct('maxCalls', inf, 'stopAt', inf, 'expected', 0, 'sideTables', [], 'onMade', [], 'release', false);
i = 1;
while i <= numel(args)
    a = args{i};
    if ischar(a) && i < numel(args) && strcmp(a, 'sideTables') && isa(args{i+1}, 'dj.internal.WorkerTables')
        limits.sideTables = args{i+1};
        i = i + 2;
    elseif ischar(a) && i < numel(args) && strcmp(a, 'interrupt') && ischar(args{i+1}) ...
            && any(strcmp(args{i+1}, {'error', 'release'}))
        limits.release = strcmp(args{i+1}, 'release');
        i = i + 2;
    elseif ischar(a) && i < numel(args) && strcmp(a, 'onMade') && isa(args{i+1}, 'function_handle')
        limits.onMade = args{i+1};
        i = i + 2;
    elseif ischar(a) && any(strcmpi(a, {'maxCalls', 'stopAt', 'expected'}))
        if i == numel(args) || ~isnumeric(args{i+1}) || ~isscalar(args{i+1}) || ~isreal(args{i+1}) ...
                || ~(args{i+1} >= 0)
            error('DataJoint:populate:badArgument', '%s must be followed by a number >= 0', a);
        end
        if strcmpi(a, 'maxCalls')
            limits.maxCalls = double(args{i+1});
        elseif strcmpi(a, 'expected')
            limits.expected = double(args{i+1});
        else
            limits.stopAt = double(args{i+1});
        end
        i = i + 2;
    elseif ischar(a) && strcmpi(a, 'reservationTimeout')
        if ~reserve
            error('DataJoint:populate:badArgument', ...
                'The reservationTimeout option applies to parpopulate (reservations in ~jobs), not populate');
        end
        if i == numel(args) || ~isnumeric(args{i+1}) || ~isscalar(args{i+1}) || ~isreal(args{i+1}) ...
                || ~(args{i+1} >= 0) || isinf(args{i+1})
            error('DataJoint:populate:badArgument', ...
                'reservationTimeout must be followed by a number of seconds >= 0');
        end
        timeout = double(args{i+1});
        i = i + 2;
    else
        restrictions{end+1} = a; %#ok<AGROW>
        i = i + 1;
    end
end
end


function [keys, hashes] = todo(src, target, srcHeader, jobs)
keys = fetch(proj(src) - proj(target));
hashes = cell(1, numel(keys));
for i = 1:numel(keys)
    hashes{i} = dj.internal.keyHash(keys(i), srcHeader);
end
if ~isempty(jobs) && ~isempty(keys)
    keep = ~ismember(hashes, jobs.takenHashes());
    keys = keys(keep);
    hashes = hashes(keep);
end
end


function [ok, err, made] = runKey(self, conn, target, jobs, key, hash, targetHeading, release)
% one key: reserve, make in a transaction, complete or record the error; a
% lost connection is reported, the reservation released and the key retried once.
% made: a make ran and committed.
reserve = ~isempty(jobs);
ok = true;
err = [];
made = false;
for attempt = 1:2
    if reserve
        if ~jobs.reserve(hash, key, targetHeading.attrs)
            return
        end
        state = containers.Map({'active'}, {true});
        guard = onCleanup(@() interrupted(state, conn, jobs, hash, key, release));
    end
    try
        done = [];
        if ~reserve
            % reservations refuse finished keys atomically (jobs.md 4.2); without
            % them the check runs inside the make transaction (4.3)
            done = target & key;
        end
        if ~self.callMake(key, conn, done)
            if conn.inTransaction
                conn.cancelTransaction();
            end
            return
        end
        conn.commitTransaction();
        made = true;
        if reserve
            state('active') = false;
            clear guard
            jobs.complete(hash);
        end
        return
    catch e
        lost = strcmp(e.identifier, 'DataJoint:lostConnection');
        if lost
            conn.reconnect();
        elseif conn.inTransaction
            try
                conn.cancelTransaction();
            catch
            end
        end
        if ~reserve
            rethrow(e);
        end
        state('active') = false;
        clear guard
        if lost && attempt == 1
            oldId = jobs.connectionId;
            jobs.refreshConnection();
            fprintf(2, 'Lost the connection (id %d) while populating %s for %s: %s\nReconnected; retrying the key once.\n', ...
                oldId, class(self), keyText(key), e.message);
            jobs.release(hash, oldId);
            continue
        end
        jobs.recordError(hash, key, e);
        ok = false;
        err = e;
        fprintf('Error populating %s for %s: %s\n', class(self), keyText(key), e.message);
        return
    end
end
end


function interrupted(state, conn, jobs, hash, key, release)
% runs when the loop is left mid-key (Ctrl-C; under Octave also SIGTERM, whose handler unwinds
% the stack before exiting): record it as an error, as 4.5 says, or with release (dj.worker)
% delete the reservation so that another worker takes the key at once
if ~state('active')
    return
end
try
    if conn.inTransaction
        conn.cancelTransaction();
    end
    if release
        jobs.release(hash, jobs.connectionId);
    else
        jobs.recordError(hash, key, struct('identifier', 'Interrupted', 'message', 'populate interrupted', 'stack', []));
    end
catch
end
end


function s = keyText(key)
names = fieldnames(key);
parts = cell(1, numel(names));
for i = 1:numel(names)
    v = key.(names{i});
    if ischar(v)
        parts{i} = sprintf('%s="%s"', names{i}, v);
    else
        parts{i} = sprintf('%s=%g', names{i}, double(v));
    end
end
s = strjoin(parts, ', ');
end

