function ret = joinStructs(s1, s2, keepUnmatched)
% the join of dj.struct.join / leftOuterJoin: common fields compared with isequal
if ~isstruct(s1) || ~isstruct(s2) || (~isempty(s1) && size(s1, 2) ~= 1) || (~isempty(s2) && size(s2, 2) ~= 1)
    error('DataJoint:struct:badArgument', 'dj.struct.join needs two column struct arrays');
end
f1 = fieldnames(s1);
f2 = fieldnames(s2);
common = intersect(f1, f2);
extra = setdiff(f2, f1, 'stable');
names = [f1; extra(:)];
c1 = struct2cell(s1(:)');
c2 = struct2cell(s2(:)');
c1 = reshape(c1, numel(f1), []);
c2 = reshape(c2, numel(f2), []);
[~, k1] = ismember(common, f1);
[~, k2] = ismember(common, f2);
[~, ke] = ismember(extra, f2);
rows = {};
matched = false(1, size(c1, 2));
for j = 1:size(c2, 2)
    for i = 1:size(c1, 2)
        if isequal(c1(k1, i), c2(k2, j))
            rows{end+1} = [c1(:, i); c2(ke, j)]; %#ok<AGROW>
            matched(i) = true;
        end
    end
end
if keepUnmatched
    for i = find(~matched)
        rows{end+1} = [c1(:, i); cell(numel(extra), 1)]; %#ok<AGROW>
    end
end
if isempty(rows)
    ret = cell2struct(cell(numel(names), 0), names, 1);
else
    ret = cell2struct([rows{:}], names, 1);
end
end
