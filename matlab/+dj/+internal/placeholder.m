function p = placeholder(kind)
% The mym placeholder for a value of the given kind. Every value the toolbox
% sends goes through one of these; nothing is spliced into SQL text.
switch kind
    case 'string'
        p = '"{S}"';
    case 'blob'
        p = '"{M}"';
    case 'bytes'
        p = '"{B}"';
    case 'rawbytes'
        p = '"{uB}"';   % uint8 sent as is, never compressed
    otherwise
        error('DataJoint:internal', 'unknown placeholder kind %s', kind);
end
end
