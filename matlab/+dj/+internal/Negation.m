classdef Negation
    % ~cond as a restriction: A & ~B is A - B.
    properties (SetAccess = private)
        cond
    end
    methods
        function self = Negation(cond)
            self.cond = cond;
        end
        function r = not(self)
            r = self.cond;
        end
    end
end
