classdef Shared < dj.Manual
    % DataJoint for MATLAB 3.5's dj.Shared: a manual-tier table (no table-name prefix). As in
    % 3.5 nothing more is enforced: rows are entered like those of dj.Manual.
end
