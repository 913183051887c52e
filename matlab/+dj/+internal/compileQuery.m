function q = compileQuery(op, operands, args)
% The compiler of query expressions: one operator node, given its operands already
% compiled, -> a compiled query, the struct every SELECT is written from:
%   header (attribute structs; expr: SQL of a renamed or computed attribute),
%   from (SQL), fromArgs, where (cell of SQL conditions), whereArgs (mym arguments),
%   plain (attributes are plain columns of from), projected (the header renames or
%   computes attributes: joins and restrictions need a subquery first).
% op: 'proj', 'join', 'union', 'aggr' (3.x's left-join aggregation), 'restrict'
% (args: the restrictions, struct('negate', tf, 'cond', {{condition}})), and dj.U's
% 'uproj' (distinct values of the named attributes), 'ujoin' (named attributes join
% the primary key) and 'uaggr' (group by the named attributes).
% Values never enter the SQL text: conditions bind them (makeCondition).
switch op
    case 'proj'
        q = compileProj(operands{1}, args);
    case 'join'
        q = compileJoin(operands{1}, operands{2});
    case 'union'
        q = compileUnion(operands{1}, operands{2});
    case 'aggr'
        q = compileAggr(operands{1}, operands{2}, args);
    case 'restrict'
        q = compileRestrict(operands{1}, args);
    case 'uproj'
        q = compileUProj(operands{1}, args);
    case 'ujoin'
        q = compileUJoin(operands{1}, args);
    case 'uaggr'
        q = compileUAggr(operands{1}, args{1}, args{2});
    otherwise
        error('DataJoint:internal', 'unknown operator %s', op);
end
q.args = [q.fromArgs q.whereArgs];
end


function q = compileRestrict(q, restrictions)
% AND of the restrictions (each possibly negated) on q's attributes
if isempty(restrictions)
    return
end
if ~q.plain
    q = subquery(q);
end
for i = 1:numel(restrictions)
    r = restrictions{i};
    [c, cargs] = dj.internal.makeCondition(r.cond{1}, q.header, r.negate);
    q.where{end+1} = c;
    q.whereArgs = [q.whereArgs cargs];
end
end


function q = subquery(q)
% wrap q so that its attributes become plain columns of a derived table
n = dj.internal.aliasCounter();
inner = q.header;
cols = cell(1, numel(inner));
for i = 1:numel(inner)
    cols{i} = dj.internal.columnSql(inner(i), false);
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
            error('DataJoint:missingAttributes', 'proj: unknown attribute "%s"; the query has %s', a, strjoin({h.name}, ', '));
        end
        keep(k) = true;
    elseif any(strcmp({h.name}, m.src))
        renames(end+1, :) = {m.src, m.name}; %#ok<AGROW>
    else
        computed(end+1, :) = {m.src, m.name}; %#ok<AGROW>
    end
end
header = h;
renamed = false(1, numel(h));
for i = 1:size(renames, 1)
    k = find(strcmp({h.name}, renames{i, 1}));
    if (keep(k) && ~h(k).inKey) || renamed(k)
        % 'a', 'a->b' keeps both; primary key attributes are renamed in place, and
        % 'a->b', 'a->c' gives both names (for a key attribute, both in the key)
        header(end+1) = h(k); %#ok<AGROW>
        k = numel(header);
    else
        renamed(k) = true;
    end
    keep(k) = true;
    header(k).expr = dj.internal.quoteId(renames{i, 1});
    header(k).name = renames{i, 2};
end
keep = [keep true(1, numel(header) - numel(keep))];
header = header(keep);
[~, order] = sort(~[header.inKey]);  % stable: a key attribute's second name joins the key
header = header(order);
for i = 1:size(computed, 1)
    header(end+1) = computedAttribute(computed{i, 1}, computed{i, 2}); %#ok<AGROW>
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
q.from = sprintf('((%s) UNION (%s)) AS `$u%d`', dj.internal.selectSql(a, names, false), dj.internal.selectSql(b, names, false), n);
q.fromArgs = [a.args b.args];
q.where = {};
q.whereArgs = {};
q.plain = true;
q.projected = false;
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
        computed{end+1} = computedAttribute(m.src, m.name); %#ok<AGROW>
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
    cols{i} = dj.internal.columnSql(header(i), false);
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


function a = computedAttribute(expr, name)
% an attribute computed by an SQL expression (proj, aggr): no declared type, so a double
a = dj.internal.makeAttribute(name, 'double', 'double', false, true, '', '', '');
a.expr = ['(' expr ')'];
end


function h = namedAttributes(q, names, what)
% the attributes of q with these names, in this order (dj.U's attributes must be q's)
h = q.header([]);
for i = 1:numel(names)
    k = find(strcmp({q.header.name}, names{i}));
    if isempty(k)
        error('DataJoint:missingAttributes', '%s: "%s" is not an attribute of the query (attributes: %s)', ...
            what, names{i}, strjoin({q.header.name}, ', '));
    end
    h(end+1) = q.header(k); %#ok<AGROW>
end
end


function q = derived(sql, fromArgs, header, letter)
% q becomes the derived table sql (its attributes plain columns)
for i = 1:numel(header)
    header(i).expr = '';
end
q.header = header;
q.from = sprintf('(%s) AS `$%s%d`', sql, letter, dj.internal.aliasCounter());
q.fromArgs = fromArgs;
q.where = {};
q.whereArgs = {};
q.plain = true;
q.projected = false;
end


function q = compileUProj(a, names)
% dj.U(names) & a: the distinct values of the named attributes, which form the primary key
if isempty(names)
    % 3.x builds dj.U() & rel and fails where its (empty) heading is used
    error('DataJoint:missingAttributes', 'dj.U() & rel has no attributes: name at least one in dj.U(...)');
end
h = namedAttributes(a, names, 'dj.U(...) & rel');
cols = cell(1, numel(h));
for i = 1:numel(h)
    cols{i} = dj.internal.columnSql(h(i), false);
    h(i).inKey = true;
end
sql = sprintf('SELECT DISTINCT %s FROM %s', strjoin(cols, ','), a.from);
if ~isempty(a.where)
    sql = [sql ' WHERE ' strjoin(a.where, ' AND ')];
end
q = derived(sql, [a.fromArgs a.whereArgs], h, 'd');
end


function q = compileUJoin(q, names)
% dj.U(names) * q: the same rows, the named attributes added to the primary key
namedAttributes(q, names, 'dj.U(...) * rel');
for i = 1:numel(names)
    q.header(strcmp({q.header.name}, names{i})).inKey = true;
end
end


function q = compileUAggr(a, names, specs)
% aggr(dj.U(names), a, specs): a grouped by the named attributes (one row when none)
a = subquery(a);
h = namedAttributes(a, names, 'aggr(dj.U(...), rel, ...)');
for i = 1:numel(h)
    h(i).inKey = true;
end
for i = 1:numel(specs)
    m = regexp(strtrim(specs{i}), '^(?<src>.*\S)\s*->\s*(?<name>[a-z_][a-z0-9_]*)$', 'names', 'once');
    if isempty(m)
        error('DataJoint:aggr:badArgument', 'aggr(dj.U(...), rel, ...) arguments must be ''expr->name'', got "%s"', ...
            specs{i});
    end
    h(end+1) = computedAttribute(m.src, m.name); %#ok<AGROW>
end
if numel(unique({h.name})) ~= numel(h)
    error('DataJoint:aggr:duplicateAttribute', 'aggr produces duplicate attribute names: %s', strjoin({h.name}, ', '));
end
cols = cell(1, numel(h));
for i = 1:numel(h)
    cols{i} = dj.internal.columnSql(h(i), false);
end
sql = sprintf('SELECT %s FROM %s', strjoin(cols, ','), a.from);
if ~isempty(names)
    sql = [sql ' GROUP BY ' strjoin(cellfun(@dj.internal.quoteId, names, 'UniformOutput', false), ',')];
end
q = derived(sql, a.fromArgs, h, 'g');
end
