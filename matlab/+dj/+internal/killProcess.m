function killed = killProcess(connection, id)
% End server connection id (a whole number from the process list). A
% connection that ended meanwhile is not an error: killed is then false.
killed = true;
try
    connection.query(sprintf('KILL %d', round(double(id))));
catch err
    if isempty(strfind(err.message, 'server error 1094'))   % unknown thread id
        rethrow(err);
    end
    killed = false;
end
end
