classdef Manual < dj.internal.UserTable
    % Rows entered by hand or by scripts.
    methods
        function p = tierPrefix(self) %#ok<MANU>
            p = '';
        end
    end
end
