classdef Imported < dj.internal.AutoPopulate
    % Rows imported from outside the database by populate/makeTuples.
    methods
        function p = tierPrefix(self) %#ok<MANU>
            p = '_';
        end
    end
end
