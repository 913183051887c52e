function replaceDefinition(file, definition)
% Write definition (a '%{ ... %}' block) in place of the first such block of
% a class file, or before its first line when it has none (3.x's syncDef).
% The file is rewritten through a temporary name so a failure leaves it whole.
text = fileread(file);
lines = regexp(text, '\r?\n', 'split');
if ~isempty(lines) && isempty(lines{end})
    lines(end) = [];
end
trimmed = strtrim(lines);
first = find(strcmp(trimmed, '%{'), 1);
last = [];
if ~isempty(first)
    last = find(strcmp(trimmed(first+1:end), '%}'), 1) + first;
end
if isempty(first) || isempty(last)
    before = {};
    after = lines;
else
    before = lines(1:first-1);
    after = lines(last+1:end);
end
newText = [sprintf('%s\n', before{:}) definition sprintf('%s\n', after{:})];
tmp = [file '.tmp'];
f = fopen(tmp, 'w');
if f < 0
    error('DataJoint:syncDef:write', 'Cannot write %s', tmp);
end
fprintf(f, '%s', newText);
fclose(f);
[ok, msg] = movefile(tmp, file, 'f');
if ~ok
    error('DataJoint:syncDef:write', 'Cannot replace %s: %s', file, msg);
end
end
