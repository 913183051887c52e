function s = shorthash(varargin)
% DJ.INTERNAL.SHORTHASH  The first 8 characters of dj.internal.hash (3.x).
s = dj.internal.hash(varargin{:});
s = s(1:8);
end
