function ret = join(s1, s2)
% DJ.STRUCT.JOIN  Natural join of two column struct arrays (3.x): every pair of elements whose
%   common fields hold equal values gives one element with the fields of s1 and then the other
%   fields of s2, ordered by s2's elements, then s1's.
ret = dj.internal.joinStructs(s1, s2, false);
end
