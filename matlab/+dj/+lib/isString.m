function tf = isString(s)
% DJ.LIB.ISSTRING  True for a char array or (MATLAB) a string object, as 3.x.
tf = ischar(s) || (exist('isstring', 'builtin') ~= 0 && isstring(s));
end
