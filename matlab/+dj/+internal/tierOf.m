function tier = tierOf(tableName)
% the tier a table name says, by the prefixes both originals use: '#' lookup,
% '_' imported, '__' computed, '~' job, none manual; '<master>__<part>' part;
% '$' hidden (DataJoint for MATLAB 3.5's dj.Hidden only)
base = regexprep(tableName, '^(~|#|__|_|\$)', '');
if ~isempty(strfind(base, '__'))
    tier = 'part';
elseif strncmp(tableName, '$', 1)
    tier = 'hidden';   % 3.5's dj.Hidden
elseif strncmp(tableName, '~', 1)
    tier = 'job';
elseif strncmp(tableName, '__', 2)
    tier = 'computed';
elseif strncmp(tableName, '_', 1)
    tier = 'imported';
elseif strncmp(tableName, '#', 1)
    tier = 'lookup';
else
    tier = 'manual';
end
end
