function out = config(name, value)
% DataJoint settings, as in DataJoint for MATLAB 3.x:
%   dj.config                       all settings (a struct)
%   dj.config('safemode')           one setting; dotted paths reach inside:
%                                   dj.config('stores.raw.location'), dj.config('stores{2}.protocol')
%   old = dj.config('safemode', false)   set in code (returns the previous value);
%                                   a new name or path creates it, e.g. dj.config('stores.raw', struct(...))
%   dj.config.load(file), dj.config.save(file), dj.config.saveLocal, dj.config.saveGlobal,
%   dj.config.restore               (MATLAB; Octave cannot call a package function of the same
%                                   name as a function: write dj.internal.Settings.load(file) etc.)
% Values come, each from the first that sets it: code, the environment (DJ_HOST, DJ_PORT,
% DJ_USER, DJ_PASS, DJ_INIT), a file given to dj.config.load, ./dj_local_conf.json,
% ~/.datajoint_config.json (the files Python reads: 'database.host' there is databaseHost
% here; see dj.internal.configKeys), defaults. Keys: databaseHost, databasePort,
% databaseUser, databasePassword, databaseUse_tls ([], true, false or a struct with ca, capath,
% cert, key, cipher), databaseReconnect_transaction, connectionInit_function, loglevel,
% safemode (del/drop ask first), displayLimit, displayDiagram_hierarchy_radius,
% displayDiagram_font_size, displayCount, queryPopulate_check, queryPopulate_ancestors,
% queryBigint_to_double, queryIgnore_extra_insert_fields, use_32bit_dims, stores, blobCache,
% and this toolbox's databaseRead_timeout (3600) / databaseWrite_timeout (600): seconds a query
% may wait for the server (0 or Inf: forever), populateRetries, blobMaxDecompressedSize (1 GiB:
% bytes a compressed blob may inflate to; kept by mym; until set in code the files'
% blob.max_decompressed_size applies when dj.conn connects).
% Errors: a name that is not text DataJoint:Config:InvalidType, reading a missing setting
% DataJoint:Config:InvalidKey, a bad value of a known setting DataJoint:config:badValue.
% blobErrors ('error' or 'marker', kept by mym): what fetching an undecodable blob does.
addMatlabOnlyFiles();
dj.internal.addBuiltinNames();
if nargin >= 1
    if isstring(name) && isscalar(name)
        name = char(name);
    end
    if ~ischar(name) || size(name, 1) > 1
        error('DataJoint:Config:InvalidType', 'Setting name must be a string, got a %s', class(name));
    end
    if strcmp(name, 'blobMaxDecompressedSize')
        if nargin == 1
            out = blobLimit();
        else
            out = blobLimit(value);
        end
        return
    end
    if strcmp(name, 'blobErrors')
        % kept by the connector, which decodes blobs while reading results: 'error' fails
        % the fetch; 'marker' puts an error marker in the place of a blob that cannot be
        % decoded (docs/blobs.md, "dj0 values in MATLAB"), so the other rows still arrive
        if nargin == 1
            out = mym('blob_errors');
        elseif ~ischar(value) || ~any(strcmp(value, {'error', 'marker'}))
            error('DataJoint:config:badValue', 'dj.config(''blobErrors'', mode) needs ''error'' or ''marker''');
        else
            out = mym('blob_errors', value);
        end
        return
    end
end
[values, sources] = dj.internal.configValues();
if nargin == 0
    % the settings of dj.internal.Settings.DEFAULTS, as 3.x lists them (blobErrors lives in the
    % connector only and is read by name)
    values.blobMaxDecompressedSize = blobLimit();
    out = values;
    return
end
path = parsePath(name);
if nargin == 1
    out = readPath(values, path, name);
    if isscalar(path) && ~strcmp(sources.(name), 'dj.config (set in code)')
        % a value from a file or the environment is checked where it is used
        out = dj.internal.checkSetting(name, out, sources.(name));
    end
    return
end
top = path(1).subs;
if isfield(values, top)
    old = values.(top);
else
    old = [];
end
try
    out = readPath(values, path, name);
catch
    out = [];
end
newTop = assignPath(old, path(2:end), value, name);
newTop = dj.internal.checkSetting(top, newTop, 'dj.config');
dj.internal.settingsState('set', top, newTop, 'dj.config (set in code)');
if strcmp(top, 'use_32bit_dims')
    flags = {'false', 'true'};
    setenv('MYM_USE_32BIT_DIMS', flags{1 + logical(newTop)});   % as 3.x tells mym
end
end


function path = parsePath(name)
% 'stores.raw.location' / 'stores{2}.protocol' -> steps (type '.', '{}' or '()', subs)
if isempty(regexp(name, '^[A-Za-z]\w*((\.[A-Za-z]\w*)|(\{\d+\})|(\(\d+\)))*$', 'once'))
    error('DataJoint:Config:InvalidKey', ['Setting `%s` does not exist: a setting is a name, optionally ' ...
        'followed by .field, {index} or (index)'], name);
end
tokens = regexp(['.' name], '(\.|\{|\()(\w+)', 'tokens');
path = struct('type', {}, 'subs', {});
for i = 1:numel(tokens)
    t = tokens{i};
    if strcmp(t{1}, '.')
        path(end+1) = struct('type', '.', 'subs', t{2}); %#ok<AGROW>
    else
        path(end+1) = struct('type', [t{1} ifelse(strcmp(t{1}, '{'), '}', ')')], 'subs', str2double(t{2})); %#ok<AGROW>
    end
end
end


function v = ifelse(c, a, b)
if c
    v = a;
else
    v = b;
end
end


function v = readPath(v, path, name)
for i = 1:numel(path)
    p = path(i);
    ok = false;
    switch p.type
        case '.'
            if isstruct(v) && isscalar(v) && isfield(v, p.subs)
                v = v.(p.subs);
                ok = true;
            elseif isa(v, 'containers.Map') && isKey(v, p.subs)
                v = v(p.subs);
                ok = true;
            end
        case '{}'
            if iscell(v) && p.subs >= 1 && p.subs <= numel(v)
                v = v{p.subs};
                ok = true;
            end
        case '()'
            if p.subs >= 1 && p.subs <= numel(v)
                v = v(p.subs);
                ok = true;
            end
    end
    if ~ok
        error('DataJoint:Config:InvalidKey', 'Setting `%s` does not exist', name);
    end
end
end


function v = assignPath(v, path, value, name)
% v with the part named by path replaced by value (missing structs are created)
if isempty(path)
    v = value;
    return
end
p = path(1);
switch p.type
    case '.'
        if isa(v, 'containers.Map')
            inner = [];
            if isKey(v, p.subs)
                inner = v(p.subs);
            end
            v(p.subs) = assignPath(inner, path(2:end), value, name);
            return
        end
        if isempty(v) && ~isstruct(v)
            v = struct();
        end
        if ~isstruct(v) || ~isscalar(v)
            error('DataJoint:Config:InvalidKey', 'Cannot set `%s`: its parent is a %s, not a struct', name, class(v));
        end
        inner = [];
        if isfield(v, p.subs)
            inner = v.(p.subs);
        end
        v.(p.subs) = assignPath(inner, path(2:end), value, name);
    case '{}'
        if isempty(v)
            v = {};
        end
        if ~iscell(v)
            error('DataJoint:Config:InvalidKey', 'Cannot set `%s`: its parent is a %s, not a cell array', name, class(v));
        end
        if p.subs > numel(v) + 1
            error('DataJoint:Config:InvalidKey', 'Cannot set `%s`: index %d is past the end plus one', name, p.subs);
        end
        inner = [];
        if p.subs <= numel(v)
            inner = v{p.subs};
        end
        v{p.subs} = assignPath(inner, path(2:end), value, name);
    case '()'
        if p.subs > numel(v)
            error('DataJoint:Config:InvalidKey', 'Cannot set `%s`: index %d is past the end', name, p.subs);
        end
        v(p.subs) = assignPath(v(p.subs), path(2:end), value, name);
end
end


function out = blobLimit(value)
% The cap lives in the connector, which decodes blobs while reading results. Until a value
% is set in code, the files' blob.max_decompressed_size applies (read here and on connect).
state = dj.internal.settingsState('get');
if nargin == 0
    if ~isfield(state.code, 'blobMaxDecompressedSize')
        [values, sources] = dj.internal.configValues();
        if ~strcmp(sources.blobMaxDecompressedSize, 'the default')
            mym('max_decompressed_size', dj.internal.checkSetting('blobMaxDecompressedSize', ...
                values.blobMaxDecompressedSize, sources.blobMaxDecompressedSize));
        end
    end
    out = mym('max_decompressed_size');
else
    out = mym('max_decompressed_size');
    value = dj.internal.checkSetting('blobMaxDecompressedSize', value, 'dj.config');
    mym('max_decompressed_size', value);
    dj.internal.settingsState('set', 'blobMaxDecompressedSize', value, 'dj.config (set in code)');
end
end


function addMatlabOnlyFiles()
% MATLAB's dj.config.load/save live in matlab/matlab-only (Octave warns about them
% on addpath, see its README); put them on MATLAB's path once, in case startup.m did not
persistent done
if isempty(done)
    done = true;
    folder = fullfile(fileparts(fileparts(mfilename('fullpath'))), 'matlab-only');
    if ~dj.internal.isOctave() && exist(folder, 'dir') == 7
        addpath(folder);
    end
end
end
