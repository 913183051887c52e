function [sql, args] = makeCondition(cond, header, negate)
% WHERE text and placeholder values for one restriction, with the MATLAB
% toolbox's meaning: struct arrays are OR over elements, cells are AND,
% strings are SQL, relations are semijoins on the common attributes.
args = {};
if ischar(cond)
    if isempty(strtrim(cond))
        sql = 'TRUE';
    else
        dj.internal.checkSqlFragment(cond, 'The restriction');
        sql = ['(' cond ')'];
    end
elseif iscell(cond)
    [sql, args] = joinConditions(cond, header, 'AND', 'TRUE');
elseif isstruct(cond)
    [sql, args] = structCondition(cond, header);
elseif isa(cond, 'dj.internal.GeneralRelvar')
    [sql, args] = relationCondition(cond, header);
elseif isa(cond, 'dj.internal.Negation')
    [sql, args] = dj.internal.makeCondition(cond.cond, header, true);
elseif isa(cond, 'dj.internal.OrList')
    [sql, args] = joinConditions(cond.conds, header, 'OR', 'FALSE');
else
    error('DataJoint:restrict:badCondition', ...
        'Cannot restrict by a %s: use a string, struct, cell array or relation', class(cond));
end
if negate
    sql = ['NOT ' sql];
end
end


function [sql, args] = joinConditions(conds, header, op, whenEmpty)
% each condition of the cell array conds, joined by op (AND/OR); whenEmpty when there are none
args = {};
parts = cell(1, numel(conds));
for i = 1:numel(conds)
    [parts{i}, a] = dj.internal.makeCondition(conds{i}, header, false);
    args = [args a]; %#ok<AGROW>
end
if isempty(parts)
    sql = whenEmpty;
else
    sql = ['(' strjoin(parts, [' ' op ' ']) ')'];
end
end


function [sql, args] = structCondition(s, header)
args = {};
names = {header.name};
fields = fieldnames(s);
common = fields(ismember(fields, names));
if isempty(common)
    sql = 'TRUE';
    return
end
if isempty(s)
    sql = 'FALSE';
    return
end
ors = cell(1, numel(s));
for i = 1:numel(s)
    ands = cell(1, numel(common));
    for j = 1:numel(common)
        a = header(strcmp(names, common{j}));
        v = s(i).(common{j});
        col = dj.internal.quoteId(a.name);
        if isempty(v) && (~ischar(v) || a.isUuid) || (isnumeric(v) && isscalar(v) && isnan(v))
            ands{j} = [col ' IS NULL'];
        else
            [t, va] = dj.internal.valueSql(v, a, 'restrict');
            ands{j} = [col '=' t];
            args = [args va]; %#ok<AGROW>
        end
    end
    ors{i} = ['(' strjoin(ands, ' AND ') ')'];
end
if numel(ors) == 1
    sql = ors{1};
else
    sql = ['(' strjoin(ors, ' OR ') ')'];
end
end


function [sql, args] = relationCondition(rel, header)
other = rel.attrs();
names = {header.name};
onames = {other.name};
common = names(ismember(names, onames));
if isempty(common)
    sql = 'TRUE';
    args = {};
    return
end
for i = 1:numel(common)
    a = header(strcmp(names, common{i}));
    b = other(strcmp(onames, common{i}));
    if ~a.inKey && ~b.inKey
        error('DataJoint:restrict:dependentAttribute', ...
            'Cannot restrict by relation on the secondary attribute "%s" present on both sides', common{i});
    end
end
[sub, args] = rel.sqlFor(common);
cols = strjoin(cellfun(@dj.internal.quoteId, common, 'UniformOutput', false), ',');
sql = sprintf('((%s) IN (%s))', cols, sub);
end
