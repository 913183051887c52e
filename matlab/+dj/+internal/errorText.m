function s = errorText(err)
% An error as ~jobs and ~jobs_runs record it: '<identifier>: <message>' (the identifier alone when
% there is no message, 'MException' when there is none); '' for no error. Python workers write
% '<ErrorClass>: <message>', so retry patterns match both.
s = '';
if isempty(err)
    return
end
s = err.identifier;
if isempty(s)
    s = 'MException';
end
if ~isempty(err.message)
    s = [s ': ' err.message];
end
end
