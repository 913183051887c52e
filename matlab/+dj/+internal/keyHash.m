function h = keyHash(key, attrs)
% key_hash of docs/jobs.md: MD5 of the concatenated Python str() texts of the
% job-key values in ascending attribute-name order. attrs: heading attributes.
names = sort(fieldnames(key));
text = '';
for i = 1:numel(names)
    a = attrs(strcmp({attrs.name}, names{i}));
    if isempty(a)
        error('DataJoint:jobs:badKey', 'Key attribute "%s" is not in the key source', names{i});
    end
    text = [text dj.internal.keyValue(key.(names{i}), a)]; %#ok<AGROW>
end
h = dj.internal.md5(text);
end
