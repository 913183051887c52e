classdef Computed < dj.internal.AutoPopulate
    % Rows computed from other tables by populate/makeTuples.
    methods
        function p = tierPrefix(self) %#ok<MANU>
            p = '__';
        end
    end
end
