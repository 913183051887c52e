function out = config(name, value)
% Toolbox settings: config(name) reads, config(name, value) sets.
% 'safemode' (true): del/drop ask for confirmation.
% 'databaseRead_timeout' (3600), 'databaseWrite_timeout' (600): seconds a
% query may wait for the server to answer / accept data before the connection
% is given up (DataJoint:lostConnection); 0 or Inf: wait forever. Used when a
% connection is opened; Python's database.read_timeout/write_timeout.
% 'displayLimit' (12), 'displayCount' (true): rows shown by disp of a query,
% and whether their total follows. 'displayDiagram_hierarchy_radius' ([2 1]),
% 'displayDiagram_font_size' (12): table.erd levels up/down, diagram font.
% 'stores' (unset): external stores, a struct of structs (docs/external.md);
% while unset, the 'stores' key of ~/.datajoint_config.json and
% ./dj_local_conf.json is used, as in the Python package.
% 'blobMaxDecompressedSize' (1 GiB): bytes a compressed blob may inflate to when
% fetched; a blob declaring more is refused (error mym:blobLimit) so that a small
% hostile blob cannot exhaust memory. Python's config['blob.max_decompressed_size'];
% until set here, that key of the config files applies (read when dj.conn connects).
% 'blobErrors' ('error'): what fetching a blob that cannot be decoded (corrupt, over
% the size cap, or a Python value with no MATLAB form) does: 'error' fails the
% fetch; 'marker' puts an error marker in its place (an MException under MATLAB, a
% struct with fields identifier and message under Octave; rethrow(v) raises it),
% so the other rows still arrive. docs/blobs.md, "dj0 values in MATLAB".
persistent settings blobLimitSetInCode
if isempty(settings)
    settings = struct('safemode', true, 'populateRetries', 3, 'stores', [], ...
        'databaseRead_timeout', 3600, 'databaseWrite_timeout', 600, ...
        'displayLimit', 12, 'displayCount', true, 'displayDiagram_hierarchy_radius', [2 1], ...
        'displayDiagram_font_size', 12);
end
if nargin >= 1 && strcmp(name, 'blobMaxDecompressedSize')
    % kept by the connector itself, which decodes blobs while reading results
    if nargin == 1
        if isempty(blobLimitSetInCode)
            files = dj.internal.fileConfig();
            if isfield(files, 'blobMaxDecompressedSize')
                mym('max_decompressed_size', checkBytes(files.blobMaxDecompressedSize, ...
                    'blob.max_decompressed_size in the config file'));
            end
        end
        out = mym('max_decompressed_size');
    else
        out = mym('max_decompressed_size', checkBytes(value, 'dj.config(''blobMaxDecompressedSize'', bytes)'));
        blobLimitSetInCode = true;
    end
    return
end
if nargin >= 1 && strcmp(name, 'blobErrors')
    % kept by the connector, which decodes blobs while reading results
    if nargin == 1
        out = mym('blob_errors');
    elseif ~ischar(value) || ~any(strcmp(value, {'error', 'marker'}))
        error('DataJoint:config:badValue', 'dj.config(''blobErrors'', mode) needs ''error'' or ''marker''');
    else
        out = mym('blob_errors', value);
    end
    return
end
if nargin == 0
    out = settings;
elseif nargin == 1
    if ~isfield(settings, name)
        error('DataJoint:config:unknownSetting', 'Unknown setting "%s"', name);
    end
    out = settings.(name);
    if strcmp(name, 'stores') && isempty(out)
        files = dj.internal.fileConfig();
        if isfield(files, 'stores')
            out = files.stores;
        end
    end
else
    if ~isfield(settings, name)
        error('DataJoint:config:unknownSetting', 'Unknown setting "%s"', name);
    end
    settings.(name) = value;
    out = value;
end
end


function v = checkBytes(v, what)
% a positive whole number of bytes, as a double for mym
if ~isnumeric(v) || ~isscalar(v) || ~isreal(v) || ~(v >= 1) || ~isfinite(v) || v ~= floor(v)
    error('DataJoint:config:badValue', '%s needs a positive whole number of bytes', what);
end
v = double(v);
end
