classdef U < handle
    % dj.U('a', 'b', ...): DataJoint for MATLAB 3.x's universal set of the named
    % attributes, every combination of their values. It is only used with a query:
    %   dj.U('a', 'b') & rel              the distinct values of a, b in rel (primary key a, b)
    %   dj.U('a') * rel  (or rel * dj.U('a'))   rel with a added to its primary key
    %   aggr(dj.U('a'), rel, 'count(*)->n')     rel grouped by a: one row per value of a
    %   aggr(dj.U(), rel, 'max(x)->m')          one row aggregating all of rel
    % The attributes must be attributes of rel, or 'expr->name' (as in proj): then name is
    % computed from rel's attributes first, e.g. dj.U('left(name,1)->initial') & rel.

    properties (SetAccess = private)
        primaryKey = {}     % the attribute names (of 'expr->name', the name)
    end
    properties (Access = private)
        computed = {}       % the 'expr->name' arguments, computed from the query first
    end

    methods
        function self = U(varargin)
            names = varargin;
            for i = 1:numel(varargin)
                a = varargin{i};
                m = [];
                if ischar(a)
                    m = regexp(a, '^(?<expr>.*\S)\s*->\s*(?<name>[a-z_][a-z0-9_]*)$', 'names', 'once');
                end
                if ~isempty(m)
                    dj.internal.checkSqlFragment(m.expr, 'The dj.U expression');
                    self.computed{end+1} = a;
                    names{i} = m.name;
                elseif ~ischar(a) || isempty(regexp(a, '^[a-z_][a-z0-9_]*$', 'once'))
                    error('DataJoint:U:badArgument', ...
                        'dj.U takes attribute names (lowercase letters, digits, _) or ''expr->name'', got %s', describe(a));
                end
            end
            if numel(unique(names)) ~= numel(names)
                error('DataJoint:U:badArgument', 'dj.U names an attribute twice: %s', strjoin(names, ', '));
            end
            self.primaryKey = names;
        end

        function r = and(self, rel)
            % dj.U(...) & rel: the distinct values of the attributes in rel
            checkQuery(rel, '&');
            r = dj.internal.GeneralRelvar('uproj', {withComputed(self, rel)}, self.primaryKey);
        end

        function r = mtimes(self, rel)
            % dj.U(...) * rel: rel with the attributes added to its primary key
            checkQuery(rel, '*');
            r = dj.internal.GeneralRelvar('ujoin', {withComputed(self, rel)}, self.primaryKey);
        end

        function r = aggr(self, rel, varargin)
            % aggr(dj.U(...), rel, 'expr->name', ...): rel grouped by the attributes
            checkQuery(rel, 'aggr');
            if isempty(varargin)
                error('DataJoint:aggr:badArgument', 'aggr needs at least one ''expr->name'' argument');
            end
            for i = 1:numel(varargin)
                if ~ischar(varargin{i})
                    error('DataJoint:aggr:badArgument', 'aggr arguments must be strings like ''expr->name''');
                end
                dj.internal.checkSqlFragment(varargin{i}, 'The aggregate');
            end
            r = dj.internal.GeneralRelvar('uaggr', {withComputed(self, rel)}, {self.primaryKey, varargin});
        end

        function r = proj(self, rel, varargin)
            % proj(dj.U(...), rel, specs...) is aggr, as for tables in 3.x
            r = aggr(self, rel, varargin{:});
        end
    end

    methods (Access = private)
        function rel = withComputed(self, rel)
            % the query with the 'expr->name' attributes added (proj(rel, '*', ...))
            if ~isempty(self.computed)
                rel = proj(rel, '*', self.computed{:});
            end
        end
    end
end


function checkQuery(x, op)
% the other operand must be a query
if ~isa(x, 'dj.internal.GeneralRelvar')
    error('DataJoint:query:badOperand', 'The operand of dj.U %s must be a query, got %s', op, class(x));
end
end


function s = describe(v)
if ischar(v)
    s = ['"' v '"'];
else
    s = ['a ' class(v)];
end
end
