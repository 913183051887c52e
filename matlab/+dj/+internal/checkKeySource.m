function checkKeySource(table)
% The key source checks 3.x runs before populate when dj.config('queryPopulate_check')
% is true (the default): warn when the key source's primary key has attributes the
% table's primary key lacks (make is then called for more keys than the table can
% hold), and when the table's key lists one of its own attributes before the key
% source's (3.x: the reservation and make transactions may then time out).
if ~dj.internal.setting('queryPopulate_check', true)
    return
end
sourceKey = table.getKeySource().primaryKey;
ownKey = table.primaryKey;
extra = setdiff(sourceKey, ownKey, 'stable');
if ~isempty(extra)
    warning('DataJoint:populate:keySourceExtra', ['The key source of %s has primary key attributes ' ...
        'the table lacks (%s): its primary key is normally part of the table''s'], ...
        class(table), strjoin(extra, ', '));
end
above = setdiff(ownKey(1:min(end, numel(sourceKey))), sourceKey, 'stable');
if ~isempty(above)
    warning('DataJoint:populate:keyOrder', ['Primary key attribute(s) %s of %s come before the key ' ...
        'source''s attributes: transactions may time out (dj.config(''queryPopulate_check'', false) ' ...
        'turns this check off)'], strjoin(above, ', '), class(table));
end
end
