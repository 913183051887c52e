function s = readConfigFile(file)
% One JSON settings file as a struct under dj.config's names. Keys may be flat
% ('database.host', Python 0.14 and 3.x) or nested ({"database": {"host": ...}},
% flattened as Python does, except 'stores' and a database.use_tls struct).
% jsondecode mangles 'database.host' into a field name, so the original keys
% are recovered from the text. JSON null is []. Keys whose dj.config name is not
% a valid MATLAB name are skipped (no MATLAB setting can hold them).
try
    raw = fileread(file);
catch err
    error('DataJoint:config:badFile', 'Cannot read config file %s: %s', file, err.message);
end
try
    data = jsondecode(raw);
catch err
    error('DataJoint:config:badFile', 'Config file %s is not valid JSON: %s', file, err.message);
end
if ~isstruct(data) || ~isscalar(data)
    error('DataJoint:config:badFile', 'Config file %s must hold a JSON object', file);
end
rawKeys = regexp(raw, '"((?:[^"\\]|\\.)*)"\s*:', 'tokens');
rawKeys = unique(cellfun(@(t) t{1}, rawKeys, 'UniformOutput', false));
flat = flatten(data, '', rawKeys);
s = struct();
for i = 1:size(flat, 1)
    name = dj.internal.configName(flat{i, 1});
    if isvarname(name)
        s.(name) = flat{i, 2};
    end
end
end


function flat = flatten(data, prefix, rawKeys)
% {jsonKey, value} rows; nested objects become dotted keys (Python's _flatten)
flat = cell(0, 2);
fields = fieldnames(data);
for i = 1:numel(fields)
    key = [prefix originalKey(fields{i}, rawKeys)];
    value = data.(fields{i});
    keep = any(strcmp(key, {'stores', 'database.use_tls'})) || strncmp(key, 'stores.', 7);
    if isstruct(value) && isscalar(value) && ~keep
        flat = [flat; flatten(value, [key '.'], rawKeys)]; %#ok<AGROW>
    else
        flat(end+1, :) = {key, value}; %#ok<AGROW>
    end
end
end


function key = originalKey(field, rawKeys)
% the JSON key jsondecode turned into this field name ('database.host' -> database_host)
key = field;
for i = 1:numel(rawKeys)
    if strcmp(rawKeys{i}, field)
        return
    end
end
for i = 1:numel(rawKeys)
    if strcmp(regexprep(rawKeys{i}, '[^A-Za-z0-9_]', '_'), field)
        key = rawKeys{i};
        return
    end
end
end
