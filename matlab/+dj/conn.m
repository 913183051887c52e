function c = conn(host, user, pass, reset)
% The shared connection: dj.conn(host, user, pass) or, without arguments, from
% the environment (DJ_HOST, DJ_USER, DJ_PASS, DJ_PORT), as the Python package.
persistent connection
if nargin >= 4 && reset && ~isempty(connection)
    connection.close();
    connection = [];
end
if nargin == 0 && ~isempty(connection)
    c = connection;
    return
end
if nargin < 1 || isempty(host)
    host = envOr('DJ_HOST', '127.0.0.1');
    port = envOr('DJ_PORT', '');
    if ~isempty(port) && isempty(strfind(host, ':'))
        host = [host ':' port];
    end
end
if nargin < 2 || isempty(user)
    user = envOr('DJ_USER', 'root');
end
if nargin < 3
    pass = envOr('DJ_PASS', '');
end
if ~isempty(connection) && strcmp(connection.host, host) && strcmp(connection.user, user)
    c = connection;
    return
end
connection = dj.Connection(host, user, pass);
c = connection;
end


function v = envOr(name, default)
v = getenv(name);
if isempty(v)
    v = default;
end
end
