classdef Header < handle
    % The heading of a query as DataJoint for MATLAB 3.x exposes it (rel.header):
    % an attribute struct array with 3.x's field names, so code written for 3.x
    % that reads header.attributes, header.names or header.primaryKey runs
    % unchanged. Built from the toolbox's own heading; changing it changes nothing.

    properties (SetAccess = private)
        info = []          % table information (name, comment, tier); [] for derived queries
        attributes         % n x 1 struct array, fields as in 3.x (see fromHeading)
    end

    properties (Dependent)
        names              % all attribute names
        primaryKey         % primary key attribute names
        dependentFields    % the other attribute names
        blobNames          % names of blob attributes
        notBlobs           % names of the other attributes
    end

    properties (Constant, Hidden)
        computedType = '<sql_computed>'   % 3.x's type of an 'expr->name' attribute
    end

    methods
        function self = Header(attributes, info)
            % Header(attributes, info): use dj.internal.Header.fromHeading
            if nargin >= 1
                self.attributes = attributes;
            end
            if nargin >= 2
                self.info = info;
            end
        end

        function n = get.names(self)
            n = attrField(self, 'name');
        end

        function n = get.primaryKey(self)
            n = self.names(attrFlag(self, 'iskey'));
        end

        function n = get.dependentFields(self)
            n = self.names(~attrFlag(self, 'iskey'));
        end

        function n = get.blobNames(self)
            n = self.names(attrFlag(self, 'isBlob'));
        end

        function n = get.notBlobs(self)
            n = self.names(~attrFlag(self, 'isBlob'));
        end

        function n = count(self)
            n = numel(self.attributes);
        end

        function a = byName(self, name)
            % the attribute struct of one attribute
            k = strcmp(self.names, name);
            if ~any(k)
                error('DataJoint:unknownAttribute', 'Attribute "%s" not found; the heading has %s', ...
                    name, strjoin(self.names, ', '));
            end
            a = self.attributes(k);
        end

        function tf = hasAliases(self)
            tf = ~all(cellfun(@isempty, attrField(self, 'alias')));
        end
    end

    methods (Static)
        function self = fromHeading(attrs, info)
            % Header from the toolbox's attribute structs (makeAttribute/loadHeading);
            % info is the table's struct(name, comment, tier) or [] for a derived query
            if nargin < 2
                info = [];
            end
            c = cell(numel(attrs), 1);
            for i = 1:numel(attrs)
                c{i} = convertAttribute(attrs(i));
            end
            if isempty(c)
                s = emptyAttributes();
            else
                s = vertcat(c{:});
            end
            self = dj.internal.Header(s, info);
        end
    end
end


function v = attrField(self, field)
% one field of every attribute as a 1 x n cell
if isempty(self.attributes)
    v = {};
else
    v = {self.attributes.(field)};
end
end


function v = attrFlag(self, field)
% one logical field of every attribute as a 1 x n logical row
if isempty(self.attributes)
    v = false(1, 0);
else
    v = logical([self.attributes.(field)]);
end
end


function s = emptyAttributes()
% a 0 x 1 struct array with the fields of convertAttribute
names = fieldnames(convertAttribute(dj.internal.makeAttribute('x', 'int', 'int', false, false, '', '', '')));
args = [names'; repmat({{}}, 1, numel(names))];
s = struct(args{:});
s = s(:);
end


function s = convertAttribute(a)
% 3.x's attribute fields, in 3.x's order (SHOW FULL COLUMNS order, then the flags)
computed = ~isempty(a.expr) && a.expr(1) == '(';
s.name = a.name;
s.type = a.type;
s.isnullable = a.nullable;
s.iskey = a.inKey;
% as 3.x's SHOW COLUMNS read through mym: the text unquoted, '' for none and for NULL
% (3.x code tells "no default" by ischar(default) && isempty(default))
if a.hasDefault && ~isempty(a.default) && ~strcmpi(a.default, 'null')
    s.default = dj.internal.unquoteDefault(a.default);
else
    s.default = '';
end
s.comment = a.comment;
s.isautoincrement = a.autoIncrement;
s.isNumeric = a.isNumeric;
s.isString = a.isString;
s.isAttachment = strncmp(a.type, 'attach', 6);
s.isFilepath = strncmp(a.type, 'filepath', 8);
s.isUuid = a.isUuid;
s.isBlob = a.isBlob || ~isempty(regexp(a.type, '^blob@', 'once'));
s.isExternal = ~isempty(strfind(a.type, '@'));
s.database = a.database;
s.store = '';
if s.isExternal
    s.store = a.type(find(a.type == '@', 1) + 1:end);
end
s.alias = '';
s.sqlType = a.sqlType;
s.sqlComment = a.rawComment;
if computed
    s.type = dj.internal.Header.computedType;
    s.sqlType = dj.internal.Header.computedType;
    s.comment = 'server-side computation';
    s.alias = a.expr(2:end-1);
elseif ~isempty(a.expr)
    s.alias = strrep(a.expr, '`', '');
end
end
