function t = tlsOption(v)
% dj.conn's use_tls (or dj.config('databaseUse_tls')) as mym's TLS argument:
% [] -> 'nan' (TLS when the server offers it), true/false -> 'true'/'false'
% (required / off), a struct -> itself, after checking it: one element, only
% the fields ca, capath, cert, key, cipher (and this toolbox's verify), text
% values, and the named files and folder present. A bad struct raises
% mYm:TLS:InvalidStruct, 3.x's identifier, naming what is wrong; checked here
% so that nothing is sent to a server with a half-understood TLS request.
% 3.x/mym accept no struct at all; here a struct with a CA verifies the server
% (docs/connection.md). Other values raise DataJoint:config:badValue.
if isstring(v) && isscalar(v)
    v = char(v);
end
if isstruct(v)
    t = checkStruct(v);
elseif isempty(v) && (isnumeric(v) || ischar(v))
    t = 'nan';
elseif (islogical(v) || isnumeric(v)) && isscalar(v) && isreal(v) && (v == 0 || v == 1)
    words = {'false', 'true'};
    t = words{1 + logical(v)};
elseif ischar(v) && any(strcmpi(v, {'true', 'false'}))
    t = lower(v);
elseif ischar(v) && any(strcmpi(v, {'none', 'nan'}))
    t = 'nan';
else
    error('DataJoint:config:badValue', ['use_tls must be true (TLS required), false (no TLS), [] (TLS if ' ...
        'the server offers it) or a struct with ca, capath, cert, key, cipher; got a %s'], class(v));
end
end


function s = checkStruct(s)
known = {'ca', 'capath', 'cert', 'key', 'cipher', 'verify'};
if ~isscalar(s)
    error('mYm:TLS:InvalidStruct', 'The TLS struct must have one element, got %d', numel(s));
end
names = fieldnames(s);
extra = setdiff(names, known);
if ~isempty(extra)
    error('mYm:TLS:InvalidStruct', 'Unknown TLS option "%s" (known: %s)', extra{1}, strjoin(known, ', '));
end
for i = 1:numel(names)
    f = names{i};
    v = s.(f);
    if strcmp(f, 'verify')
        if ~isempty(v) && ~((islogical(v) || isnumeric(v)) && isscalar(v) && (v == 0 || v == 1))
            error('mYm:TLS:InvalidStruct', 'TLS option verify must be true or false');
        end
        continue
    end
    if isstring(v) && isscalar(v)
        v = char(v);
        s.(f) = v;
    end
    if ~ischar(v) || size(v, 1) > 1
        error('mYm:TLS:InvalidStruct', 'TLS option %s must be text, got a %s', f, class(v));
    end
    if isempty(v) || strcmp(f, 'cipher')
        continue
    end
    if strcmp(f, 'capath')
        if exist(v, 'dir') ~= 7
            error('mYm:TLS:InvalidStruct', 'TLS option capath: folder "%s" does not exist', v);
        end
    elseif ~isPlainFile(v)
        error('mYm:TLS:InvalidStruct', 'TLS option %s: file "%s" does not exist', f, v);
    end
end
end


function tf = isPlainFile(p)
% a file at that path (exist(p, 'file') would also accept a function on the path)
d = dir(p);
tf = numel(d) == 1 && ~d(1).isdir;
end
