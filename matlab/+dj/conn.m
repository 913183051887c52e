function c = conn(host, user, pass, reset)
% The shared connection: dj.conn(host, user, pass), or from the settings the
% Python package reads, by the rule shared with Python and dji (see
% dj.internal.serverSettings and docs/settings.md): the arguments, then the
% environment (DJ_HOST, DJ_PORT, DJ_USER, DJ_PASS), ./dj_local_conf.json,
% ~/.datajoint_config.json, then 127.0.0.1:3306 as root with no password.
% A host without ':port' gets the configured port. Arguments given as [] are
% taken from the settings: dj.conn([], [], [], true) reconnects with the
% current settings.
persistent connection
if nargin >= 4 && reset && ~isempty(connection)
    connection.close();
    connection = [];
end
if nargin == 0 && ~isempty(connection)
    c = connection;
    return
end
if nargin < 1
    host = [];
end
if nargin < 2
    user = [];
end
if nargin < 3 || (isnumeric(pass) && isempty(pass))
    pass = [];
end
s = dj.internal.serverSettings(host, user, pass);
host = s.host;
if isempty(strfind(host, ':'))
    host = [host ':' s.port];
end
user = s.user;
if ~isempty(connection) && strcmp(connection.host, host) && strcmp(connection.user, user)
    c = connection;
    return
end
connection = dj.Connection(host, s.user, s.password);
c = connection;
dj.config('blobMaxDecompressedSize');   % applies the config files' blob.max_decompressed_size
end
