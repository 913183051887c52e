classdef WorkerTables < handle
    % ~jobs_priority and ~jobs_runs of one database, as dj.worker uses them (docs/jobs.md 8.2,
    % 8.3): the same tables, rows and rules as dji worker (compute/priority.py, compute/runs.py),
    % so Python and MATLAB workers on one queue order keys, retry errors and estimate make times
    % alike. 0.14 and parpopulate never read them.

    properties (SetAccess = private)
        conn
        db = ''
        runsTable = ''          % `db`.`~jobs_runs`
        priorityTable = ''      % `db`.`~jobs_priority`
        jobsTable = ''          % `db`.`~jobs`
        codeVersion = ''
        hostName = ''
        pid = 0
    end

    methods
        function self = WorkerTables(conn, db, codeVersion)
            self.conn = conn;
            self.db = db;
            self.codeVersion = codeVersion(1:min(end, 255));
            self.runsTable = [dj.internal.quoteId(db) '.' dj.internal.quoteId('~jobs_runs')];
            self.priorityTable = [dj.internal.quoteId(db) '.' dj.internal.quoteId('~jobs_priority')];
            self.jobsTable = [dj.internal.quoteId(db) '.' dj.internal.quoteId('~jobs')];
            self.hostName = dj.internal.hostName();
            self.pid = dj.internal.processId();
            % Python's definition, character for character where it matters (columns, keys)
            conn.query(sprintf([ ...
                'CREATE TABLE IF NOT EXISTS %s (\n' ...
                '`run_id` bigint unsigned NOT NULL AUTO_INCREMENT,\n' ...
                '`table_name` varchar(255) NOT NULL COMMENT "className of the table, as in ~jobs",\n' ...
                '`key_hash` char(32) NOT NULL COMMENT "key hash, as in ~jobs",\n' ...
                '`status` enum(''success'',''error'') NOT NULL,\n' ...
                '`duration` double NOT NULL COMMENT "seconds in make(), transaction included",\n' ...
                '`code_version` varchar(255) NOT NULL DEFAULT "" COMMENT "the worker''s --code-version tag",\n' ...
                '`error_message` varchar(2047) NOT NULL DEFAULT "",\n' ...
                '`host` varchar(255) NOT NULL DEFAULT "",\n' ...
                '`pid` int unsigned NOT NULL DEFAULT 0,\n' ...
                '`finished` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n' ...
                'PRIMARY KEY (`run_id`),\n' ...
                'KEY `by_table` (`table_name`,`finished`),\n' ...
                'KEY `by_key` (`table_name`,`key_hash`)\n' ...
                ') ENGINE=InnoDB, COMMENT %s'], self.runsTable, ...
                dj.internal.quoteString(sprintf('make durations and outcomes of dji workers for `%s`', db))));
        end

        function record(self, tableName, hash, ok, seconds, message)
            % one finished make: its duration, outcome and this worker's code version
            ph = dj.internal.placeholder('string');
            status = 'error';
            if ok
                status = 'success';
                message = '';
            end
            message = message(1:min(end, 2047));
            self.conn.query(sprintf(['INSERT INTO %s (`table_name`,`key_hash`,`status`,`duration`,' ...
                '`code_version`,`error_message`,`host`,`pid`) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)'], ...
                self.runsTable, ph, ph, ph, ph, ph, ph, ph, ph), tableName, hash, status, ...
                sprintf('%.17g', seconds), self.codeVersion, message, self.hostName(1:min(end, 255)), ...
                sprintf('%d', self.pid));
        end

        function s = expected(self, tableName, count)
            % the slowest of the table's last count successful makes (0 without any), in seconds
            ph = dj.internal.placeholder('string');
            r = self.conn.query(sprintf(['SELECT MAX(d) AS d FROM (SELECT `duration` AS d FROM %s ' ...
                'WHERE `table_name`=%s AND `status`=''success'' ORDER BY `finished` DESC LIMIT %d) AS recent'], ...
                self.runsTable, ph, round(count)), tableName);
            s = double(r.d(1));
            if isnan(s)
                s = 0;
            end
        end

        function n = retryErrors(self, tableName, patterns, maxRetries)
            % delete error jobs whose message holds a retryable text and whose key failed at
            % most maxRetries times, so that workers take them again; returns how many
            ph = dj.internal.placeholder('string');
            n = 0;
            if isempty(patterns) || maxRetries <= 0 || ~self.conn.tableExists(self.db, '~jobs')
                return
            end
            likes = repmat({['`error_message` LIKE ' ph]}, 1, numel(patterns));
            args = cellfun(@(p) ['%' likeEscape(p) '%'], patterns, 'UniformOutput', false);
            n = double(self.conn.query(sprintf(['DELETE FROM %s WHERE `table_name`=%s AND `status`=''error'' ' ...
                'AND (%s) AND (SELECT COUNT(*) FROM %s AS r WHERE r.`table_name`=%s.`table_name` ' ...
                'AND r.`key_hash`=%s.`key_hash` AND r.`status`=''error'') <= %d'], self.jobsTable, ph, ...
                strjoin(likes, ' OR '), self.runsTable, self.jobsTable, self.jobsTable, round(maxRetries)), ...
                tableName, args{:}));
        end

        function [order, held] = priorityOrder(self, tableName, hashes)
            % indices into hashes: keys due now, higher priority first (no row: 0), ties in the
            % given order; held counts keys whose start time has not come
            ph = dj.internal.placeholder('string');
            order = 1:numel(hashes);
            held = 0;
            if isempty(hashes) || ~self.conn.tableExists(self.db, '~jobs_priority')
                return
            end
            r = self.conn.query(sprintf(['SELECT `key_hash` AS h, `priority` AS p, ' ...
                '(`not_before` IS NOT NULL AND `not_before` > NOW()) AS later FROM %s WHERE `table_name`=%s'], ...
                self.priorityTable, ph), tableName);
            if isempty(r.h)
                return
            end
            [found, where] = ismember(hashes, cellstr(r.h));
            priority = zeros(1, numel(hashes));
            later = false(1, numel(hashes));
            priority(found) = double(r.p(where(found)));
            later(found) = double(r.later(where(found))) ~= 0;
            held = sum(later);
            keep = find(~later);
            [~, rank] = sortrows([-priority(keep)' (1:numel(keep))']);
            order = keep(rank);
        end
    end
end


function s = likeEscape(text)
s = strrep(strrep(strrep(text, '\', '\\'), '%', '\%'), '_', '\_');
end
