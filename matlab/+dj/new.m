function new(className, tier, parentdir, dbname)
% dj.new('package.ClassName' [, tier [, parentdir, dbname]]) as in DataJoint for MATLAB 3.x:
% write the class file for a table of the package (calling dj.createSchema first when
% the package has no getSchema: with parentdir and dbname it asks nothing, as
% dj.createSchema(package, parentdir, dbname)). tier is 'L', 'M', 'I', 'C' or 'P' (or the
% full name); it is asked for when omitted and the table does not exist yet.
if nargin < 1
    className = input('Enter <package>.<ClassName>: ', 's');
end
if nargin < 2
    tier = '';
end
if nargin == 3
    error('DataJoint:makeClass', 'dj.new: give both parentdir and dbname, or neither');
end
p = find(className == '.', 1, 'last');
if isempty(p) || p == 1
    error('DataJoint:makeClass', 'dj.new requires package.ClassName, got "%s"', className);
end
package = className(1:p-1);
if isempty(which([package '.getSchema']))
    fprintf('Package %s is missing. Calling dj.createSchema...\n', package);
    if nargin >= 4
        dj.createSchema(package, parentdir, dbname);
        rehash();
    else
        dj.createSchema(package);
    end
    if isempty(which([package '.getSchema']))
        error('DataJoint:makeClass', 'Cannot find %s.getSchema', package);
    end
end
schema = feval([package '.getSchema']);
schema.makeClass(className(p+1:end), tier);
end
