function s = pro(s, varargin)
% DJ.STRUCT.PRO  Keep only the named fields of a struct array (3.x; duplicates are kept).
%   s = dj.struct.pro(s, 'a', 'b')
if ~isstruct(s) || ~iscellstr(varargin)
    error('DataJoint:struct:badArgument', 'dj.struct.pro(s, ''field'', ...) needs a struct array and field names');
end
drop = setdiff(fieldnames(s), varargin);
if ~isempty(drop)
    s = rmfield(s, drop);
end
end
