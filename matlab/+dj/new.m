function new(className, tier)
% dj.new('package.ClassName' [, tier]) as in DataJoint for MATLAB 3.x: write
% the class file for a table of the package (calling dj.createSchema first when
% the package has no getSchema). tier is 'L', 'M', 'I', 'C' or 'P' (or the
% full name); it is asked for when omitted and the table does not exist yet.
if nargin < 1
    className = input('Enter <package>.<ClassName>: ', 's');
end
if nargin < 2
    tier = '';
end
p = find(className == '.', 1, 'last');
if isempty(p) || p == 1
    error('DataJoint:makeClass', 'dj.new requires package.ClassName, got "%s"', className);
end
package = className(1:p-1);
if isempty(which([package '.getSchema']))
    fprintf('Package %s is missing. Calling dj.createSchema...\n', package);
    dj.createSchema(package);
    if isempty(which([package '.getSchema']))
        error('DataJoint:makeClass', 'Cannot find %s.getSchema', package);
    end
end
schema = feval([package '.getSchema']);
schema.makeClass(className(p+1:end), tier);
end
