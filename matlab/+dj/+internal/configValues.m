function [values, sources] = configValues()
% Every dj.config setting with where it came from, by the rule both languages
% share (docs/settings.md): values set in code (dj.config(name, value)) >
% environment (DJ_HOST, DJ_PORT, DJ_USER, DJ_PASS, DJ_INIT) > a file read with
% dj.config.load > ./dj_local_conf.json > ~/.datajoint_config.json > defaults.
% Files and environment are read on every call. getenv cannot tell an empty
% variable from an unset one, so an empty variable is unset, except DJ_PASS
% while DJ_USER is set (the environment then names a whole account).
% sources.(name) is 'the default', a file path, 'environment DJ_...' or
% 'dj.config (set in code)' (Python's words, so dji can compare them).
values = dj.internal.configKeys();
names = fieldnames(values);
sources = struct();
for i = 1:numel(names)
    sources.(names{i}) = 'the default';
end
[files, fileSources] = dj.internal.fileConfig();
state = dj.internal.settingsState('get');
[values, sources] = overlay(values, sources, files, fileSources, true);
[values, sources] = overlay(values, sources, state.loaded, state.loadedSources, true);
env = {'DJ_HOST', 'databaseHost'; 'DJ_PORT', 'databasePort'; 'DJ_USER', 'databaseUser'; ...
    'DJ_PASS', 'databasePassword'; 'DJ_INIT', 'connectionInit_function'};
for i = 1:size(env, 1)
    v = getenv(env{i, 1});
    if ~isempty(v) || (strcmp(env{i, 1}, 'DJ_PASS') && ~isempty(getenv('DJ_USER')))
        if strcmp(env{i, 1}, 'DJ_PORT') && ~isempty(regexp(v, '^\d+$', 'once'))
            v = str2double(v);
        end
        values.(env{i, 2}) = v;
        sources.(env{i, 2}) = ['environment ' env{i, 1}];
    end
end
[values, sources] = overlay(values, sources, state.code, state.codeSources, false);
values = orderfields(values);
sources = orderfields(sources);
end


function [values, sources] = overlay(values, sources, layer, layerSources, nullIsUnset)
% in files, JSON null and "" leave a setting unset (Python treats null so)
names = fieldnames(layer);
for i = 1:numel(names)
    v = layer.(names{i});
    if nullIsUnset && isempty(v) && (ischar(v) || isnumeric(v))
        continue
    end
    values.(names{i}) = layer.(names{i});
    sources.(names{i}) = layerSources.(names{i});
end
end
