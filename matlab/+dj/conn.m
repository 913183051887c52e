function c = conn(host, user, pass, reset)
% The shared connection: dj.conn(host, user, pass), or from the settings the
% Python package reads, in increasing precedence: defaults (127.0.0.1, root,
% '', 3306), ~/.datajoint_config.json, ./dj_local_conf.json, the environment
% (DJ_HOST, DJ_USER, DJ_PASS, DJ_PORT), then the arguments. A host without
% ':port' gets the configured port. Arguments given as [] are taken from the
% settings: dj.conn([], [], [], true) reconnects with the current settings.
persistent connection
if nargin >= 4 && reset && ~isempty(connection)
    connection.close();
    connection = [];
end
if nargin == 0 && ~isempty(connection)
    c = connection;
    return
end
s = settings();
if nargin < 1 || isempty(host)
    host = s.host;
end
if isempty(strfind(host, ':')) && ~isempty(s.port)
    host = [host ':' s.port];
end
if nargin < 2 || isempty(user)
    user = s.user;
end
if nargin < 3 || (isnumeric(pass) && isempty(pass))
    pass = s.password;
end
if ~isempty(connection) && strcmp(connection.host, host) && strcmp(connection.user, user)
    c = connection;
    return
end
connection = dj.Connection(host, user, pass);
c = connection;
dj.config('blobMaxDecompressedSize');   % applies the config files' blob.max_decompressed_size
end


function s = settings()
s = struct('host', '127.0.0.1', 'port', '', 'user', 'root', 'password', '');
files = dj.internal.fileConfig();
for f = {'host', 'port', 'user', 'password'}
    if isfield(files, f{1})
        s.(f{1}) = files.(f{1});
    end
end
env = {'DJ_HOST', 'host'; 'DJ_PORT', 'port'; 'DJ_USER', 'user'; 'DJ_PASS', 'password'};
for i = 1:size(env, 1)
    v = getenv(env{i, 1});
    if ~isempty(v)
        s.(env{i, 2}) = v;
    end
end
if ~isempty(s.port) && isempty(regexp(s.port, '^\d+$', 'once'))
    error('DataJoint:config:badValue', 'The database port must be a number, got "%s"', s.port);
end
end
