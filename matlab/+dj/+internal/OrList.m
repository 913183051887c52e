classdef OrList
    % B | C as a restriction: rows matching any of the conditions.
    properties (SetAccess = private)
        conds = {}
    end
    methods
        function self = OrList(conds)
            self.conds = conds;
        end
        function r = or(self, other)
            r = dj.internal.OrList([self.conds {other}]);
        end
        function r = not(self)
            r = dj.internal.Negation(self);
        end
    end
end
