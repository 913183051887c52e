function [failedKeys, errors] = populateLoop(self, reserve, varargin)
% The populate loop shared by populate (reserve = false: errors are thrown)
% and parpopulate (reserve = true: jobs are reserved in ~jobs, errors are
% recorded there and the loop goes on), per docs/jobs.md.
target = self.emptyCopy();
target.ensureIdentity();
conn = target.connection;
if conn.inTransaction
    error('DataJoint:populate:transaction', 'populate cannot run inside a transaction');
end
src = self.getKeySource();
for i = 1:numel(varargin)
    src = src & varargin{i};
end
srcHeader = src.header();
targetHeading = target.heading();
failedKeys = struct([]);
errors = {};
jobs = [];
if reserve
    jobs = dj.internal.Jobs(conn, target.dbName, target.tableName);
    jobs.reclaimStale();
end
for pass = 1:2
    [keys, hashes] = todo(src, target, srcHeader, jobs);
    for i = 1:numel(keys)
        [ok, err] = runKey(self, conn, target, jobs, keys(i), hashes{i}, targetHeading);
        if ~ok
            if isempty(failedKeys)
                failedKeys = keys(i);
            else
                failedKeys(end+1) = keys(i); %#ok<AGROW>
            end
            errors{end+1} = err; %#ok<AGROW>
        end
    end
    % at the end of the list, stale reservations may have left work behind
    if ~reserve || jobs.reclaimStale() == 0
        break
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


function [ok, err] = runKey(self, conn, target, jobs, key, hash, targetHeading)
% one key: reserve, make in a transaction, complete or record the error; a
% lost connection is reported, the reservation released and the key retried once
reserve = ~isempty(jobs);
ok = true;
err = [];
for attempt = 1:2
    if reserve
        if ~jobs.reserve(hash, key, targetHeading.attrs)
            return
        end
        state = containers.Map({'active'}, {true});
        guard = onCleanup(@() interrupted(state, conn, jobs, hash, key));
    end
    try
        if ~reserve && exists(target & key)
            return
        end
        self.callMake(key, conn);
        conn.commitTransaction();
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


function interrupted(state, conn, jobs, hash, key)
% runs when the loop is left mid-key (Ctrl-C): record it, as 4.5 says
if ~state('active')
    return
end
try
    if conn.inTransaction
        conn.cancelTransaction();
    end
    jobs.recordError(hash, key, struct('identifier', 'Interrupted', 'message', 'populate interrupted', 'stack', []));
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
