function varargout = version
% The DataJoint for MATLAB API level this toolbox implements, as 3.x reports
% it: a struct(major, minor, bugfix), or printed when no output is asked for.
% Code that checks dj.version before using a 3.5 feature keeps working.
v = struct('major', 3, 'minor', 5, 'bugfix', 0);
if nargout
    varargout{1} = v;
else
    fprintf('\nDataJoint version %d.%d.%d (datajoint-interop toolbox)\n\n', v.major, v.minor, v.bugfix);
end
end
