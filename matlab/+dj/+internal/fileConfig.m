function [s, sources] = fileConfig()
% Settings from the JSON files shared with the Python package, under
% dj.config's (DataJoint for MATLAB 3.x) names: ~/.datajoint_config.json, then
% ./dj_local_conf.json on top (Python's order, so that `dji server start`,
% which writes the user file, also points Octave at its server).
% sources has one field per setting found: the path of the file that set it,
% so that dj.internal.serverSettings can say why a server was chosen.
% A file that is not a JSON object raises DataJoint:config:badFile.
s = struct();
sources = struct();
home = userHome();
files = {};
if ~isempty(home)
    files{end+1} = fullfile(home, '.datajoint_config.json');
end
files{end+1} = fullfile(pwd, 'dj_local_conf.json');
for i = 1:numel(files)
    if exist(files{i}, 'file') ~= 2
        continue
    end
    data = dj.internal.readConfigFile(files{i});
    names = fieldnames(data);
    for k = 1:numel(names)
        s.(names{k}) = data.(names{k});
        sources.(names{k}) = files{i};
    end
end
end


function home = userHome()
home = getenv('HOME');
if isempty(home) && ispc()
    home = getenv('USERPROFILE');
end
end
