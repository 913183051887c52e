function missing = missingPrivilege(conn, fullNames, privilege)
% The tables among fullNames (`db`.`table`) on which the connected account
% lacks privilege, so that cascades can refuse before changing anything
% (the approach of datajoint_interop/admin.py). Data privileges are probed
% with EXPLAIN of the statement itself, which the server authorizes like the
% statement (wildcard, table and role grants included) without running it;
% others (DROP, ALTER, ...) are looked up in information_schema.
privilege = upper(privilege);
missing = {};
for i = 1:numel(fullNames)
    name = fullNames{i};
    switch privilege
        case 'DELETE'
            ok = probe(conn, ['EXPLAIN DELETE FROM ' name ' WHERE 0']);
        case 'SELECT'
            ok = probe(conn, ['EXPLAIN SELECT 1 FROM ' name ' WHERE 0']);
        otherwise
            ok = catalogHas(conn, name, privilege);
    end
    if ~ok
        missing{end+1} = name; %#ok<AGROW>
    end
end
end


function ok = probe(conn, sql)
ok = true;
try
    r = conn.query(sql); %#ok<NASGU> (a result is returned, not displayed)
catch err
    if strcmp(err.identifier, 'DataJoint:accessDenied')
        ok = false;
    elseif ~strcmp(err.identifier, 'DataJoint:query') && ~strcmp(err.identifier, 'DataJoint:querySyntax')
        rethrow(err);
    end
end
end


function ok = catalogHas(conn, fullName, privilege)
% global, schema-pattern or table grant of the current account or role
parts = regexp(fullName, '^`((?:[^`]|``)*)`\.`((?:[^`]|``)*)`$', 'tokens', 'once');
db = strrep(parts{1}, '``', '`');
tbl = strrep(parts{2}, '``', '`');
ph = dj.internal.placeholder('string');
grantee = ['(GRANTEE = CONCAT('''''''', SUBSTRING_INDEX(CURRENT_USER(),''@'',1), ''''''@'''''', ' ...
    'SUBSTRING_INDEX(CURRENT_USER(),''@'',-1), '''''''') OR GRANTEE = CONCAT('''''''', CURRENT_ROLE(), ''''''''))'];
r = conn.query(sprintf(['SELECT (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE %s AND PRIVILEGE_TYPE=%s) + ' ...
    '(SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES WHERE %s AND PRIVILEGE_TYPE=%s AND %s LIKE TABLE_SCHEMA) + ' ...
    '(SELECT COUNT(*) FROM information_schema.TABLE_PRIVILEGES WHERE %s AND PRIVILEGE_TYPE=%s ' ...
    'AND TABLE_SCHEMA=%s AND TABLE_NAME=%s) AS n'], grantee, ph, grantee, ph, ph, grantee, ph, ph, ph), ...
    privilege, privilege, db, privilege, db, tbl);
ok = double(r.n(1)) > 0;
end
