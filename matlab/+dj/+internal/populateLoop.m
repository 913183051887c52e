function [failedKeys, errors, stats] = populateLoop(self, reserve, varargin)
% The populate loop shared by populate (reserve = false: errors are thrown)
% and parpopulate (reserve = true: jobs are reserved in ~jobs, errors are
% recorded there and the loop goes on), per docs/jobs.md. Arguments are
% restrictions of the key source, and for parpopulate the option
% 'reservationTimeout', seconds (jobs.md 4.6). dj.worker also passes
% 'maxCalls' (makes to run at most) and 'stopAt' (epoch seconds after which
% no make may end, judged by the slowest make so far) and 'handBack' (true:
% a make interrupted by a signal hands its key back to the queue instead of
% recording it as an error, since a scheduler stopping a worker is no fault of
% the key); stats reports computed, failed and why the loop stopped early
% ('' if it did not).
[restrictions, timeout, limits] = parseArgs(varargin, reserve);
stats = struct('computed', 0, 'failed', 0, 'stopped', '');
slowest = 0;
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
        [ok, err, made] = runKey(self, conn, target, jobs, keys(i), hashes{i}, targetHeading, ...
            limits.handBack);
        if made
            stats.computed = stats.computed + 1;
            slowest = max(slowest, toc(began));
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
limits = struct('maxCalls', inf, 'stopAt', inf, 'handBack', false);
i = 1;
while i <= numel(args)
    a = args{i};
    if ischar(a) && strcmpi(a, 'handBack')
        if i == numel(args) || ~(islogical(args{i+1}) && isscalar(args{i+1}))
            error('DataJoint:populate:badArgument', 'handBack must be followed by true or false');
        end
        limits.handBack = args{i+1};
        i = i + 2;
    elseif ischar(a) && any(strcmpi(a, {'maxCalls', 'stopAt'}))
        if i == numel(args) || ~isnumeric(args{i+1}) || ~isscalar(args{i+1}) || ~isreal(args{i+1}) ...
                || ~(args{i+1} >= 0)
            error('DataJoint:populate:badArgument', '%s must be followed by a number >= 0', a);
        end
        if strcmpi(a, 'maxCalls')
            limits.maxCalls = double(args{i+1});
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


function [ok, err, made] = runKey(self, conn, target, jobs, key, hash, targetHeading, handBack)
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
        guard = onCleanup(@() interrupted(state, conn, jobs, hash, key, handBack));
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


function interrupted(state, conn, jobs, hash, key, handBack)
% runs when the loop is left mid-key: by Ctrl-C in parpopulate, recorded as
% an error as 4.5 says; in dj.worker (handBack), by the scheduler's SIGTERM
% too (Octave unwinds before it exits), so the key goes back to the queue
if ~state('active')
    return
end
try
    if conn.inTransaction
        conn.cancelTransaction();
    end
    if handBack
        jobs.release(hash, jobs.connectionId);
    else
        jobs.recordError(hash, key, struct('identifier', 'Interrupted', 'message', 'populate interrupted', ...
            'stack', []));
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
