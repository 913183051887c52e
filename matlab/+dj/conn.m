function connObj = conn(host, user, pass, initQuery, reset, use_tls, nogui)
% dj.conn(host, user, pass, initQuery, reset, use_tls, nogui): the shared
% connection, as in DataJoint for MATLAB 3.x. Arguments left out or [] come
% from dj.config by the rule shared with Python and dji (docs/settings.md):
% dj.config set in code, DJ_HOST/DJ_PORT/DJ_USER/DJ_PASS/DJ_INIT,
% ./dj_local_conf.json, ~/.datajoint_config.json, then 127.0.0.1:3306 as root
% with no password (nobody is prompted). A host without ':port' gets the
% configured port.
%   initQuery  statement run on every new session (dj.config('connectionInit_function'), DJ_INIT)
%   reset      true: close the connection and open a new one
%   use_tls    true (TLS required), false (none), [] (if the server offers it: the default), or a
%              struct with ca (verifies the server), capath, cert, key, cipher; a bad struct
%              raises mYm:TLS:InvalidStruct (dj.config('databaseUse_tls') when not given)
%   nogui      accepted for 3.x code; nothing is ever prompted
% Once connected, dj.conn(...) with arguments for another server or account raises
% DataJoint:Connection:AlreadyInstantiated unless reset is true; for the same one it warns
% (same id) and returns the open connection. A server that cannot be reached, or refuses the
% login, raises MySQL:Error (mym's identifier) with a message saying what to check.
% This toolbox's older form dj.conn(host, user, pass, true) still means reset.
persistent connection
dj.internal.addBuiltinNames();
args = {[], [], [], [], [], []};   % host, user, pass, initQuery, reset, use_tls; [] = not given
if nargin >= 1, args{1} = host; end
if nargin >= 2, args{2} = user; end
if nargin >= 3, args{3} = pass; end
if nargin >= 4, args{4} = initQuery; end
if nargin >= 5, args{5} = reset; end
if nargin >= 6, args{6} = use_tls; end
if nargin == 4 && isResetFlag(args{4})
    args{5} = args{4};   % the form dj.conn(host, user, pass, reset) of earlier versions
    args{4} = [];
end
reset = ~isempty(args{5}) && logical(args{5});
if isempty(args{3}) && isnumeric(args{3})
    args{3} = [];   % [] (not '') means "from the settings"
end

if ~isempty(connection) && ~reset
    if nargin > 0
        s = dj.internal.serverSettings(args{1}, args{2}, args{3});
        address = withPort(s.host, s.port);
        if ~strcmp(connection.host, address) || ~strcmp(connection.user, s.user)
            error('DataJoint:Connection:AlreadyInstantiated', ['A connection to %s as ''%s'' is already ' ...
                'open; to connect to %s as ''%s'' instead, call dj.conn with reset = true, e.g. ' ...
                'dj.conn(host, user, pass, '''', true)'], connection.host, connection.user, address, s.user);
        end
        warning('DataJoint:Connection:AlreadyInstantiated', ['Connection already instantiated: using the ' ...
            'open connection to %s (to reconnect, call dj.conn with reset = true)'], connection.host);
    end
    connObj = connection;
    if nargout == 0
        describe(connObj);
    end
    return
end

if ~isempty(connection)
    connection.close();
end
connection = [];
s = dj.internal.serverSettings(args{1}, args{2}, args{3});
if isempty(args{4})
    args{4} = dj.config('connectionInit_function');
end
if isempty(args{6}) && ~isstruct(args{6})
    args{6} = dj.config('databaseUse_tls');
end
tls = dj.internal.tlsOption(args{6});
connection = dj.Connection(withPort(s.host, s.port), s.user, s.password, args{4}, tls);
connObj = connection;
dj.config('blobMaxDecompressedSize');   % applies the config files' blob.max_decompressed_size
if nargout == 0
    describe(connObj);
end
end


function tf = isResetFlag(v)
% a logical (or 0/1) fourth argument is the older reset flag, not an initQuery
tf = (islogical(v) || isnumeric(v)) && isscalar(v);
end


function address = withPort(host, port)
address = host;
if isempty(strfind(host, ':'))
    address = [host ':' port];
end
end


function describe(c)
% what 3.x shows for a bare `dj.conn`: the session's id on the server
fprintf('connected to %s as %s (connection id %d)\n', c.host, c.user, c.serverId);
end
