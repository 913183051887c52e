function h = hostName()
% this machine's name, as ~jobs and ~jobs_runs record it (the Python workers: platform.node())
if exist('OCTAVE_VERSION', 'builtin')
    h = gethostname();
else
    try
        h = char(java.net.InetAddress.getLocalHost().getHostName());
    catch
        h = getenv('HOSTNAME');
    end
end
end
