function str = makeCode(s)
% DJ.STRUCT.MAKECODE  MATLAB code text that rebuilds a struct array of numeric scalars and text
%   (3.x): a cell2struct call. Other values raise DataJoint:struct:badArgument.
if ~isstruct(s)
    error('DataJoint:struct:badArgument', 'dj.struct.makeCode needs a struct array');
end
names = fieldnames(s);
str = 'cell2struct({...';
for i = 1:numel(s)
    c = struct2cell(s(i));
    parts = cell(1, numel(c));
    for k = 1:numel(c)
        parts{k} = literal(c{k}, names{k});
    end
    str = sprintf('%s\n   %s', str, strjoin(parts, ' '));
end
str = sprintf('%s\n},{...\n%s\n},2);', str, sprintf(' ''%s''', names{:}));
end


function t = literal(v, name)
if (isnumeric(v) || islogical(v)) && isscalar(v)
    if isfloat(v)
        t = sprintf('%1.16g', v);
    else
        t = sprintf('%d', v);
    end
elseif ischar(v) && (isempty(v) || size(v, 1) == 1)
    t = ['''' strrep(v, '''', '''''') ''''];
else
    error('DataJoint:struct:badArgument', 'dj.struct.makeCode: field %s holds a value that is not a scalar or text', name);
end
end
