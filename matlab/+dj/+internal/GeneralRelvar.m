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
            sql = sprintf('SELECT count(*) AS n FROM (%s) AS `$cnt`', selectSql(q, {}));
            res = self.conn().query(sql, q.args{:});
            n = double(res.n(1));
        end

        function tf = exists(self)
            q = self.compile();
            sql = sprintf('SELECT EXISTS(%s) AS e', selectSql(q, {}));
            res = self.conn().query(sql, q.args{:});
            tf = logical(res.e(1));
        end

        function varargout = fetch(self, varargin)
            % s = fetch(rel, 'attr', ..., '*', 'ORDER BY ...', 'LIMIT n') -> struct array;
            % s = fetch(rel, other, 'count(*)->n', ...) fetches aggr(rel, other, ...)
            if ~isempty(varargin) && isa(varargin{1}, 'dj.internal.GeneralRelvar')
                [rel, ~, clauses] = aggrArgs(self, varargin);
                varargout = cell(1, max(1, nargout));
                [varargout{:}] = fetch(rel, '*', clauses{:});
                return
            end
            [names, suffix, folder] = parseFetchArgs(self, varargin, true);
            s = self.fetchStruct(names, suffix, false, folder);
            varargout{1} = s;
            if nargout > 1
                for i = 2:nargout
                    varargout{i} = [];
                end
            end
        end

        function varargout = fetchn(self, varargin)
            % [a, b] = fetchn(rel, 'a', 'b', ...) -> one column per attribute
            if ~isempty(varargin) && isa(varargin{1}, 'dj.internal.GeneralRelvar')
                [rel, names, clauses] = aggrArgs(self, varargin);
                varargout = cell(1, max(1, nargout));
                [varargout{:}] = fetchn(rel, names{:}, clauses{:});
                return
            end
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
                    v = cellfun(@(x) double(x), vals);
                    varargout{i} = v(:); %#ok<AGROW>
                else
                    varargout{i} = vals(:); %#ok<AGROW>
                end
            end
        end

        function varargout = fetch1(self, varargin)
            % [a, b] = fetch1(rel, 'a', 'b'): exactly one row
            if ~isempty(varargin) && isa(varargin{1}, 'dj.internal.GeneralRelvar')
                [rel, names, clauses] = aggrArgs(self, varargin);
                varargout = cell(1, max(1, nargout));
                [varargout{:}] = fetch1(rel, names{:}, clauses{:});
                return
            end
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
            sql = selectSql(q, {});
            args = q.args;
        end

        function disp(self)
            % a preview as DataJoint for MATLAB 3.x shows it: the first
            % dj.config('displayLimit') rows (blobs as =BLOB=, primary key in
            % capitals), '...' when there are more, and the number of rows
            t0 = tic;
            limit = dj.internal.setting('displayLimit', 12);
            if ~isnumeric(limit) || ~isscalar(limit) || ~(limit >= 0) || limit ~= floor(limit)
                error('DataJoint:config:badValue', 'dj.config(''displayLimit'') must be a whole number of rows');
            end
            fprintf('\nObject %s\n\n', class(self));
            info = self.headerInfo();
            if ~isempty(info)
                fprintf(' :: %s ::\n\n', printable(info.comment));
            end
            fprintf('%s', previewText(self, limit));
            if dj.internal.setting('displayCount', true)
                fprintf('%d tuples (%.3g s)\n\n', self.count(), toc(t0));
            end
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
            switch self.op
                case 'proj'
                    q = compileProj(self.operands{1}.compile(), self.projArgs);
                case 'join'
                    a = self.operands{1}.compile();
                    b = self.operands{2}.compile();
                    q = compileJoin(a, b);
                case 'union'
                    q = compileUnion(self.operands{1}.compile(), self.operands{2}.compile());
                case 'aggr'
                    q = compileAggr(self.operands{1}.compile(), self.operands{2}.compile(), self.projArgs);
                otherwise
                    error('DataJoint:internal', 'unknown operator %s', self.op);
            end
        end

        function q = compile(self)
            % struct: header, from, fromArgs, where (cell), whereArgs, args, plain
            q = self.compileBase();
            if ~isempty(self.restrictions)
                if ~q.plain
                    q = subquery(q);
                end
                for i = 1:numel(self.restrictions)
                    r = self.restrictions{i};
                    [c, cargs] = dj.internal.makeCondition(r.cond{1}, q.header, r.negate);
                    q.where{end+1} = c;
                    q.whereArgs = [q.whereArgs cargs];
                end
            end
            q.args = [q.fromArgs q.whereArgs];
        end

        function [sql, args] = sqlFor(self, names)
            % SELECT of the named attributes, for use as a subquery
            q = self.compile();
            sql = selectPlain(q, names);
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
            q = self.compile();
            if isempty(names)
                names = {q.header.name};
            end
            sql = [selectSql(q, names) suffix];
            res = self.conn().query(sql, q.args{:});
            s = dj.internal.resultToStruct(res, names);
            s = nullUuids(s, q.header, names);
            s = loadExternal(s, q.header, names, self.conn(), folder);
            if ~keepAll
                s = s(:);
            end
        end
    end
end


% ---------------- local functions ----------------

function text = previewText(rel, limit)
% the preview table of disp: at most limit rows, then '...' if there are more
h = rel.attrs();
if isempty(h)
    text = '';
    return
end
blob = [h.isBlob] | [h.isExternal] | [h.isAttachment];
names = {h.name};
rows = struct([]);
if limit > 0 && ~all(blob)
    rows = rel.fetchStruct(names(~blob), sprintf(' LIMIT %d', limit + 1));
end
more = numel(rows) > limit;
rows = rows(1:min(end, limit));
if isempty(rows)
    text = '';
    return
end
cols = cell(1, numel(names));
for j = 1:numel(names)
    title = printable(names{j});
    if h(j).inKey
        title = upper(title);
    end
    cells = cell(numel(rows), 1);
    for i = 1:numel(rows)
        if blob(j)
            cells{i} = '=BLOB=';
        else
            cells{i} = previewValue(rows(i).(names{j}));
        end
    end
    width = max([numel(title); cellfun(@numel, cells)]);
    numeric = h(j).isNumeric && ~blob(j);
    cols{j} = struct('title', title, 'cells', {cells}, 'width', width, 'numeric', numeric);
end
lines = cell(numel(rows) + 3, 1);
lines{1} = joinColumns(cols, @(c) centered(c.title, c.width));
lines{2} = joinColumns(cols, @(c) centered(repmat('_', 1, numel(c.title)), c.width));
lines{3} = '';
for i = 1:numel(rows)
    lines{i + 3} = joinColumns(cols, @(c) aligned(c, i));
end
text = sprintf('%s\n', lines{:});
text = [text sprintf('\n')];
if more
    text = [text sprintf('          ...\n\n')];
end
end


function s = joinColumns(cols, cellText)
% one line of the preview: the columns' texts, four spaces apart
parts = cellfun(cellText, cols, 'UniformOutput', false);
s = ['    ' strjoin(parts, '    ')];
end


function s = centered(t, width)
left = floor((width - numel(t)) / 2);
s = [repmat(' ', 1, left) t repmat(' ', 1, width - numel(t) - left)];
end


function s = aligned(c, i)
% numbers right-aligned, text left-aligned, as a MATLAB table shows them
t = c.cells{i};
pad = repmat(' ', 1, c.width - numel(t));
if c.numeric
    s = [pad t];
else
    s = [t pad];
end
end


function s = previewValue(v)
% one value as short text: numbers in short form, text quoted and cut at 40 characters
if ischar(v)
    v = printable(v);
    if numel(v) > 40
        v = [v(1:37) '...'];
    end
    s = ['''' v ''''];
elseif (isnumeric(v) || islogical(v)) && isscalar(v)
    s = num2str(v);
elseif isempty(v)
    s = '';
else
    s = sprintf('[%s %s]', strjoin(arrayfun(@num2str, size(v), 'UniformOutput', false), 'x'), class(v));
end
end


function s = printable(s)
% text shown in the preview: control characters (line breaks, terminal escape
% sequences in stored values or names) are shown as spaces
s(s < 32 | s == 127) = ' ';
end


function s = loadExternal(s, header, names, conn, folder)
% external values come as hashes (hex), attachments as bytes: replace each by
% the stored value (blob@store) or by the path of the local file (attach,
% attach@store: saved in folder; filepath@store: under the store's stage).
% NULL stays [] for blobs and is '' for attachments and filepaths.
for j = 1:numel(names)
    a = header(strcmp({header.name}, names{j}));
    if isempty(a) || ~(a.isExternal || a.isAttachment || a.isFilepath)
        continue
    end
    label = sprintf('`%s`.%s', a.database, a.name);
    spec = [];
    for i = 1:numel(s)
        v = s(i).(names{j});
        if isempty(v)
            if a.isExternal
                s(i).(names{j}) = [];
            else
                s(i).(names{j}) = '';
            end
            continue
        end
        if isempty(spec) && ~isempty(a.store)
            spec = dj.internal.storeSpec(a.store);   % once per attribute and fetch
        end
        if a.isExternal
            v = dj.internal.External.get(a.database, a.store, v, label, spec);
        elseif a.isFilepath
            v = dj.internal.External.getFilepath(conn, a.database, a.store, v, label, spec);
        elseif ~isempty(a.store)
            v = dj.internal.External.getAttachment(conn, a.database, a.store, v, label, folder, spec);
        else
            v = dj.internal.External.attachFile(v(2:end), label, folder);   % after the leading 0 byte
        end
        s(i).(names{j}) = v;
    end
end
end


function s = nullUuids(s, header, names)
% a NULL uuid is an empty uint8 row (1x0), as mym gives a NULL binary(16);
% other uuids stay hyphenated text
for j = 1:numel(names)
    a = header(strcmp({header.name}, names{j}));
    if isempty(a) || ~a.isUuid
        continue
    end
    for i = 1:numel(s)
        if isempty(s(i).(names{j}))
            s(i).(names{j}) = zeros(1, 0, 'uint8');
        end
    end
end
end


function checkRelvar(x, op)
if ~isa(x, 'dj.internal.GeneralRelvar')
    error('DataJoint:query:badOperand', 'The operand of %s must be a relation, got %s', op, class(x));
end
end


function [rel, names, clauses] = aggrArgs(self, args)
% fetch*(A, B, specs..., clauses...) as in DataJoint for MATLAB 3.x: the query
% aggr(A, B, specs...), the names the specs produce, and ORDER BY/LIMIT clauses
isClause = cellfun(@(a) ischar(a) && ~isempty(regexp(strtrim(a), '^(ORDER\s+BY|LIMIT)\s', 'once', 'ignorecase')), ...
    args(2:end));
specs = args([false ~isClause]);
clauses = args([false isClause]);
rel = aggr(self, args{1}, specs{:});
names = {};
for i = 1:numel(specs)
    if ischar(specs{i}) && ~strcmp(strtrim(specs{i}), '*')
        names{end+1} = strtrim(regexprep(specs{i}, '^.*->', '')); %#ok<AGROW>
    end
end
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
        error('DataJoint:fetch:unknownAttribute', 'Unknown attribute "%s": the query has %s', t, strjoin(all, ', '));
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


function sql = selectSql(q, names)
% SELECT list for the given attribute names (all when empty)
h = q.header;
if isempty(names)
    names = {h.name};
end
cols = cell(1, numel(names));
for i = 1:numel(names)
    a = h(strcmp({h.name}, names{i}));
    cols{i} = columnSql(a, true);
end
sql = sprintf('SELECT %s FROM %s', strjoin(cols, ','), q.from);
if ~isempty(q.where)
    sql = [sql ' WHERE ' strjoin(q.where, ' AND ')];
end
end


function s = columnSql(a, forOutput)
qn = dj.internal.quoteId(a.name);
if isempty(a.expr)
    src = qn;
else
    src = a.expr;
end
if forOutput && ~isempty(a.store)
    % the object's hash as 32 hex digits; fetchStruct loads the object
    src = sprintf('LOWER(HEX(%s))', src);
elseif forOutput && a.isAttachment
    % a leading 0 byte keeps the connector from reading name + NUL + contents
    % as a serialized blob: it returns the bytes as they are
    src = sprintf('CONCAT(X''00'',%s)', src);
elseif forOutput && a.isUuid
    % uuids travel as hyphenated text so MATLAB sees the same values as Python
    src = sprintf(['LOWER(CONCAT_WS(''-'',SUBSTR(HEX(%s),1,8),SUBSTR(HEX(%s),9,4),' ...
        'SUBSTR(HEX(%s),13,4),SUBSTR(HEX(%s),17,4),SUBSTR(HEX(%s),21,12)))'], src, src, src, src, src);
end
if strcmp(src, qn)
    s = qn;
else
    s = sprintf('%s AS %s', src, qn);
end
end


function q = subquery(q)
% wrap q so that its attributes become plain columns of a derived table
n = dj.internal.aliasCounter();
inner = q.header;
cols = cell(1, numel(inner));
for i = 1:numel(inner)
    cols{i} = columnSql(inner(i), false);
end
sql = sprintf('SELECT %s FROM %s', strjoin(cols, ','), q.from);
if ~isempty(q.where)
    sql = [sql ' WHERE ' strjoin(q.where, ' AND ')];
end
q.from = sprintf('(%s) AS `$s%d`', sql, n);
q.fromArgs = [q.fromArgs q.whereArgs];
q.where = {};
q.whereArgs = {};
for i = 1:numel(q.header)
    q.header(i).expr = '';
end
q.plain = true;
q.projected = false;
end


function q = compileProj(q, args)
h = q.header;
if any(~cellfun(@isempty, {h.expr})) || q.projected
    q = subquery(q);
    h = q.header;
end
keep = [h.inKey];
renames = {};
computed = {};
for i = 1:numel(args)
    a = strtrim(args{i});
    if strcmp(a, '*')
        keep(:) = true;
        continue
    end
    m = regexp(a, '^(?<src>.*\S)\s*->\s*(?<name>[a-z_][a-z0-9_]*)$', 'names', 'once');
    if isempty(m)
        k = find(strcmp({h.name}, a));
        if isempty(k)
            error('DataJoint:proj:unknownAttribute', 'proj: unknown attribute "%s"; the query has %s', a, strjoin({h.name}, ', '));
        end
        keep(k) = true;
    elseif any(strcmp({h.name}, m.src))
        renames(end+1, :) = {m.src, m.name}; %#ok<AGROW>
    else
        computed(end+1, :) = {m.src, m.name}; %#ok<AGROW>
    end
end
header = h;
for i = 1:size(renames, 1)
    k = find(strcmp({h.name}, renames{i, 1}));
    if keep(k) && ~h(k).inKey
        % 'a', 'a->b' keeps both; primary key attributes are renamed in place
        header(end+1) = h(k); %#ok<AGROW>
        k = numel(header);
    end
    keep(k) = true;
    header(k).expr = dj.internal.quoteId(renames{i, 1});
    header(k).name = renames{i, 2};
end
keep = [keep true(1, numel(header) - numel(keep))];
header = header(keep);
for i = 1:size(computed, 1)
    a = dj.internal.makeAttribute(computed{i, 2}, 'double', 'double', false, true, '', '', '');
    a.expr = ['(' computed{i, 1} ')'];
    header(end+1) = a; %#ok<AGROW>
end
names = {header.name};
if numel(unique(names)) ~= numel(names)
    error('DataJoint:proj:duplicateAttribute', 'proj produces duplicate attribute names: %s', strjoin(names, ', '));
end
q.header = header;
q.plain = false;
q.projected = true;
end


function q = compileJoin(a, b)
if ~a.plain || a.projected
    a = subquery(a);
end
if ~b.plain || b.projected
    b = subquery(b);
end
ha = a.header;
hb = b.header;
q.header = ha;
for i = 1:numel(hb)
    k = find(strcmp({ha.name}, hb(i).name));
    if isempty(k)
        q.header(end+1) = hb(i);
    else
        q.header(k).inKey = ha(k).inKey || hb(i).inKey;
    end
end
q.from = sprintf('%s NATURAL JOIN %s', a.from, b.from);
q.fromArgs = [a.fromArgs b.fromArgs];
q.where = [a.where b.where];
q.whereArgs = [a.whereArgs b.whereArgs];
q.plain = true;
q.projected = false;
end


function q = compileUnion(a, b)
na = sort({a.header.name});
nb = sort({b.header.name});
if ~isequal(na, nb)
    error('DataJoint:union:incompatible', 'Union requires the same attributes on both sides: (%s) vs (%s)', ...
        strjoin(na, ', '), strjoin(nb, ', '));
end
names = {a.header.name};
a.args = [a.fromArgs a.whereArgs];
b.args = [b.fromArgs b.whereArgs];
n = dj.internal.aliasCounter();
q.header = a.header;
for i = 1:numel(q.header)
    q.header(i).expr = '';
end
q.from = sprintf('((%s) UNION (%s)) AS `$u%d`', selectPlain(a, names), selectPlain(b, names), n);
q.fromArgs = [a.args b.args];
q.where = {};
q.whereArgs = {};
q.plain = true;
q.projected = false;
end


function sql = selectPlain(q, names)
cols = cell(1, numel(names));
for i = 1:numel(names)
    cols{i} = columnSql(q.header(strcmp({q.header.name}, names{i})), false);
end
sql = sprintf('SELECT %s FROM %s', strjoin(cols, ','), q.from);
if ~isempty(q.where)
    sql = [sql ' WHERE ' strjoin(q.where, ' AND ')];
end
end


function q = compileAggr(a, b, args)
% one row per row of A (LEFT JOIN), B grouped by A's primary key
if ~a.plain || a.projected
    a = subquery(a);
end
b = subquery(b);
key = {a.header([a.header.inKey]).name};
keep = [a.header.inKey];
computed = {};
for i = 1:numel(args)
    arg = args{i};
    if ~ischar(arg)
        error('DataJoint:aggr:badArgument', 'aggr arguments must be strings like ''expr->name''');
    end
    arg = strtrim(arg);
    k = find(strcmp({a.header.name}, arg));
    if strcmp(arg, '*')
        keep(:) = true;
    elseif ~isempty(k)
        keep(k) = true;
    else
        m = regexp(arg, '^(?<src>.*\S)\s*->\s*(?<name>[a-z_][a-z0-9_]*)$', 'names', 'once');
        if isempty(m)
            error('DataJoint:aggr:badArgument', ['aggr arguments must be ''expr->name'', ''*'' or an ' ...
                'attribute of the first operand (%s), got "%s"'], strjoin({a.header.name}, ', '), arg);
        end
        c = dj.internal.makeAttribute(m.name, 'double', 'double', false, true, '', '', '');
        c.expr = ['(' m.src ')'];
        computed{end+1} = c; %#ok<AGROW>
    end
end
header = a.header(keep);
for i = 1:numel(computed)
    header(end+1) = computed{i}; %#ok<AGROW>
end
names = {header.name};
if numel(unique(names)) ~= numel(names)
    error('DataJoint:aggr:duplicateAttribute', 'aggr produces duplicate attribute names: %s', strjoin(names, ', '));
end
cols = cell(1, numel(header));
for i = 1:numel(header)
    cols{i} = columnSql(header(i), false);
end
sql = sprintf('SELECT %s FROM %s NATURAL LEFT JOIN %s', strjoin(cols, ','), a.from, b.from);
if ~isempty(a.where)
    sql = [sql ' WHERE ' strjoin(a.where, ' AND ')];
end
sql = [sql ' GROUP BY ' strjoin(cellfun(@dj.internal.quoteId, key, 'UniformOutput', false), ',')];
n = dj.internal.aliasCounter();
q.from = sprintf('(%s) AS `$g%d`', sql, n);
q.fromArgs = [a.fromArgs b.fromArgs a.whereArgs];
q.where = {};
q.whereArgs = {};
for i = 1:numel(header)
    header(i).expr = '';
end
q.header = header;
q.plain = true;
q.projected = false;
end
