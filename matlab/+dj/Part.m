classdef Part < dj.internal.UserTable
    % A part of a master table: class pkg.MasterPart with a 'master' property
    % holding the master; table name <master table>__<part>.
    properties (Abstract, SetAccess = protected)
        master
    end
    methods
        function p = tierPrefix(self) %#ok<MANU>
            p = '';
        end

        function name = plainTableName(self)
            if isempty(self.master)
                error('DataJoint:part:noMaster', 'Part table %s must define a ''master'' property', class(self));
            end
            m = self.master;
            mcls = class(m);
            cls = class(self);
            mb = mcls(find(mcls == '.', 1, 'last')+1:end);
            pb = cls(find(cls == '.', 1, 'last')+1:end);
            if ~strncmp(pb, mb, numel(mb)) || numel(pb) == numel(mb)
                error('DataJoint:part:naming', 'Part class %s must be named %s<PartName>', cls, mb);
            end
            m.ensureIdentity();
            name = [m.tableName '__' dj.internal.fromCamelCase(pb(numel(mb)+1:end))];
        end
    end
end
