function text = readDefinitionBlock(fileText, source)
% The table definition is the first %{ ... %} (or %< ... %>) block of a
% classdef file: a line that is exactly the opener after trimming, up to the
% matching closer.
if nargin < 2
    source = 'class file';
end
lines = regexp(fileText, '\r?\n', 'split');
first = 0;
closer = '';
for i = 1:numel(lines)
    t = strtrim(lines{i});
    if strcmp(t, '%{')
        first = i; closer = '%}'; break
    elseif strcmp(t, '%<')
        first = i; closer = '%>'; break
    end
end
if ~first
    error('DataJoint:declare:noDefinition', ...
        'No table definition found in %s: expected a %%{ ... %%} block', source);
end
last = 0;
for i = first+1:numel(lines)
    if strcmp(strtrim(lines{i}), closer)
        last = i; break
    end
end
if ~last
    error('DataJoint:declare:noDefinition', ...
        'The definition block in %s is not closed by %s', source, closer);
end
text = strjoin(lines(first+1:last-1), sprintf('\n'));
end
