function m = masterOf(fullName)
% `db`.`master` for a part table `db`.`master__part`, '' for any other table.
% Part names are the master's name, '__' and the part's snake_case name, and
% no other table name has '__' after its tier prefix.
tok = regexp(fullName, '^(`(?:[^`]|``)*`\.`#?\w+)__\w+`$', 'tokens', 'once');
if isempty(tok) || ~isempty(regexp(tok{1}, '\.`#?_*$', 'once'))
    m = '';
else
    m = [tok{1} '`'];
end
end
