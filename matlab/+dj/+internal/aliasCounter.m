function n = aliasCounter()
% distinct names for derived tables within one statement
persistent k
if isempty(k)
    k = 0;
end
k = k + 1;
n = k;
end
