classdef Relvar < dj.internal.UserTable
    % Legacy base class: the tier comes from the definition's first line,
    % "pkg.Class (tier) # comment".
    methods
        function p = tierPrefix(self)
            file = which(class(self));
            text = dj.internal.readDefinitionBlock(fileread(file), file);
            tok = regexp(text, '^\s*[A-Za-z_]\w*\.[A-Za-z_]\w*\s*\(\s*(?<tier>\w+)\s*\)', 'names', 'once');
            if isempty(tok)
                error('DataJoint:declare:noTier', ...
                    '%s derives from dj.Relvar: its definition must start with "%s (manual|lookup|imported|computed) # comment"', ...
                    class(self), class(self));
            end
            switch lower(tok.tier)
                case 'manual', p = '';
                case 'lookup', p = '#';
                case 'imported', p = '_';
                case 'computed', p = '__';
                otherwise
                    error('DataJoint:declare:noTier', 'Unknown tier "%s" in the definition of %s', tok.tier, class(self));
            end
        end
    end
end
