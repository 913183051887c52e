function [s, sources] = fileConfig()
% Settings shared with the Python package: ~/.datajoint_config.json, then
% ./dj_local_conf.json on top (Python's order, so `dji server start`, which
% writes the user file, also points Octave at its server). Returns a struct with
% the fields found: host, port, user, password (text; port as text), stores and
% blobMaxDecompressedSize (from blob.max_decompressed_size).
% Keys may be flat ('database.host') or nested ({"database": {"host": ...}}).
% sources has the same connection fields, each the path of the file that set it,
% so that dj.internal.serverSettings can say why a server was chosen.
s = struct();
sources = struct();
home = getenv('HOME');
if isempty(home) && ispc()
    home = getenv('USERPROFILE');
end
files = {};
if ~isempty(home)
    files{end+1} = fullfile(home, '.datajoint_config.json');
end
files{end+1} = fullfile(pwd, 'dj_local_conf.json');
for i = 1:numel(files)
    if exist(files{i}, 'file') ~= 2
        continue
    end
    try
        data = jsondecode(fileread(files{i}));
    catch err
        error('DataJoint:config:badFile', 'Config file %s is not valid JSON: %s', files{i}, err.message);
    end
    if ~isstruct(data) || ~isscalar(data)
        error('DataJoint:config:badFile', 'Config file %s must hold a JSON object', files{i});
    end
    [s, sources] = merge(s, sources, data, files{i});
end
end


function [s, sources] = merge(s, sources, data, file)
keys = {'host', 'port', 'user', 'password'};
nested = struct();
if isfield(data, 'database') && isstruct(data.database) && isscalar(data.database)
    nested = data.database;
end
for k = 1:numel(keys)
    % jsondecode turns the flat key 'database.host' into the field database_host
    flat = ['database_' keys{k}];
    if isfield(data, flat)
        s.(keys{k}) = asText(data.(flat), flat, file);
        sources.(keys{k}) = file;
    elseif isfield(nested, keys{k})
        s.(keys{k}) = asText(nested.(keys{k}), ['database.' keys{k}], file);
        sources.(keys{k}) = file;
    end
end
if isfield(data, 'stores')
    s.stores = data.stores;
end
if isfield(data, 'cache')
    s.cache = data.cache;
end
% jsondecode turns 'blob.max_decompressed_size' into blob_max_decompressed_size
if isfield(data, 'blob_max_decompressed_size')
    s.blobMaxDecompressedSize = data.blob_max_decompressed_size;
elseif isfield(data, 'blob') && isstruct(data.blob) && isscalar(data.blob) && isfield(data.blob, 'max_decompressed_size')
    s.blobMaxDecompressedSize = data.blob.max_decompressed_size;
end
end


function v = asText(v, key, file)
if isempty(v)
    v = '';   % null
elseif isnumeric(v) && isscalar(v)
    v = sprintf('%d', v);
elseif ~ischar(v)
    error('DataJoint:config:badFile', 'Config file %s: %s must be text or a number', file, strrep(key, '_', '.'));
end
end
