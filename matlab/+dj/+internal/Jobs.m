classdef Jobs < handle
    % The ~jobs queue of docs/jobs.md for one target table: the same rows,
    % table_name values and key hashes as the Python workers, so that Octave,
    % MATLAB and Python workers share one queue.

    properties (SetAccess = private)
        conn
        db = ''
        tableName = ''         % T: SQL table name of the target
        jobsTable = ''         % `db`.`~jobs`
        target = ''            % `db`.`table`
        dbUser = ''
        hostName = ''
        pid = 0
        connectionId = 0
        messageWidth = 2047
        keyAttrs               % heading attributes of the job key (how the key blob is written)
    end

    methods
        function self = Jobs(conn, db, tableName, keyAttrs)
            self.conn = conn;
            self.keyAttrs = keyAttrs;
            self.db = db;
            self.tableName = tableName;
            self.jobsTable = [dj.internal.quoteId(db) '.' dj.internal.quoteId('~jobs')];
            self.target = [dj.internal.quoteId(db) '.' dj.internal.quoteId(tableName)];
            self.ensureTable();
            self.refreshConnection();
            self.hostName = dj.internal.hostName();
            self.pid = dj.internal.processId();
            w = conn.query(sprintf(['SELECT character_maximum_length AS w FROM information_schema.columns ' ...
                'WHERE table_schema=%s AND table_name=''~jobs'' AND column_name=''error_message'''], ph()), db);
            if ~isempty(w.w)
                self.messageWidth = double(w.w(1));
            end
        end

        function refreshConnection(self)
            % user and connection id, read again after any reconnect
            r = self.conn.query('SELECT USER() AS u, CONNECTION_ID() AS id');
            self.dbUser = r.u{1};
            self.connectionId = double(r.id(1));
        end

        function release(self, hash, connectionId)
            % drop a reservation of the given connection only (guarded delete, 4.6)
            self.conn.query(sprintf(['DELETE FROM %s WHERE `table_name`=%s AND `key_hash`=%s ' ...
                'AND `status`=''reserved'' AND `connection_id`=%s'], self.jobsTable, ph(), ph(), ph()), ...
                self.tableName, hash, sprintf('%d', connectionId));
        end

        function ensureTable(self)
            % created once, by an account that may create tables; writers then use it
            if self.conn.tableExists(self.db, '~jobs')
                return
            end
            try
                self.createTable();
            catch err
                if strcmp(err.identifier, 'DataJoint:accessDenied')
                    error('DataJoint:accessDenied', ['parpopulate needs the job table %s, which does not exist, and ' ...
                        'user %s may not create it: run parpopulate once as an account with the CREATE privilege ' ...
                        '(admin role). %s'], self.jobsTable, self.conn.user, err.message);
                end
                rethrow(err);
            end
        end

        function createTable(self)
            self.conn.query(sprintf([ ...
                'CREATE TABLE IF NOT EXISTS %s (\n' ...
                '`table_name` varchar(255) NOT NULL COMMENT "className of the table",\n' ...
                '`key_hash` char(32) NOT NULL COMMENT "key hash",\n' ...
                '`status` enum(''reserved'',''error'',''ignore'') NOT NULL COMMENT "if tuple is missing, the job is available",\n' ...
                '`key` blob DEFAULT NULL COMMENT "structure containing the key",\n' ...
                '`error_message` varchar(2047) NOT NULL DEFAULT "" COMMENT "error message returned if failed",\n' ...
                '`error_stack` mediumblob DEFAULT NULL COMMENT "error stack if failed",\n' ...
                '`user` varchar(255) NOT NULL DEFAULT "" COMMENT "database user",\n' ...
                '`host` varchar(255) NOT NULL DEFAULT "" COMMENT "system hostname",\n' ...
                '`pid` int unsigned NOT NULL DEFAULT "0" COMMENT "system process id",\n' ...
                '`connection_id` bigint unsigned NOT NULL DEFAULT "0" COMMENT "connection_id()",\n' ...
                '`timestamp` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT "automatic timestamp",\n' ...
                'PRIMARY KEY (`table_name`,`key_hash`)\n' ...
                ') ENGINE=InnoDB, COMMENT %s'], self.jobsTable, ...
                dj.internal.quoteString(['job reservation table for `' self.db '`'])));
        end

        function hashes = takenHashes(self)
            % every key_hash with a row for this table (reserved, error or ignore)
            r = self.conn.query(sprintf('SELECT `key_hash` AS h FROM %s WHERE `table_name`=%s', self.jobsTable, ph()), self.tableName);
            hashes = {};
            if ~isempty(r.h)
                hashes = cellstr(r.h)';
            end
        end

        function ok = reserve(self, hash, key, targetAttrs)
            % atomic reservation that also refuses keys already in the target
            names = fieldnames(key);
            conds = {};
            args = {};
            for i = 1:numel(names)
                a = targetAttrs(strcmp({targetAttrs.name}, names{i}));
                if isempty(a)
                    continue
                end
                [t, v] = dj.internal.valueSql(key.(names{i}), a, 'populate');
                conds{end+1} = [dj.internal.quoteId(a.name) '=' t]; %#ok<AGROW>
                args = [args v]; %#ok<AGROW>
            end
            sql = sprintf(['INSERT INTO %s (`table_name`,`key_hash`,`status`,`key`,`user`,`host`,`pid`,`connection_id`) ' ...
                'SELECT %s,%s,''reserved'',%s,%s,%s,%s,%s FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM %s WHERE %s)'], ...
                self.jobsTable, ph(), ph(), dj.internal.placeholder('rawbytes'), ph(), ph(), ph(), ph(), ...
                self.target, strjoin(conds, ' AND '));
            try
                n = self.conn.query(sql, self.tableName, hash, dj.internal.packKey(key, self.keyAttrs), ...
                    self.dbUser, self.hostName, ...
                    sprintf('%d', self.pid), sprintf('%d', self.connectionId), args{:});
                ok = double(n) > 0;
            catch err
                if strcmp(err.identifier, 'DataJoint:duplicate')
                    ok = false;
                else
                    rethrow(err);
                end
            end
        end

        function complete(self, hash)
            self.conn.query(sprintf('DELETE FROM %s WHERE `table_name`=%s AND `key_hash`=%s', ...
                self.jobsTable, ph(), ph()), self.tableName, hash);
        end

        function recordError(self, hash, key, err)
            text = dj.internal.errorText(err);
            if numel(text) > self.messageWidth
                text = [text(1:self.messageWidth - 12) '...truncated'];
            end
            lines = {};
            try
                st = err.stack;
            catch
                st = [];
            end
            if ~isempty(st)
                for i = 1:numel(st)
                    lines{end+1} = sprintf('%s:%d %s', st(i).file, st(i).line, st(i).name); %#ok<AGROW>
                end
            end
            stack = strjoin(lines, sprintf('\n'));
            self.conn.query(sprintf(['REPLACE INTO %s (`table_name`,`key_hash`,`status`,`key`,`error_message`,' ...
                '`error_stack`,`user`,`host`,`pid`,`connection_id`) VALUES (%s,%s,''error'',%s,%s,%s,%s,%s,%s,%s)'], ...
                self.jobsTable, ph(), ph(), dj.internal.placeholder('rawbytes'), ph(), dj.internal.placeholder('blob'), ...
                ph(), ph(), ph(), ph()), self.tableName, hash, dj.internal.packKey(key, self.keyAttrs), text, stack, ...
                self.dbUser, self.hostName, ...
                sprintf('%d', self.pid), sprintf('%d', self.connectionId));
        end

        function n = reclaimStale(self, timeout)
            % delete reservations whose connection is provably gone, or older
            % than timeout seconds when a timeout is given (docs/jobs.md 4.6)
            if nargin < 2
                timeout = [];
            end
            n = 0;
            r = self.conn.query(sprintf(['SELECT `key_hash` AS h, `connection_id` AS cid, `user` AS u, ' ...
                'TIMESTAMPDIFF(SECOND, `timestamp`, NOW()) AS age FROM %s ' ...
                'WHERE `table_name`=%s AND `status`=''reserved'''], self.jobsTable, ph()), self.tableName);
            if isempty(r.h)
                return
            end
            up = self.conn.query('SHOW GLOBAL STATUS LIKE ''Uptime''');
            uptime = str2double(cellValue(up.Value));
            live = self.conn.query('SELECT `ID` AS id FROM information_schema.PROCESSLIST');
            liveIds = double(live.id);
            p = self.conn.query(['SELECT COUNT(*) AS n FROM information_schema.USER_PRIVILEGES ' ...
                'WHERE PRIVILEGE_TYPE=''PROCESS'' AND GRANTEE=CONCAT('''''''', ' ...
                'SUBSTRING_INDEX(CURRENT_USER(),''@'',1), ''''''@'''''', SUBSTRING_INDEX(CURRENT_USER(),''@'',-1), '''''''')']);
            allVisible = double(p.n(1)) > 0;
            me = strtok(self.dbUser, '@');
            hs = cellstr(r.h);
            us = cellstr(r.u);
            cids = double(r.cid);
            ages = double(r.age);
            beforeRestart = 0;
            for i = 1:numel(hs)
                stale = ~isempty(timeout) && ages(i) > timeout;
                if ~stale && ages(i) > uptime + 1
                    % reserved before the server last started: its connection is gone even
                    % if a new connection now has the same id (whole seconds on both sides)
                    stale = true;
                    beforeRestart = beforeRestart + 1;
                end
                if ~stale && cids(i) ~= 0 && ~any(liveIds == cids(i))
                    % dead only if we could have seen that connection
                    stale = allVisible || strcmp(strtok(us{i}, '@'), me);
                end
                if ~stale
                    continue
                end
                k = self.conn.query(sprintf(['DELETE FROM %s WHERE `table_name`=%s AND `key_hash`=%s ' ...
                    'AND `status`=''reserved'' AND `connection_id`=%s'], self.jobsTable, ph(), ph(), ph()), ...
                    self.tableName, hs{i}, sprintf('%d', cids(i)));
                n = n + double(k);
            end
            if beforeRestart > 0
                warning('DataJoint:jobs:reservedBeforeRestart', ['Reclaimed reservation(s) of %s made ' ...
                    'before the database server last restarted (%d s ago); their connection ids may ' ...
                    'since belong to other connections'], self.tableName, round(uptime));
            end
        end
    end
end


function p = ph()
p = dj.internal.placeholder('string');
end


function v = cellValue(v)
% a one-row text column as mym returns it (cell of char, or char)
if iscell(v)
    v = v{1};
end
if ~ischar(v)
    v = char(v(:)');
end
end
