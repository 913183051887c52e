function s = serverSettings(host, user, pass)
% The server and account dj.conn uses, by the rule Python's dj.conn and dji
% share (docs/settings.md): each of host, port, user and password comes from
% the first source that sets it: the arguments (non-empty; '' is a given empty
% password), dj.config set in code, the environment (DJ_HOST, DJ_PORT, DJ_USER,
% DJ_PASS), a file read by dj.config.load, ./dj_local_conf.json,
% ~/.datajoint_config.json, then the default 127.0.0.1:3306, root, no password
% (dj.internal.configValues). A password is never paired with the default root
% account unless given as an argument (Python's rule).
% Returns host, port (text), user, password and sources (field -> origin).
if nargin < 1
    host = [];
end
if nargin < 2
    user = [];
end
if nargin < 3
    pass = [];
end
[values, origins] = dj.internal.configValues();
keys = {'host', 'databaseHost'; 'port', 'databasePort'; 'user', 'databaseUser'; 'password', 'databasePassword'};
fallback = struct('host', '127.0.0.1', 'port', '3306', 'user', 'root', 'password', '');
s = struct();
sources = struct();
for i = 1:size(keys, 1)
    [s.(keys{i, 1}), sources.(keys{i, 1})] = asText(values.(keys{i, 2}), origins.(keys{i, 2}), keys{i, 2});
    if isempty(s.(keys{i, 1})) && ~strncmp(sources.(keys{i, 1}), 'environment', 11) ...
            && ~strcmp(sources.(keys{i, 1}), 'dj.config (set in code)')
        s.(keys{i, 1}) = fallback.(keys{i, 1});
        sources.(keys{i, 1}) = 'the default';
    end
end
given = {host, user, pass};
names = {'host', 'user', 'password'};
for i = 1:numel(given)
    if isstring(given{i}) && isscalar(given{i})
        given{i} = char(given{i});   % MATLAB string arguments
    end
    if ischar(given{i}) && (~isempty(given{i}) || strcmp(names{i}, 'password'))
        s.(names{i}) = given{i};
        sources.(names{i}) = 'the arguments';
    end
end
if strcmp(sources.user, 'the default') ...
        && ~any(strcmp(sources.password, {'the default', 'the arguments'}))
    s.password = '';
    sources.password = 'the default (no user configured)';
end
if isempty(regexp(s.port, '^\d+$', 'once'))
    error('DataJoint:config:badValue', 'The database port must be a number, got "%s" (from %s)', ...
        s.port, sources.port);
end
s.sources = sources;
end


function [v, source] = asText(v, source, name)
% settings may be numbers (a port) or null; dj.conn needs text
if isempty(v)
    v = '';
elseif isnumeric(v) && isscalar(v) && isreal(v)
    v = sprintf('%d', v);
elseif isstring(v) && isscalar(v)
    v = char(v);
elseif ~ischar(v)
    error('DataJoint:config:badValue', '%s must be text or a number, got a %s (from %s)', ...
        name, class(v), source);
end
end
