classdef Lookup < dj.internal.UserTable
    % Reference rows; a 'contents' property (cell rows or struct array) is
    % inserted when the table is declared.
    methods
        function p = tierPrefix(self) %#ok<MANU>
            p = '#';
        end
    end
    methods (Hidden)
        function afterDeclare(self)
            if isprop(self, 'contents') && ~isempty(self.contents)
                self.insert(self.contents, 'IGNORE');
            end
        end
    end
end
