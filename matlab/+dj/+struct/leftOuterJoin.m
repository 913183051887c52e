function ret = leftOuterJoin(s1, s2)
% DJ.STRUCT.LEFTOUTERJOIN  Like dj.struct.join, and also every element of s1 without a match,
%   its fields from s2 set to [] (appended after the matches, in s1's order).
ret = dj.internal.joinStructs(s1, s2, true);
end
