function [sql, stores] = declareClass(className, schema, tableName, text)
% CREATE TABLE for a classdef table: parse the file's definition block (or the
% definition text given, for dj.internal.Declare.declare) and resolve
% "-> pkg.Parent" references through the parents' own classes (which declares
% them first when needed).
if nargin < 4
    file = which(className);
    if isempty(file)
        error('DataJoint:declare:noClass', 'Cannot find the class file of %s', className);
    end
    text = dj.internal.readDefinitionBlock(fileread(file), file);
end
def = dj.internal.parseDefinition(text, [className '.m']);
[sql, ~, stores] = dj.internal.compileDefinition(def, schema.dbname, tableName, @resolve, [className '.m']);
end


function p = resolve(ref)
if isempty(regexp(ref, '^[A-Za-z]\w*(\.[A-Za-z]\w*)+$', 'once'))
    error('DataJoint:declare:badReference', 'Foreign key reference "%s" must be package.ClassName', ref);
end
if isempty(which(ref))
    error('DataJoint:declare:badReference', 'Foreign key reference "%s": no such class on the path', ref);
end
try
    parent = feval(ref);
catch err
    error('DataJoint:declare:badReference', 'Foreign key reference "%s" failed: %s', ref, err.message);
end
if ~isa(parent, 'dj.internal.Table')
    error('DataJoint:declare:badReference', 'Foreign key reference "%s" is not a DataJoint table', ref);
end
h = parent.heading();
p.fullName = h.fullName;
p.primaryKey = h.primaryKey;
p.attrs = struct('name', {h.attrs.name}, 'sqlType', {h.attrs.sqlType}, 'comment', {h.attrs.rawComment});
end
