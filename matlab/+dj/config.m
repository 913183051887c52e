function out = config(name, value)
% Toolbox settings: config(name) reads, config(name, value) sets.
% 'safemode' (true): del/drop ask for confirmation.
% 'databaseRead_timeout' (3600), 'databaseWrite_timeout' (600): seconds a
% query may wait for the server to answer / accept data before the connection
% is given up (DataJoint:lostConnection); 0 or Inf: wait forever. Used when a
% connection is opened; Python's database.read_timeout/write_timeout.
% 'stores' (unset): external stores, a struct of structs (docs/external.md);
% while unset, the 'stores' key of ~/.datajoint_config.json and
% ./dj_local_conf.json is used, as in the Python package.
persistent settings
if isempty(settings)
    settings = struct('safemode', true, 'populateRetries', 3, 'stores', [], ...
        'databaseRead_timeout', 3600, 'databaseWrite_timeout', 600);
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
