function addBuiltinNames()
% Put matlab/builtin-names (dj.kill, dj.struct.sort, dj.struct.rename) on the path once per
% session (see builtin-names/README.md). Octave prints Octave:shadowed-function for those files
% whenever it rescans the path (addpath, rehash, a changed folder), not only once; so under
% Octave exactly that warning id is switched off for the session, before the folder is added.
% Called by matlab/PKG_ADD (Octave runs it at addpath) and by dj.conn and dj.config, through
% which every toolbox session starts (MATLAB has no addpath hook).
persistent done
if ~isempty(done)
    return
end
done = true;
folder = fullfile(fileparts(fileparts(fileparts(mfilename('fullpath')))), 'builtin-names');
if exist(folder, 'dir') ~= 7 || any(strcmp(strsplit(path(), pathsep()), folder))
    return
end
if dj.internal.isOctave()
    warning('off', 'Octave:shadowed-function');
end
addpath(folder, '-end');
end
