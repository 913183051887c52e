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
            dj.internal.checkKeySource(self);
            populateAncestors(self, false, varargin);
            [failedKeys, errors] = dj.internal.populateLoop(self, false, varargin{:});
        end

        function [failedKeys, errors] = parpopulate(self, varargin)
            % populate with job reservations, so that workers share the work
            writeJobsClass(class(self));
            dj.internal.checkKeySource(self);
            populateAncestors(self, true, varargin);
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
        function made = callMake(self, key, conn, done)
            % Entry point for the populate loop (not a method, so it cannot
            % call protected methods). Opens the make transaction: for a
            % three-part make, make_fetch and make_compute run before it and
            % make_fetch runs again inside it (docs/jobs.md 4.3). done, when
            % not empty, is the target restricted to key (unreserved populate):
            % if it has rows once the transaction is open, another worker made
            % the key and made is false (the caller rolls back).
            made = false;
            if self.isThreePart()
                if ~isempty(done) && exists(done)
                    return
                end
                fetched = asCell(self.make_fetch(key));
                computed = asCell(self.make_compute(key, fetched{:}));
                conn.startTransaction();
                if ~isempty(done) && exists(done)
                    return
                end
                again = asCell(self.make_fetch(key));
                if ~isequaln(fetched, again)
                    error('DataJoint:populate:inputsChanged', ...
                        'The inputs of %s changed between make_fetch and make_insert', class(self));
                end
                self.make_insert(key, computed{:});
            else
                conn.startTransaction();
                if ~isempty(done) && exists(done)
                    return
                end
                self.make(key);
            end
            made = true;
        end

        function tf = isThreePart(self)
            % true when the class defines its own make_fetch
            ml = metaclass(self).MethodList;
            if ~iscell(ml)
                ml = num2cell(ml);
            end
            tf = false;
            for i = 1:numel(ml)
                if strcmp(ml{i}.Name, 'make_fetch')
                    tf = ~strcmp(ml{i}.DefiningClass.Name, 'dj.internal.AutoPopulate');
                    return
                end
            end
        end
    end

    methods (Access = protected)
        function make(self, key)
            % default: the MATLAB toolbox's older name
            self.makeTuples(key);
        end

        function fetched = make_fetch(self, key) %#ok<INUSD,STOUT>
            % three-part make: fetch the inputs of key, return them in a cell
            error('DataJoint:notImplemented', '%s does not define make_fetch', class(self));
        end

        function computed = make_compute(self, key, varargin) %#ok<INUSD,STOUT>
            % three-part make: compute from the fetched inputs, return a cell
            error('DataJoint:notImplemented', '%s must define make_compute with make_fetch', class(self));
        end

        function make_insert(self, key, varargin) %#ok<INUSD>
            % three-part make: insert the computed results (inside the transaction)
            error('DataJoint:notImplemented', '%s must define make_insert with make_fetch', class(self));
        end

        function makeTuples(self, key) %#ok<INUSD>
            error('DataJoint:notImplemented', '%s must define makeTuples(self, key) or make(self, key)', class(self));
        end
    end
end


function writeJobsClass(cls)
% +pkg/Jobs.m, so that pkg.Jobs shows the queue, as 3.x writes it on first
% parpopulate; a package folder that cannot be written only gets a warning
k = find(cls == '.', 1, 'last');
folder = fileparts(which([cls(1:k-1) '.getSchema']));
if isempty(folder) || exist(fullfile(folder, 'Jobs.m'), 'file')
    return
end
try
    schema = feval([cls(1:k-1) '.getSchema']);
    dj.Jobs.writeClass(folder, schema.dbname);
    rehash();
catch err
    warning('DataJoint:populate:jobsClass', 'Could not write %s: %s', fullfile(folder, 'Jobs.m'), err.message);
end
end


function c = asCell(x)
if ~iscell(x)
    c = {x};
else
    c = x;
end
end


function populateAncestors(self, reserve, args)
% with dj.config('queryPopulate_ancestors') true (3.x), the Imported/Computed tables this one
% depends on are populated first, farthest first, each with the same arguments (and like self
% with or without reservations); tables of no bound package (no class to call make on) are left
% alone. populate's first error stops it, as it would for self.
if ~isequal(dj.config('queryPopulate_ancestors'), true)
    return
end
names = self.ancestors();
for i = 1:numel(names) - 1
    name = names{i};
    if name(1) == '`' || strcmp(name, class(self)) || isempty(which(name))
        continue
    end
    t = feval(name);
    if isa(t, 'dj.internal.AutoPopulate')
        if reserve
            writeJobsClass(name);
        end
        dj.internal.checkKeySource(t);
        dj.internal.populateLoop(t, reserve, args{:});
    end
end
end
