function v = checkSetting(name, v, source)
% A value of a known dj.config setting, checked before it is used so that a
% typo fails where it is made (DataJoint:config:badValue names the setting
% and where the value came from); unknown settings pass unchanged, as in 3.x.
switch name
    case {'safemode', 'displayCount', 'queryPopulate_check', 'queryPopulate_ancestors', ...
            'queryBigint_to_double', 'queryIgnore_extra_insert_fields', 'use_32bit_dims', ...
            'databaseReconnect_transaction'}
        if ~((islogical(v) || isnumeric(v)) && isscalar(v) && isreal(v) && (v == 0 || v == 1))
            bad(name, source, 'true or false');
        end
        v = logical(v);
    case 'databasePort'
        if ischar(v) && ~isempty(regexp(v, '^\d+$', 'once'))
            v = str2double(v);
        end
        if ~isWhole(v) || v < 1 || v > 65535
            bad(name, source, 'a port number (1 to 65535)');
        end
        v = double(v);
    case {'databaseRead_timeout', 'databaseWrite_timeout'}
        if ~isnumeric(v) || ~isscalar(v) || ~isreal(v) || isnan(v) || v < 0
            bad(name, source, 'a number of seconds >= 0 (0 or Inf: no limit)');
        end
        v = double(v);
    case {'displayLimit', 'displayDiagram_font_size', 'populateRetries'}
        if ~isWhole(v) || v < 0
            bad(name, source, 'a whole number >= 0');
        end
        v = double(v);
    case 'blobMaxDecompressedSize'
        if ~isWhole(v) || v < 1
            bad(name, source, 'a positive whole number of bytes');
        end
        v = double(v);
    case 'databaseUse_tls'
        dj.internal.tlsOption(v);   % checked here, kept as given
end
end


function tf = isWhole(v)
tf = isnumeric(v) && isscalar(v) && isreal(v) && isfinite(v) && v == floor(v);
end


function bad(name, source, what)
error('DataJoint:config:badValue', 'dj.config(''%s'') must be %s (value from %s)', name, what, source);
end
