classdef Connection < handle
    % One mym connection plus what the toolbox learns about the server:
    % headings, foreign keys and the schemas (packages) bound to it.
    % The public part is DataJoint for MATLAB 3.x's: host, user, initQuery,
    % use_tls, inTransaction, connId (mym handle), serverId (the server's
    % CONNECTION_ID, uint64), isConnected, packages (containers.Map database ->
    % package name), schemas (containers.Map database -> dj.Schema; 3.x keeps a
    % struct, which cannot hold every database name), query, reload,
    % tableToClass, start/commit/cancelTransaction.

    properties (SetAccess = private)
        host = ''
        user = ''
        initQuery = ''          % statement run on every new session (3.x)
        use_tls = 'nan'         % mym's TLS argument: 'true', 'false', 'nan' or a struct
        inTransaction = false
        connId = []             % mym connection handle
        serverId = uint64([])   % CONNECTION_ID() of the current session
        packages                % containers.Map database -> package name
        schemas                 % containers.Map database -> dj.Schema
    end
    properties (Dependent)
        isConnected
    end
    properties (Constant)
        % the session sql_mode, the same as Python's (datajoint_interop/connection.py SQL_MODE):
        % both languages get the same refusals whatever the server's global mode
        sqlMode = 'NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'
    end
    properties (Access = private)
        password = ''
        headings                % containers.Map fullName -> heading struct
        schemaByPackage         % containers.Map package -> dj.Schema
        knownTables             % containers.Map fullName -> true, tables seen to exist
        bigintFlag = {}         % {'bigint_to_double'} when dj.config('queryBigint_to_double')
        flagVersion = -1        % dj.internal.settingsState version bigintFlag was read at
    end

    methods
        function self = Connection(host, user, password, initQuery, use_tls)
            % dj.Connection(host, user, password[, initQuery[, use_tls]]) opens the session
            % (3.x opens on the first query; opening here reports a bad server at once)
            self.host = host;
            self.user = user;
            self.password = password;
            if nargin >= 4 && ~isempty(initQuery)
                if ~ischar(initQuery)
                    error('DataJoint:config:badValue', 'initQuery must be an SQL statement (text), got a %s', ...
                        class(initQuery));
                end
                self.initQuery = initQuery;
            end
            if nargin >= 5
                self.use_tls = dj.internal.tlsOption(use_tls);
            end
            self.headings = containers.Map();
            self.packages = containers.Map();
            self.schemas = containers.Map();
            self.schemaByPackage = containers.Map();
            self.knownTables = containers.Map();
            self.open();
        end

        function open(self)
            self.flagVersion = -1;   % a new session reads dj.config again
            [values, sources] = dj.internal.configValues();
            readTimeout = dj.internal.checkSetting('databaseRead_timeout', values.databaseRead_timeout, ...
                sources.databaseRead_timeout);
            writeTimeout = dj.internal.checkSetting('databaseWrite_timeout', values.databaseWrite_timeout, ...
                sources.databaseWrite_timeout);
            try
                self.connId = mym(-1, 'open', self.host, self.user, self.password, 'ssl', self.use_tls, ...
                    'read_timeout', readTimeout, 'write_timeout', writeTimeout);
            catch err
                if strcmp(err.identifier, 'mYm:TLS:InvalidStruct')
                    rethrow(err);
                end
                error('MySQL:Error', '%s', connectFailure(self.host, self.user, err.message));
            end
            try
                mym(self.connId, ['SET SESSION sql_mode=''' self.sqlMode '''']);
                if ~isempty(self.initQuery)
                    mym(self.connId, self.initQuery);
                end
                r = mym(self.connId, 'SELECT CONNECTION_ID() AS id');
                self.serverId = uint64(r.id(1));
            catch err
                self.close();
                error('MySQL:Error', 'Cannot start the session on %s (sql_mode or initQuery "%s"): %s', ...
                    self.host, self.initQuery, serverText(err.message));
            end
        end

        function tf = get.isConnected(self)
            % the session is open and the server answers (mym's status 0). As in 3.x, a
            % session lost inside a transaction raises DataJoint:lostConnection (the server
            % rolled the transaction back), unless dj.config('databaseReconnect_transaction')
            % is true: then it warns and answers false, and the next statement reconnects.
            tf = false;
            if ~isempty(self.connId)
                try
                    tf = mym(self.connId, 'status') == 0;
                catch
                end
            end
            if ~tf && self.inTransaction && ~reconnectTransaction(self.host)
                error('DataJoint:lostConnection', ['The connection to %s was lost during a transaction: ' ...
                    'the server rolled it back. Reconnect (dj.conn([], [], [], '''', true)) and start the ' ...
                    'transaction again'], self.host);
            end
        end

        function close(self)
            if ~isempty(self.connId)
                try
                    mym(self.connId, 'close');
                catch
                end
                self.connId = [];
            end
            self.inTransaction = false;
        end

        function reconnect(self)
            % after a lost connection: the server has rolled back what was open
            self.close();
            self.inTransaction = false;
            self.open();
        end

        function delete(self)
            % only release the server connection: Octave refuses property
            % assignments while an object is being destroyed
            try
                if ~isempty(self.connId)
                    mym(self.connId, 'close');
                end
            catch
            end
        end

        function varargout = query(self, sql, varargin)
            % Run one statement; values only as arguments of mym placeholders. Results as mym
            % gives them (3.x): a struct of columns for a SELECT; BIGINT columns as doubles
            % when dj.config('queryBigint_to_double') (mym's 'bigint_to_double').
            if isempty(self.connId)
                self.open();
            end
            version = dj.internal.settingsState('version');
            if version ~= self.flagVersion
                % dj.config is read again only after it changed in this session (a query is
                % much faster than reading the settings files)
                self.bigintFlag = {};
                if dj.config('queryBigint_to_double')
                    self.bigintFlag = {'bigint_to_double'};
                end
                self.flagVersion = version;
            end
            varargin = [varargin self.bigintFlag];
            try
                varargout = cell(1, nargout);
                [varargout{:}] = mym(self.connId, sql, varargin{:});
            catch err
                lost = strcmp(err.identifier, 'mym:connect') || ...
                    (self.inTransaction && isLostSession(err.message));
                if lost && self.inTransaction && reconnectTransaction(self.host)
                    % 3.x's databaseReconnect_transaction: go on in a new session; what the
                    % transaction did so far is rolled back and later statements autocommit
                    self.inTransaction = false;
                end
                if lost && ~self.inTransaction
                    % the handle was closed under us (e.g. mym('closeall')): reopen once
                    self.connId = [];
                    self.open();   % a new session: new serverId, initQuery run again
                    try
                        [varargout{:}] = mym(self.connId, sql, varargin{:});
                        return
                    catch err2
                        err = err2;
                    end
                end
                translateError(err, sql);
            end
        end

        function startTransaction(self)
            if self.inTransaction
                error('DataJoint:transaction', 'Nested transactions are not supported');
            end
            self.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
            self.inTransaction = true;
        end

        function commitTransaction(self)
            self.query('COMMIT');
            self.inTransaction = false;
        end

        function cancelTransaction(self)
            % a session lost meanwhile has nothing left to roll back (the server did):
            % close its handle so the next statement opens a new session
            self.inTransaction = false;
            try
                self.query('ROLLBACK');
            catch err
                if ~strcmp(err.identifier, 'DataJoint:lostConnection')
                    rethrow(err);
                end
                self.close();
            end
        end

        function n = connectionId(self)
            r = self.query('SELECT CONNECTION_ID() AS id');
            n = double(r.id(1));
        end

        function h = heading(self, db, tbl)
            key = [dj.internal.quoteId(db) '.' dj.internal.quoteId(tbl)];
            if ~isKey(self.headings, key)
                self.headings(key) = dj.internal.loadHeading(self, db, tbl);
            end
            h = self.headings(key);
        end

        function forgetHeading(self, fullName)
            % after DDL: the table's heading and existence must be read again
            if isKey(self.headings, fullName)
                remove(self.headings, fullName);
            end
            if isKey(self.knownTables, fullName)
                remove(self.knownTables, fullName);
            end
        end

        function forgetDatabase(self, db)
            % forget the headings and existence of every table of one database
            prefix = [dj.internal.quoteId(db) '.'];
            for m = {self.headings, self.knownTables}
                ks = keys(m{1});
                gone = ks(strncmp(ks, prefix, numel(prefix)));
                if ~isempty(gone)
                    remove(m{1}, gone);
                end
            end
        end

        function tf = tableExists(self, db, tbl)
            % existence is cached once seen: tables are dropped through forgetHeading
            key = [dj.internal.quoteId(db) '.' dj.internal.quoteId(tbl)];
            if isKey(self.knownTables, key)
                tf = true;
                return
            end
            ph = dj.internal.placeholder('string');
            r = self.query(sprintf(['SELECT count(*) AS n FROM information_schema.tables ' ...
                'WHERE table_schema=%s AND table_name=%s'], ph, ph), db, tbl);
            tf = double(r.n(1)) > 0;
            if tf
                self.knownTables(key) = true;
            end
        end

        function varargout = children(self, db, tbl)
            % children(db, table): the foreign keys referencing the table, each
            % struct(db, table, attrMap = {parent_col, child_col; ...}, name) (the toolbox's form);
            % [names, isprimary] = children('`db`.`table`' [, primary]): 3.x's form, see parents
            if ~isempty(db) && db(1) == '`'
                primary = [];
                if nargin >= 3
                    primary = tbl;
                end
                [varargout{1:max(1, nargout)}] = self.linkNames(db, @(d, t) self.children(d, t), ...
                    @(link) primaryKeyOf(self, link.db, link.table), primary);
                return
            end
            ph = dj.internal.placeholder('string');
            r = self.query(sprintf(['SELECT table_schema AS db, table_name AS tbl, constraint_name AS cname, ' ...
                'column_name AS col, referenced_column_name AS ref FROM information_schema.key_column_usage ' ...
                'WHERE referenced_table_schema=%s AND referenced_table_name=%s ' ...
                'ORDER BY table_schema, table_name, constraint_name, ordinal_position'], ph, ph), db, tbl);
            varargout{1} = groupConstraints(r);
        end

        function varargout = parents(self, db, tbl)
            % parents(db, table): the table's foreign keys, each
            % struct(db, table, attrMap = {parent_col, child_col; ...}, name) (the toolbox's form);
            % [names, isprimary] = parents('`db`.`table`' [, primary]): 3.x's form, the referenced
            % tables' '`db`.`table`' names (a cell row, each once) and whether each reference lies
            % in the primary key; primary true/false keeps only those that do/do not
            if ~isempty(db) && db(1) == '`'
                primary = [];
                if nargin >= 3
                    primary = tbl;
                end
                [varargout{1:max(1, nargout)}] = self.linkNames(db, @(d, t) self.parents(d, t), ...
                    @(link) [], primary);
                return
            end
            ph = dj.internal.placeholder('string');
            r = self.query(sprintf(['SELECT referenced_table_schema AS db, referenced_table_name AS tbl, ' ...
                'constraint_name AS cname, referenced_column_name AS ref, column_name AS col ' ...
                'FROM information_schema.key_column_usage ' ...
                'WHERE table_schema=%s AND table_name=%s AND referenced_table_name IS NOT NULL ' ...
                'ORDER BY constraint_name, ordinal_position'], ph, ph), db, tbl);
            varargout{1} = groupConstraints(r);
        end

        function [names, isPrimary] = linkNames(self, fullName, links, childKey, primary)
            % 3.x's parents/children of '`db`.`table`': links(db, table) gives the foreign keys;
            % a link is in the primary key when its columns on the referencing side are all in
            % that side's primary key (childKey(link), or [] for the named table's own key)
            s = regexp(fullName, '^`(?<db>[^`]+)`\.`(?<tbl>[^`]+)`$', 'names');
            if isempty(s)
                error('DataJoint:Connection:badArgument', 'Not a full table name such as `db`.`table`: %s', fullName);
            end
            own = primaryKeyOf(self, s.db, s.tbl);
            list = links(s.db, s.tbl);
            names = {};
            isPrimary = false(1, 0);
            for i = 1:numel(list)
                key = childKey(list{i});
                if isempty(key)
                    key = own;
                end
                flag = all(ismember(list{i}.attrMap(:, 2), key));
                if ~isempty(primary) && logical(primary) ~= flag
                    continue
                end
                name = [dj.internal.quoteId(list{i}.db) '.' dj.internal.quoteId(list{i}.table)];
                k = find(strcmp(names, name), 1);
                if isempty(k)
                    names{end+1} = name; %#ok<AGROW>
                    isPrimary(end+1) = flag; %#ok<AGROW>
                else
                    isPrimary(k) = isPrimary(k) || flag;
                end
            end
        end

        function reload(self)
            % forget what was learnt about tables (headings, existence), as after changes made
            % elsewhere, and reload every registered schema that can (3.x: reload all schemas)
            self.headings = containers.Map();
            self.knownTables = containers.Map();
            bound = values(self.schemas);
            for i = 1:numel(bound)
                if ismethod(bound{i}, 'reload')
                    reload(bound{i});
                end
            end
        end

        function className = tableToClass(self, fullTableName, strict)
            % '`db`.`table_name`' -> 'package.ClassName' for a database bound to a package (3.x);
            % otherwise the name unchanged, or with strict the error
            % DataJoint:Connection:UnknownPackage
            strict = nargin >= 3 && strict;
            className = fullTableName;
            s = regexp(fullTableName, '^`(?<db>[^`]+)`\.`(?<tbl>[#~\w]+)`$', 'names');
            if ~isempty(s) && isKey(self.packages, s.db)
                className = [self.packages(s.db) '.' dj.internal.toCamelCase(regexprep(s.tbl, '^[#_~]+', ''))];
            elseif strict
                error('DataJoint:Connection:UnknownPackage', ...
                    'Unknown package for "%s": activate its schema (its package''s getSchema) first', fullTableName);
            end
        end

        function addPackage(self, dbname, package)
            % 3.x: bind a database name to a package name
            self.packages(dbname) = package;
        end

        function register(self, schema)
            self.schemaByPackage(schema.package) = schema;
            self.packages(schema.dbname) = schema.package;
            self.schemas(schema.dbname) = schema;
        end

        function s = schemaOf(self, package)
            if ~isKey(self.schemaByPackage, package)
                s = feval([package '.getSchema']);
            else
                s = self.schemaByPackage(package);
            end
        end
    end
end


function tf = reconnectTransaction(host)
% dj.config('databaseReconnect_transaction'): warn and go on in a new session
% when the session of a transaction is lost (3.x); false (the default) raises
tf = logical(dj.internal.setting('databaseReconnect_transaction', false));
if tf
    warning('DataJoint:Connection:reconnectTransaction', ['The connection to %s was lost during a ' ...
        'transaction; reconnecting (dj.config(''databaseReconnect_transaction'')): the transaction''s ' ...
        'changes are lost'], host);
end
end


function tf = isLostSession(msg)
% the server or the network ended the session (mym's message carries the client error)
tf = ~isempty(regexp(msg, 'error (2006|2013|2055)[,)]|gone away|Lost connection', 'once'));
end


function pk = primaryKeyOf(conn, db, tbl)
h = conn.heading(db, tbl);
pk = h.primaryKey;
end


function out = groupConstraints(r)
% rows of key_column_usage -> one struct per foreign key (name: the constraint's)
out = {};
if isempty(r) || isempty(r.db)
    return
end
dbs = cellstr(r.db); tbls = cellstr(r.tbl); cn = cellstr(r.cname);
cols = cellstr(r.col); refs = cellstr(r.ref);
keys = strcat(dbs, '.', tbls, '.', cn);
[~, firstIdx] = unique(keys, 'first');
firstIdx = sort(firstIdx);
for i = 1:numel(firstIdx)
    sel = strcmp(keys, keys{firstIdx(i)});
    out{end+1} = struct('db', dbs{firstIdx(i)}, 'table', tbls{firstIdx(i)}, ...
        'attrMap', {[refs(sel), cols(sel)]}, 'name', cn{firstIdx(i)}); %#ok<AGROW>
end
end


function msg = connectFailure(host, user, mymMessage)
% Why opening the connection failed and what to check, worded as Python's
% Connection.connect: a refused login says so, anything else names host:port
% and the settings to check. Raised as MySQL:Error, the identifier mym gives
% every failure and 3.x code catches around dj.conn.
where = host;
if isempty(regexp(host, ':\d+$', 'once'))
    where = [host ':3306'];
end
m = regexprep(mymMessage, '^(mym:\s*)+', '');
m = regexprep(m, '^cannot connect to .*? as ''[^'']*'': ', '');
errno = regexp(m, '\(error (\d+)\)$', 'tokens', 'once');
m = regexprep(m, '\s*\(error \d+\)$', '');
if isempty(errno)
    errno = {'0'};
end
switch errno{1}
    case '1045'
        msg = sprintf(['Access denied for user ''%s'' at %s: wrong password or no such user (server error 1045). ' ...
            'Check the user and password (dj.conn(host, user, password), DJ_USER/DJ_PASS or dj_local_conf.json)'], ...
            user, where);
    case {'1044', '1130'}
        msg = sprintf('User ''%s'' may not connect to %s: %s (server error %s)', user, where, m, errno{1});
    otherwise
        msg = sprintf(['Cannot connect to the database server at %s as ''%s'': %s. Check the host and port ' ...
            '(dj.conn(host, user, password), DJ_HOST/DJ_PORT or dj_local_conf.json), that the server is ' ...
            'running, or start a private one with `dji server start`.'], where, user, m);
end
end


function msg = serverText(mymMessage)
% The server's own words from a mym error: without mym's prefix and its copy of
% the statement (the caller shows the statement once, with its placeholders),
% the error number written as in Python ("(server error N)").
msg = regexprep(mymMessage, '^(mym:\s*)+', '');
% mym's copy of the statement (which may span lines), but not mym's timeout hint after it
msg = regexprep(msg, '\s+in query: .*?(?=\nThe connection was lost|$)', '');
msg = regexprep(msg, '\((MariaDB|MySQL) error (\d+)(, SQLSTATE \w+)?\)', '(server error $2)');
end


function translateError(err, sql)
% server errors -> DataJoint error ids, by the server's error number (mym puts
% "MariaDB error N" in its message), else by the message text
msg = err.message;
errno = 0;
tok = regexp(msg, 'error (\d+)[,)]', 'tokens', 'once');
if ~isempty(tok)
    errno = str2double(tok{1});
end
byNumber = {
    [1062 1586], 'DataJoint:duplicate'
    [1451 1452 1216 1217], 'DataJoint:integrity'
    1054, 'DataJoint:unknownAttribute'
    [1146 1049], 'DataJoint:missingTable'
    1064, 'DataJoint:querySyntax'
    [1044 1045 1142 1143 1227 1370], 'DataJoint:accessDenied'
    [2006 2013 2055 1927], 'DataJoint:lostConnection'
    };
byText = {
    'Duplicate entry', 'DataJoint:duplicate'
    'foreign key constraint fails', 'DataJoint:integrity'
    'Unknown column', 'DataJoint:unknownAttribute'
    'doesn''t exist', 'DataJoint:missingTable'
    'Unknown database', 'DataJoint:missingTable'
    'error in your SQL syntax', 'DataJoint:querySyntax'
    'command denied', 'DataJoint:accessDenied'
    'Access denied', 'DataJoint:accessDenied'
    'gone away', 'DataJoint:lostConnection'
    'Lost connection', 'DataJoint:lostConnection'
    'connection killed', 'DataJoint:lostConnection'
    'did not answer within read_timeout', 'DataJoint:lostConnection'
    };
id = 'DataJoint:query';
for i = 1:size(byNumber, 1)
    if any(byNumber{i, 1} == errno)
        id = byNumber{i, 2};
        break
    end
end
if strcmp(id, 'DataJoint:query')
    for i = 1:size(byText, 1)
        if ~isempty(strfind(msg, byText{i, 1}))
            id = byText{i, 2};
            break
        end
    end
end
if strncmp(err.identifier, 'mym:placeholder', 15) || strncmp(err.identifier, 'mym:args', 8)
    id = 'DataJoint:query';
end
if strcmp(err.identifier, 'mym:blobLimit')
    id = 'DataJoint:blobLimit';   % the message names the setting to raise
end
s = sql;
if numel(s) > 300
    s = [s(1:300) '...'];
end
if strcmp(id, 'DataJoint:accessDenied')
    msg = dj.internal.accessMessage(msg, sql);
else
    msg = serverText(msg);
end
error(id, '%s\n  in query: %s', msg, s);
end
