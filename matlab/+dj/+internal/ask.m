function choice = ask(question, choices)
% DJ.INTERNAL.ASK  Ask until one of choices (default {'yes', 'no'}) is typed, as 3.x: the
%   question is followed by ' (yes/no) > '; the answer is compared and returned in lower case.
if nargin < 2
    choices = {'yes', 'no'};
end
if ~ischar(question) || ~iscellstr(choices) || isempty(choices)
    error('DataJoint:ask:badArgument', 'ask(question, choices) needs a text and a cell of texts');
end
prompt = sprintf('%s (%s) > ', question, strjoin(choices, '/'));
prompt = strrep(prompt, '\', '\\');   % input() reads escapes in its prompt
choice = '';
while ~any(strcmp(choice, lower(choices)))
    choice = lower(strtrim(input(prompt, 's')));
end
end
