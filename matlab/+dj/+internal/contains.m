function tf = contains(str, pattern)
% Octave 7 has no contains(); strfind-based stand-in for char/cellstr patterns.
if iscell(pattern)
    tf = false;
    for i = 1:numel(pattern)
        if dj.internal.contains(str, pattern{i})
            tf = true;
            return
        end
    end
    return
end
tf = ~isempty(strfind(str, pattern));
end
