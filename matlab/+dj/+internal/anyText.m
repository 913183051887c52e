function s = anyText(v)
% v itself when it is text, else '<class>': for naming an offending value in an error message
if ischar(v)
    s = v;
else
    s = sprintf('<%s>', class(v));
end
end
