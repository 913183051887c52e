function s = rename(s, varargin)
% DJ.STRUCT.RENAME  Rename fields of a struct array: dj.struct.rename(s, 'old1', 'new1', ...).
%   The fields keep their order; a new name that is already a field is an error.
%   In matlab/builtin-names because Octave warns about any function file named like a
%   built-in (rename), package or not (see that folder's README.md).
if ~isstruct(s) || mod(numel(varargin), 2) ~= 0 || ~iscellstr(varargin)
    error('DataJoint:struct:badArgument', 'dj.struct.rename(s, ''old'', ''new'', ...) needs pairs of field names');
end
names = fieldnames(s);
for i = 1:2:numel(varargin)
    k = find(strcmp(names, varargin{i}));
    if isempty(k)
        error('DataJoint:struct:badArgument', 'dj.struct.rename: no field %s', varargin{i});
    end
    if ~strcmp(varargin{i}, varargin{i+1}) && any(strcmp(names, varargin{i+1}))
        error('DataJoint:struct:badArgument', 'dj.struct.rename: field %s exists already', varargin{i+1});
    end
    if ~isvarname(varargin{i+1})
        error('DataJoint:struct:badArgument', 'dj.struct.rename: %s is not a valid field name', varargin{i+1});
    end
    names{k} = varargin{i+1};
end
s = cell2struct(struct2cell(s), names, 1);
end
