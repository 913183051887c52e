function s = serverSettings(host, user, pass)
% The server and account dj.conn uses, by the rule Python's dj.conn and dji
% share (docs/settings.md): each of host, port, user and password comes from
% the first source that sets it: the arguments (non-empty), the environment
% (DJ_HOST, DJ_PORT, DJ_USER, DJ_PASS), ./dj_local_conf.json,
% ~/.datajoint_config.json, then the default 127.0.0.1:3306, root, no password.
% getenv cannot tell an empty variable from an unset one, so DJ_PASS counts as
% set when it is non-empty or when DJ_USER is set (the environment then names
% a whole account; Python follows the same rule). A password is never paired
% with the default root account unless given as an argument.
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
s = struct('host', '127.0.0.1', 'port', '3306', 'user', 'root', 'password', '');
sources = struct('host', 'the default', 'port', 'the default', 'user', 'the default', ...
    'password', 'the default');
[files, fileSources] = dj.internal.fileConfig();
fields = {'host', 'port', 'user', 'password'};
for i = 1:numel(fields)
    f = fields{i};
    if isfield(files, f) && ~isempty(files.(f))
        s.(f) = files.(f);
        sources.(f) = fileSources.(f);
    end
end
env = {'DJ_HOST', 'host'; 'DJ_PORT', 'port'; 'DJ_USER', 'user'; 'DJ_PASS', 'password'};
for i = 1:size(env, 1)
    v = getenv(env{i, 1});
    if ~isempty(v) || (strcmp(env{i, 1}, 'DJ_PASS') && ~isempty(getenv('DJ_USER')))
        s.(env{i, 2}) = v;
        sources.(env{i, 2}) = ['environment ' env{i, 1}];
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
if strcmp(sources.user, 'the default') && ~any(strcmp(sources.password, {'the default', 'the arguments'}))
    s.password = '';
    sources.password = 'the default (no user configured)';
end
if isempty(regexp(s.port, '^\d+$', 'once'))
    error('DataJoint:config:badValue', 'The database port must be a number, got "%s" (from %s)', ...
        s.port, sources.port);
end
s.sources = sources;
end
