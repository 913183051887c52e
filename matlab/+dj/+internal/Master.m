classdef Master < handle
    % DataJoint for MATLAB 3.5's mix-in for masters of part tables
    % (classdef Session < dj.Manual & dj.internal.Master). Every master here declares and
    % deletes its parts already (see docs/matlab.md, Tables); the mix-in adds 3.5's getParts.
    methods
        function list = getParts(self)
            % the part tables of this master, as objects: classes <Master><Part> of the same
            % package deriving from dj.Part
            if ~isa(self, 'dj.internal.UserTable')
                error('DataJoint:part:badMaster', ...
                    'dj.internal.Master is a mix-in for table classes (dj.Manual, dj.Imported, ...)');
            end
            names = self.partClassNames();
            list = cellfun(@feval, names, 'UniformOutput', false);
        end
    end
end
