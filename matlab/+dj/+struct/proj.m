function s = proj(s, varargin)
% DJ.STRUCT.PROJ  Same as dj.struct.pro (3.x's newer name).
s = dj.struct.pro(s, varargin{:});
end
