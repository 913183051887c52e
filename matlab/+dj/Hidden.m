classdef Hidden < dj.internal.UserTable
    % DataJoint for MATLAB 3.5's dj.Hidden: a table of the 'hidden' tier, whose name starts
    % with '$' so that listings of user tables (schema display, diagrams) leave it out.
    methods
        function p = tierPrefix(self) %#ok<MANU>
            p = '$';
        end
    end
end
