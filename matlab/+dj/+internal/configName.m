function name = configName(jsonKey, reverse)
% Between a JSON settings key and its dj.config name, as DataJoint for MATLAB
% 3.x converts them: 'database.use_tls' <-> 'databaseUse_tls' (a dot and the
% letter after it <-> that letter upper-cased), except the keys whose Python
% 0.14 name differs (dj.internal.configKeys aliases), so that what MATLAB
% writes, Python reads. configName(name, true) gives the JSON key to write.
[~, aliases] = dj.internal.configKeys();
if nargin > 1 && reverse
    row = find(strcmp(aliases(:, 1), jsonKey), 1);
    if ~isempty(row)
        name = aliases{row, 2};
        return
    end
    name = jsonKey;
    at = regexp(name, '[a-z0-9][A-Z]', 'start');
    for k = numel(at):-1:1
        i = at(k) + 1;
        name = [name(1:i-1) '.' lower(name(i)) name(i+1:end)];
    end
    return
end
row = find(strcmp(aliases(:, 2), jsonKey), 1);
if ~isempty(row)
    name = aliases{row, 1};
    return
end
parts = strsplit(jsonKey, '.');
for k = 2:numel(parts)
    if ~isempty(parts{k})
        parts{k}(1) = upper(parts{k}(1));
    end
end
name = [parts{:}];
end
