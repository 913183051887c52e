function [failedKeys, errors] = populateLoop(self, reserve, varargin)
% The populate loop shared by populate (reserve = false: errors are thrown)
% and parpopulate (reserve = true: jobs are reserved in ~jobs and errors are
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
keyNames = {srcHeader([srcHeader.inKey]).name};
keys = fetch(proj(src) - proj(target));
targetHeading = target.heading();
failedKeys = struct([]);
errors = {};
jobs = [];
if reserve
    jobs = dj.internal.Jobs(conn, target.dbName, target.tableName);
    jobs.reclaimStale();
end
hashes = cell(1, numel(keys));
for i = 1:numel(keys)
    hashes{i} = dj.internal.keyHash(keys(i), srcHeader);
end
if reserve && ~isempty(keys)
    taken = jobs.takenHashes();
    keep = ~ismember(hashes, taken);
    keys = keys(keep);
    hashes = hashes(keep);
end
for i = 1:numel(keys)
    key = keys(i);
    if reserve
        if ~jobs.reserve(hashes{i}, key, targetHeading.attrs)
            continue
        end
        state = containers.Map({'active'}, {true});
        guard = onCleanup(@() interrupted(state, conn, jobs, hashes{i}, key));
    end
    conn.startTransaction();
    try
        if ~reserve && exists(target & key)
            conn.cancelTransaction();
            continue
        end
        self.callMake(key);
        conn.commitTransaction();
        if reserve
            jobs.complete(hashes{i});
            state('active') = false;
            clear guard
        end
    catch err
        if conn.inTransaction
            conn.cancelTransaction();
        end
        if ~reserve
            rethrow(err);
        end
        state('active') = false;
        clear guard
        jobs.recordError(hashes{i}, key, err);
        if isempty(failedKeys)
            failedKeys = key;
        else
            failedKeys(end+1) = key; %#ok<AGROW>
        end
        errors{end+1} = err; %#ok<AGROW>
        fprintf('Error populating %s for %s: %s\n', class(self), keyText(key), err.message);
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
        parts{i} = sprintf('%s=%g', names{i}, v);
    end
end
s = strjoin(parts, ', ');
end
