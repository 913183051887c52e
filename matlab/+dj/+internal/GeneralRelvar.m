classdef GeneralRelvar < handle
    % A query expression. Operators never modify their operands: each returns a
    % new object, so handle semantics are safe without copying support (absent
    % in Octave). Tables are GeneralRelvars whose operator is 'table'.

    properties (SetAccess = protected)
        op = ''               % 'table', 'proj', 'join', 'aggr', 'union'
        operands = {}
        projArgs = {}
        restrictions = {}     % each: struct('negate', tf, 'cond', condition)
    end

    methods
        function self = GeneralRelvar(op, operands, projArgs, restrictions)
            if nargin >= 1
                self.op = op;
                self.operands = operands;
                if nargin >= 3
                    self.projArgs = projArgs;
                end
                if nargin >= 4
                    self.restrictions = restrictions;
                end
            end
        end

        function c = conn(self)
            c = self.operands{1}.conn();
        end

        % ---------------- operators ----------------

        function r = and(self, cond)
            % rel & cond: string, struct (array = OR), cell (= AND), or relation
            r = self.withRestriction(struct('negate', false, 'cond', {{cond}}));
        end

        function r = minus(self, cond)
            r = self.withRestriction(struct('negate', true, 'cond', {{cond}}));
        end

        function r = restrict(self, varargin)
            r = self;
            for i = 1:numel(varargin)
                r = r & varargin{i};
            end
        end

        function r = not(self)
            % ~B, for use as a restriction: A & ~B is A - B
            r = dj.internal.Negation(self);
        end

        function r = or(self, other)
            % B | C, for use as a restriction: rows matching either
            r = dj.internal.OrList({self, other});
        end

        function r = mtimes(self, other)
            if isa(other, 'dj.U')
                r = mtimes(other, self);   % rel * dj.U(...) is dj.U(...) * rel
                return
            end
            checkRelvar(other, '*');
            r = dj.internal.GeneralRelvar('join', {self, other});
        end

        function r = plus(self, other)
            checkRelvar(other, '+');
            r = dj.internal.GeneralRelvar('union', {self, other});
        end

        function r = proj(self, varargin)
            % proj(rel, 'attr', 'old->new', 'expr->name', '*'); the primary key is always kept.
            % proj(rel, other, ...) is aggr(rel, other, ...), as in DataJoint for MATLAB 3.x
            if ~isempty(varargin) && isa(varargin{1}, 'dj.internal.GeneralRelvar')
                r = aggr(self, varargin{:});
                return
            end
            for i = 1:numel(varargin)
                if ~ischar(varargin{i})
                    error('DataJoint:proj:badArgument', 'proj arguments must be strings like ''attr'', ''old->new'' or ''expr->name''');
                end
                dj.internal.checkSqlFragment(varargin{i}, 'The projection');
            end
            r = dj.internal.GeneralRelvar('proj', {self}, varargin);
        end

        function r = pro(self, varargin)
            r = proj(self, varargin{:});
        end

        function r = aggr(self, other, varargin)
            % aggr(A, B, 'count(*)->n', ...): one row per row of A, B grouped into
            % it. The result has A's primary key, the computed attributes and the
            % attributes of A named in the arguments ('*': all of A's).
            checkRelvar(other, 'aggr');
            if isempty(varargin)
                error('DataJoint:aggr:badArgument', 'aggr needs at least one ''expr->name'' argument');
            end
            for i = 1:numel(varargin)
                dj.internal.checkSqlFragment(varargin{i}, 'The aggregate');
            end
            r = dj.internal.GeneralRelvar('aggr', {self, other}, varargin);
        end

        % ---------------- fetching ----------------

        function n = count(self)
            q = self.compile();
            sql = sprintf('SELECT count(*) AS n FROM (%s) AS `$cnt`', dj.internal.selectSql(q, {}));
            res = self.conn().query(sql, q.args{:});
            n = double(res.n(1));
        end

        function tf = exists(self)
            q = self.compile();
            sql = sprintf('SELECT EXISTS(%s) AS e', dj.internal.selectSql(q, {}));
            res = self.conn().query(sql, q.args{:});
            tf = logical(res.e(1));
        end

        function varargout = fetch(self, varargin)
            % s = fetch(rel, 'attr', ..., '*', 'ORDER BY ...', 'LIMIT n') -> struct array;
            % s = fetch(rel, other, 'count(*)->n', ...) fetches aggr(rel, other, ...);
            % t = fetch(rel, ..., 'table') -> the same rows as columns: a MATLAB table where the
            % table class exists (MATLAB), else a scalar struct of n x 1 columns (Octave)
            [asTable, varargin] = tableOption(self, varargin);
            [self, varargin] = aggrFetchArgs(self, varargin);
            [names, suffix, folder] = parseFetchArgs(self, varargin, true);
            if asTable
                if isempty(folder)
                    folder = pwd;
                end
                cols = dj.internal.fetchRows(self.conn(), self.compile(), names, suffix, folder, true);
                s = dj.internal.columnsToTable(cols, names);
            else
                s = self.fetchStruct(names, suffix, false, folder);
            end
            varargout{1} = s;
            if nargout > 1
                for i = 2:nargout
                    varargout{i} = [];
                end
            end
        end

        function varargout = fetchn(self, varargin)
            % [a, b] = fetchn(rel, 'a', 'b', ...) -> one column per attribute
            [self, varargin] = aggrFetchArgs(self, varargin);
            [names, s] = fetchColumns(self, varargin, nargout, 'fetchn');
            h = self.attrs();
            for i = 1:max(1, nargout)
                a = h(strcmp({h.name}, names{i}));
                vals = {s.(names{i})};
                if isempty(vals)
                    % no rows: [] or {} as in DataJoint for MATLAB 3.x, not 0x1
                    if a.isNumeric && ~a.isBlob
                        varargout{i} = []; %#ok<AGROW>
                    else
                        varargout{i} = {}; %#ok<AGROW>
                    end
                    continue
                end
                % computed attributes have no declared type: text results stay text
                if a.isNumeric && ~a.isBlob && all(cellfun(@(x) (isnumeric(x) || islogical(x)) && isscalar(x), vals))
                    % concatenated as 3.x does ([s.a]'): BIGINT stays int64/uint64, exact
                    v = [vals{:}];
                    varargout{i} = v(:); %#ok<AGROW>
                else
                    varargout{i} = vals(:); %#ok<AGROW>
                end
            end
        end

        function view(self)
            % 3.x's view: the rows in a window (a uitable). Needs a GUI: without one (octave-cli,
            % matlab -nodisplay) it raises DataJoint:view:noGUI; use disp(rel) or fetch there.
            if ~dj.internal.hasGui() || exist('uitable') == 0 %#ok<EXIST>
                error('DataJoint:view:noGUI', ['view(rel) opens a window, and this session has no ' ...
                    'GUI; use disp(rel) or fetch(rel, ''*'')']);
            end
            rows = self.fetch('*');
            names = fieldnames(rows)';
            data = cell(numel(rows), numel(names));
            for i = 1:numel(rows)
                for j = 1:numel(names)
                    data{i, j} = cellText(rows(i).(names{j}));
                end
            end
            f = figure('Name', self.sql(), 'NumberTitle', 'off', 'MenuBar', 'none');
            uitable(f, 'Units', 'normalized', 'Position', [0 0 1 1], 'ColumnName', names, 'Data', data);
        end

        function clip(self)
            % 3.x's clip: MATLAB code that re-creates the rows (dj.struct.makeCode), printed and
            % copied to the clipboard. Without a clipboard (no GUI) the code is printed and the
            % warning DataJoint:clip:noClipboard says it was not copied.
            str = dj.struct.makeCode(self.fetch('*'));
            disp(str);
            copied = false;
            if dj.internal.hasGui() && exist('clipboard') ~= 0 %#ok<EXIST>
                try
                    clipboard('copy', str);
                    copied = true;
                catch
                end
            end
            if copied
                fprintf('\n *** in clipboard *** \n\n');
            else
                warning('DataJoint:clip:noClipboard', 'No clipboard in this session: the code above was not copied');
            end
        end

        function export(self, outfilePrefix, mbytesPerFile)
            % 3.x's export(rel, prefix, mbytes): all rows, every attribute, saved as the struct
            % array 'tuples' in MAT files <prefix>-0000.mat, -0001.mat, ... of about mbytes each
            % (default './temp' and 250), in primary-key order, read inside one transaction so
            % the chunks are one consistent snapshot. Files are MAT v7 (read by MATLAB and Octave).
            if nargin < 2 || isempty(outfilePrefix)
                outfilePrefix = './temp';
            end
            if nargin < 3 || isempty(mbytesPerFile)
                mbytesPerFile = 250;
            end
            if ~ischar(outfilePrefix) || ~(isnumeric(mbytesPerFile) && isscalar(mbytesPerFile) && mbytesPerFile > 0)
                error('DataJoint:export:badArgument', 'export(rel, outfilePrefix, mbytesPerFile) needs a text and a number > 0');
            end
            c = self.conn();
            if c.inTransaction
                error('DataJoint:export:badArgument', 'export runs in its own transaction: commit or cancel the open one first');
            end
            order = sprintf(' ORDER BY %s', strjoin(cellfun(@dj.internal.quoteId, self.primaryKey(), 'UniformOutput', false), ','));
            c.startTransaction();
            finish = onCleanup(@() c.cancelTransaction());
            total = self.count();
            saved = 0;
            megabytes = 0;
            chunk = 3;
            file = 0;
            while saved < total
                tuples = self.fetch('*', [order(2:end)], sprintf('LIMIT %d OFFSET %d', chunk, saved)); %#ok<NASGU>
                info = whos('tuples');
                name = sprintf('%s-%04d.mat', outfilePrefix, file);
                save(name, 'tuples', '-v7');
                megabytes = megabytes + info.bytes / 2^20;
                saved = saved + info.size(1);
                chunk = max(1, min(5 * chunk, ceil(mbytesPerFile / max(megabytes, eps) * saved)));
                fprintf('file %s.  Tuples: [%4u/%d]  Total MB: %6.1f\n', name, saved, total, megabytes);
                file = file + 1;
                if info.size(1) == 0
                    break
                end
            end
        end

        function varargout = fetch1(self, varargin)
            % [a, b] = fetch1(rel, 'a', 'b'): exactly one row
            [self, varargin] = aggrFetchArgs(self, varargin);
            [names, s] = fetchColumns(self, varargin, nargout, 'fetch1');
            if numel(s) ~= 1
                error('DataJoint:fetch1:notOneRow', 'fetch1 expects exactly one row, the query returned %d', numel(s));
            end
            for i = 1:max(1, nargout)
                varargout{i} = s.(names{i}); %#ok<AGROW>
            end
        end

        function h = header(self)
            % the heading as DataJoint for MATLAB 3.x's Header object (rel.header)
            h = dj.internal.Header.fromHeading(self.attrs(), self.headerInfo());
        end

        function names = primaryKey(self)
            h = self.attrs();
            names = {h([h.inKey]).name};
        end

        function names = nonKeyFields(self)
            h = self.attrs();
            names = {h(~[h.inKey]).name};
        end

        function [sql, args] = sql(self)
            q = self.compile();
            sql = dj.internal.selectSql(q, {});
            args = q.args;
        end

        function disp(self)
            % a preview as DataJoint for MATLAB 3.x shows it: the first
            % dj.config('displayLimit') rows (blobs as =BLOB=, primary key in
            % capitals), '...' when there are more, and the number of rows
            dj.internal.preview(self);
        end

        function display(self)
            % showing a query at the prompt (no semicolon) shows the preview
            name = inputname(1);
            if ~isempty(name)
                fprintf('%s = \n', name);
            end
            disp(self);
        end
    end

    methods (Hidden)
        function h = attrs(self)
            % the toolbox's own attribute structs of the query's heading
            q = self.compile();
            h = q.header;
        end

        function info = headerInfo(self) %#ok<MANU>
            % table information for rel.header: none for a derived query
            info = [];
        end

        function r = withRestriction(self, restriction)
            % the same query with one more restriction
            r = dj.internal.GeneralRelvar(self.op, self.operands, self.projArgs, ...
                [self.restrictions {restriction}]);
        end

        function q = compileBase(self)
            % the query before this object's own restrictions
            operands = cell(1, numel(self.operands));
            for i = 1:numel(self.operands)
                operands{i} = self.operands{i}.compile();
            end
            q = dj.internal.compileQuery(self.op, operands, self.projArgs);
        end

        function q = compile(self)
            % the compiled query (see dj.internal.compileQuery), restrictions applied
            q = dj.internal.compileQuery('restrict', {self.compileBase()}, self.restrictions);
        end

        function [sql, args] = sqlFor(self, names)
            % SELECT of the named attributes, for use as a subquery
            q = self.compile();
            sql = dj.internal.selectSql(q, names, false);
            args = q.args;
        end

        function s = fetchStruct(self, names, suffix, keepAll, folder)
            % folder: where fetched attachments are saved (default: the current folder)
            if nargin < 4
                keepAll = false;
            end
            if nargin < 5 || isempty(folder)
                folder = pwd;
            end
            s = dj.internal.fetchRows(self.conn(), self.compile(), names, suffix, folder);
            if ~keepAll
                s = s(:);
            end
        end
    end
end


% ---------------- local functions ----------------

function checkRelvar(x, op)
if ~isa(x, 'dj.internal.GeneralRelvar')
    error('DataJoint:query:badOperand', 'The operand of %s must be a relation, got %s', op, class(x));
end
end


function [asTable, args] = tableOption(rel, args)
% the option 'table' of fetch (anywhere among the arguments, unless the query has an attribute
% of that name), and the arguments without it
isFlag = cellfun(@(a) ischar(a) && strcmp(strtrim(a), 'table'), args);
h = rel.attrs();
if any(strcmp({h.name}, 'table'))
    isFlag(:) = false;
end
asTable = any(isFlag);
args = args(~isFlag);
end


function [rel, args] = aggrFetchArgs(rel, args)
% fetch*(A, B, specs..., clauses...) is 3.x's spelling of fetch*(aggr(A, B, specs...),
% names..., clauses...): the query to fetch from and the arguments to fetch it with.
% Other arguments are returned unchanged. ('*' among the specs keeps all of A's
% attributes in the aggregation; the names the specs produce are the attributes asked for.)
if isempty(args) || ~isa(args{1}, 'dj.internal.GeneralRelvar')
    return
end
isClause = cellfun(@(a) ischar(a) && ~isempty(regexp(strtrim(a), '^(ORDER\s+BY|LIMIT)\s', 'once', 'ignorecase')), ...
    args(2:end));
specs = args([false ~isClause]);
clauses = args([false isClause]);
rel = aggr(rel, args{1}, specs{:});
names = {};
star = {};
for i = 1:numel(specs)
    if ischar(specs{i}) && strcmp(strtrim(specs{i}), '*')
        star = {'*'};
    elseif ischar(specs{i})
        names{end+1} = strtrim(regexprep(specs{i}, '^.*->', '')); %#ok<AGROW>
    end
end
args = [names star clauses];
end


function [names, s] = fetchColumns(rel, args, nout, caller)
% the rows fetchn and fetch1 read: one named attribute per output (nout), every row kept
[names, suffix, folder] = parseFetchArgs(rel, args, false);
if numel(names) < max(1, nout)
    error('DataJoint:fetch:badArgument', '%s needs one attribute name per output', caller);
end
s = rel.fetchStruct(names, suffix, true, folder);
end


function [names, suffix, folder] = parseFetchArgs(rel, args, allowStar)
% attribute names, ORDER BY/LIMIT clauses, and the folder attachments are saved
% in: 'download_path', folder (the name of Python's fetch argument; default pwd)
h = rel.attrs();
all = {h.name};
names = {};
order = '';
limit = '';
star = false;
folder = '';
i = 0;
while i < numel(args)
    i = i + 1;
    a = args{i};
    if ~ischar(a)
        error('DataJoint:fetch:badArgument', 'fetch arguments must be attribute names or SQL clauses');
    end
    t = strtrim(a);
    if strcmp(t, '*')
        star = true;
    elseif strcmp(t, 'download_path') && ~any(strcmp(t, all))
        if i == numel(args) || ~ischar(args{i + 1}) || isempty(args{i + 1})
            error('DataJoint:fetch:badArgument', '''download_path'' must be followed by a folder name');
        end
        folder = args{i + 1};
        i = i + 1;
    elseif ~isempty(regexp(t, '^(ORDER\s+BY|LIMIT)\s', 'once', 'ignorecase'))
        if ~isempty(regexp(t, '[;]', 'once'))
            error('DataJoint:fetch:badArgument', 'Invalid clause "%s"', t);
        end
        if strncmpi(t, 'ORDER', 5)
            order = [order ' ' t]; %#ok<AGROW>
        else
            limit = [limit ' ' t]; %#ok<AGROW>
        end
    elseif any(strcmp(t, all))
        names{end+1} = t; %#ok<AGROW>
    else
        error('DataJoint:missingAttributes', 'Unknown attribute "%s": the query has %s', t, strjoin(all, ', '));
    end
end
suffix = [order limit];
if allowStar
    if star
        names = all;
    else
        names = unique([{h([h.inKey]).name} names], 'stable');
    end
elseif star
    names = unique([names all], 'stable');
end
end


function s = cellText(v)
% one value as a uitable cell: numbers and text as they are, anything else described
if ischar(v) && size(v, 1) <= 1
    s = v;
elseif (isnumeric(v) || islogical(v)) && isscalar(v)
    s = double(v);
else
    s = sprintf('<%s %s>', strjoin(arrayfun(@num2str, size(v), 'UniformOutput', false), 'x'), class(v));
end
end
