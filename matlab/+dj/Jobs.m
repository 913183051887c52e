classdef Jobs < dj.internal.UserTable
    % Base class of +pkg/Jobs.m, the schema's ~jobs reservation table (3.x's
    % dj.Jobs): pkg.Jobs is queryable like any table, e.g.
    % fetch(pkg.Jobs & 'status="error"', '*') or del(pkg.Jobs & key).
    % The table is the one parpopulate uses in both languages (docs/jobs.md).
    methods
        function p = tierPrefix(self) %#ok<MANU>
            p = '~';
        end

        function name = plainTableName(self) %#ok<MANU>
            name = '~jobs';
        end
    end

    methods (Static)
        function file = writeClass(folder, dbname)
            % write <folder>/Jobs.m unless it exists; the definition is
            % docs/jobs.md's (comment included), so declaring from it gives
            % the table Python and parpopulate create for database dbname
            file = fullfile(folder, 'Jobs.m');
            if exist(file, 'file')
                return
            end
            f = fopen(file, 'w');
            if f < 0
                error('DataJoint:schema:write', 'Cannot write %s', file);
            end
            fprintf(f, '%s', jobsClassText(dbname));
            fclose(f);
        end
    end
end


function text = jobsClassText(dbname)
lines = {
    '%{'
    ['# job reservation table for `' dbname '`']
    'table_name : varchar(255)            # className of the table'
    'key_hash : char(32)                  # key hash'
    '---'
    'status : enum(''reserved'',''error'',''ignore'')  # if tuple is missing, the job is available'
    'key=null : blob                      # structure containing the key'
    'error_message="" : varchar(2047)     # error message returned if failed'
    'error_stack=null : mediumblob        # error stack if failed'
    'user="" : varchar(255)               # database user'
    'host="" : varchar(255)               # system hostname'
    'pid=0 : int unsigned                 # system process id'
    'connection_id=0 : bigint unsigned    # connection_id()'
    'timestamp=CURRENT_TIMESTAMP : timestamp  # automatic timestamp'
    '%}'
    ''
    'classdef Jobs < dj.Jobs'
    'end'
    };
text = sprintf('%s\n', lines{:});
end
