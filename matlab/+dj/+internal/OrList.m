classdef OrList
    % B | C as a restriction: rows matching any of the conditions. As in 3.5 it is only an
    % argument of & and -; the query methods say so (and name A + B, the union) instead of
    % Octave's "undefined function".
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
        function varargout = count(self, varargin) %#ok<STOUT>
            notAQuery('count');
        end
        function varargout = fetch(self, varargin) %#ok<STOUT>
            notAQuery('fetch');
        end
        function varargout = fetch1(self, varargin) %#ok<STOUT>
            notAQuery('fetch1');
        end
        function varargout = fetchn(self, varargin) %#ok<STOUT>
            notAQuery('fetchn');
        end
        function varargout = exists(self, varargin) %#ok<STOUT>
            notAQuery('exists');
        end
    end
end


function notAQuery(method)
error('DataJoint:query:orList', ['%s: A | B is a restriction, to be used as in R & (A | B) or ' ...
    'R - (A | B); the union of two queries is A + B'], method);
end
