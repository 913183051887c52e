classdef AutoPopulate < dj.internal.UserTable
    % populate/parpopulate for Imported and Computed tables. The user class
    % defines makeTuples(self, key) (or make(self, key)) and may define a
    % keySource property; parpopulate coordinates workers, Python ones included,
    % through the ~jobs table of docs/jobs.md.

    methods
        function rel = getKeySource(self)
            % join of the primary parents, renamed foreign keys mapped back
            % to this table's names (same to-do set as the Python package)
            if isprop(self, 'keySource') && ~isempty(self.keySource)
                rel = self.keySource;
                return
            end
            self.ensureIdentity();
            parents = self.connection.parents(self.dbName, self.tableName);
            pk = self.primaryKey();
            rel = [];
            for i = 1:numel(parents)
                p = parents{i};
                if ~all(ismember(p.attrMap(:, 2), pk))
                    continue
                end
                t = dj.FreeTable(self.connection, p.db, p.table);
                if all(strcmp(p.attrMap(:, 1), p.attrMap(:, 2)))
                    t = proj(t);
                else
                    renames = cellfun(@(a, b) [a '->' b], p.attrMap(:, 1), p.attrMap(:, 2), 'UniformOutput', false);
                    t = proj(t, renames{:});
                end
                if isempty(rel)
                    rel = t;
                else
                    rel = rel * t;
                end
            end
            if isempty(rel)
                error('DataJoint:populate:noKeySource', ...
                    '%s has no primary parents: define a keySource property', class(self));
            end
        end

        function [failedKeys, errors] = populate(self, varargin)
            % populate(rel, restrictions...): makeTuples for each missing key
            [failedKeys, errors] = dj.internal.populateLoop(self, false, varargin{:});
        end

        function [failedKeys, errors] = parpopulate(self, varargin)
            % populate with job reservations, so that workers share the work
            [failedKeys, errors] = dj.internal.populateLoop(self, true, varargin{:});
        end

        function varargout = progress(self, varargin)
            src = self.getKeySource();
            for i = 1:numel(varargin)
                src = src & varargin{i};
            end
            total = count(proj(src));
            remaining = count(proj(src) - proj(self.emptyCopy()));
            if nargout == 0
                fprintf('%s: %d of %d remaining\n', class(self), remaining, total);
            else
                varargout = {remaining, total};
            end
        end

    end

    methods (Hidden)
        function callMake(self, key)
            % entry point for the populate loop, which is not a method
            self.make(key);
        end
    end

    methods (Access = protected)
        function make(self, key)
            % default: the MATLAB toolbox's older name
            self.makeTuples(key);
        end

        function makeTuples(self, key) %#ok<INUSD>
            error('DataJoint:notImplemented', '%s must define makeTuples(self, key) or make(self, key)', class(self));
        end
    end
end
