classdef ERD < handle
    % Entity relationship diagram of a schema or of tables and their
    % neighbours (3.x's dj.ERD). d = dj.ERD(schema) or dj.ERD(table);
    % d + n / d - n add n levels of children / parents; d1 + d2 joins two;
    % draw(d [, file]) writes the diagram with graphviz's dot (file.svg or
    % file.png; default <new temporary folder>/<database>_erd.svg) and returns its path.
    % DataJoint for MATLAB plots in a figure instead; this toolbox always
    % writes the file, which works the same under Octave and MATLAB.

    properties (SetAccess = private)
        conn
        nodes = {}      % full table names `db`.`table`
    end

    methods
        function self = ERD(source)
            if nargin == 0
                return
            end
            if isa(source, 'dj.Schema')
                self.conn = source.conn;
                names = source.tableNames();
                names = names(~strncmp(names, '~', 1) & ~strncmp(names, '$', 1));
                self.nodes = cellfun(@(t) fullName(source.dbname, t), names, 'UniformOutput', false);
            elseif isa(source, 'dj.internal.Table')
                self.conn = source.conn();
                self.nodes = {source.fullName};
            else
                error('DataJoint:erd:badArgument', 'dj.ERD takes a dj.Schema or a table, got %s', class(source));
            end
        end

        function r = plus(self, other)
            % d + n: n levels of children added; d1 + d2: both diagrams' tables
            r = self.copyOf();
            if isa(other, 'dj.ERD')
                r.nodes = unique([self.nodes other.nodes], 'stable');
            else
                r.expand(0, checkLevels(other));
            end
        end

        function r = minus(self, n)
            % d - n: n levels of parents added
            r = self.copyOf();
            r.expand(checkLevels(n), 0);
        end

        function expand(self, up, down)
            % add up levels of parents and down levels of children, in place
            for i = 1:up
                self.addNeighbours(@(db, t) self.conn.parents(db, t));
            end
            for i = 1:down
                self.addNeighbours(@(db, t) self.conn.children(db, t));
            end
        end

        function text = dot(self)
            % the diagram in graphviz's DOT language
            lines = {'digraph erd {', '  rankdir=TB; node [fontname="Helvetica", fontsize=10];'};
            fontSize = dj.internal.setting('displayDiagram_font_size', 12);
            lines{end+1} = sprintf('  node [fontsize=%g];', fontSize);
            for i = 1:numel(self.nodes)
                [db, t] = splitName(self.nodes{i});
                lines{end+1} = sprintf('  "%s" [label="%s", %s];', dotEscape(self.nodes{i}), ...
                    dotEscape(dj.internal.tableToClass(db, t)), tierStyle(dj.internal.tierOf(t))); %#ok<AGROW>
            end
            for i = 1:numel(self.nodes)
                [db, t] = splitName(self.nodes{i});
                h = self.conn.heading(db, t);
                ps = self.conn.parents(db, t);
                for k = 1:numel(ps)
                    parent = fullName(ps{k}.db, ps{k}.table);
                    if ~any(strcmp(self.nodes, parent))
                        continue
                    end
                    primary = all(ismember(ps{k}.attrMap(:, 2), h.primaryKey));
                    style = 'solid';
                    if ~primary
                        style = 'dashed';
                    end
                    lines{end+1} = sprintf('  "%s" -> "%s" [style=%s, arrowhead=none];', ...
                        dotEscape(parent), dotEscape(self.nodes{i}), style); %#ok<AGROW>
                end
            end
            lines{end+1} = '}';
            text = sprintf('%s\n', lines{:});
        end

        function file = draw(self, file)
            % write the diagram (svg or png by the file's extension) with dot
            if nargin < 2 || isempty(file)
                % a new private folder: a fixed name in the shared temporary
                % folder could be a planted link to another file
                [db, ~] = splitName(self.nodes{1});
                folder = tempname();
                mkdir(folder);
                file = fullfile(folder, [regexprep(db, '[^\w-]', '_') '_erd.svg']);
            end
            [~, ~, ext] = fileparts(file);
            format = lower(ext(2:end));
            if ~any(strcmp(format, {'svg', 'png', 'pdf'}))
                error('DataJoint:erd:badArgument', 'The diagram file must end in .svg, .png or .pdf, got "%s"', file);
            end
            source = [tempname() '.dot'];
            f = fopen(source, 'w');
            if f < 0
                error('DataJoint:erd:write', 'Cannot write %s', source);
            end
            fprintf(f, '%s', self.dot());
            fclose(f);
            cleanup = onCleanup(@() delete(source));
            [status, out] = system(sprintf('dot -T%s %s -o %s', format, shellQuote(source), shellQuote(file)));
            if status ~= 0
                error('DataJoint:erd:graphviz', ['graphviz''s dot could not draw the diagram (install the ' ...
                    'graphviz package): %s'], strtrim(out));
            end
            if nargout == 0
                fprintf('Diagram written to %s\n', file);
                clear file
            end
        end
    end

    methods (Hidden)
        function r = copyOf(self)
            r = dj.ERD();
            r.conn = self.conn;
            r.nodes = self.nodes;
        end

        function addNeighbours(self, neighbours)
            % one level of related tables (job and external tables left out)
            added = {};
            for i = 1:numel(self.nodes)
                [db, t] = splitName(self.nodes{i});
                rel = neighbours(db, t);
                for k = 1:numel(rel)
                    if ~strncmp(rel{k}.table, '~', 1)
                        added{end+1} = fullName(rel{k}.db, rel{k}.table); %#ok<AGROW>
                    end
                end
            end
            self.nodes = unique([self.nodes added], 'stable');
        end
    end
end


function n = checkLevels(n)
if ~isnumeric(n) || ~isscalar(n) || n < 0 || n ~= floor(n)
    error('DataJoint:erd:badArgument', 'An ERD is expanded by a whole number of levels');
end
end


function name = fullName(db, t)
name = [dj.internal.quoteId(db) '.' dj.internal.quoteId(t)];
end


function [db, t] = splitName(name)
% `db`.`table` (backquotes doubled inside) -> db, table
m = regexp(name, '^`((?:[^`]|``)*)`\.`((?:[^`]|``)*)`$', 'tokens', 'once');
db = strrep(m{1}, '``', '`');
t = strrep(m{2}, '``', '`');
end


function s = dotEscape(s)
% text inside a DOT double-quoted string
s = strrep(strrep(s, '\', '\\'), '"', '\"');
s = regexprep(s, '[\r\n]', ' ');
end


function s = tierStyle(tier)
% node look by tier, close to the Python package's diagram
switch tier
    case 'manual'
        s = 'shape=box, style=filled, fillcolor="#00FF0030", fontcolor="darkgreen"';
    case 'lookup'
        s = 'shape=plaintext, style=filled, fillcolor="#00000020", fontcolor="black"';
    case 'imported'
        s = 'shape=ellipse, style=filled, fillcolor="#00007F40", fontcolor="#00007FA0"';
    case 'computed'
        s = 'shape=ellipse, style=filled, fillcolor="#FF000020", fontcolor="#7F0000A0"';
    otherwise
        s = 'shape=plaintext, fontsize=8';
end
end


function q = shellQuote(s)
% one shell word, whatever the path holds
q = ['''' strrep(s, '''', '''\''''') ''''];
end
