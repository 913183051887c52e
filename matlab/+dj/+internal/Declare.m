classdef Declare
    % DataJoint for MATLAB 3.5's dj.internal.Declare: its static declare(table, definition)
    % and getDefinition(table), which 3.x code uses to compare a class file with describe.
    % The toolbox declares through dj.internal.compileDefinition (0.14's CREATE TABLE form);
    % reverse engineering is describe(table).
    methods (Static)
        function [sql, external_stores] = declare(table_instance, def)
            % [sql, external_stores] = dj.internal.Declare.declare(table, definition): the
            % CREATE TABLE statement for the table object's class and name from the
            % definition text (with or without the %{ %} of a class file), and the external
            % stores its attributes use. Nothing is sent to the server.
            if ~isa(table_instance, 'dj.internal.Table')
                error('DataJoint:declare:badArgument', ...
                    'dj.internal.Declare.declare(table, definition): table must be an object of a table class');
            end
            if ~ischar(def) || (~isrow(def) && ~isempty(def))
                error('DataJoint:declare:badArgument', 'dj.internal.Declare.declare: the definition must be text');
            end
            def = strrep(strrep(def, '%{', ''), '%}', '');
            if ~isa(table_instance, 'dj.internal.UserTable')
                % a table without a class (schema.v.Name, dj.FreeTable): its own database and name
                [sql, external_stores] = dj.internal.declareClass(table_instance.fullName, ...
                    struct('dbname', table_instance.dbName), table_instance.tableName, def);
                return
            end
            cls = class(table_instance);
            s = feval([cls(1:find(cls == '.', 1, 'last') - 1) '.getSchema']);
            [sql, external_stores] = dj.internal.declareClass(cls, s, table_instance.plainTableName(), def);
        end

        function def = getDefinition(table_instance)
            % def = dj.internal.Declare.getDefinition(table): the definition text of the
            % table's class file (its first %{ ... %} block, without the markers), as the
            % file says it, not as the server has it (that is describe(table)); for a table
            % without a class (schema.v.Name, dj.FreeTable) there is only describe's text.
            if ~isa(table_instance, 'dj.internal.Table')
                error('DataJoint:declare:badArgument', ...
                    'dj.internal.Declare.getDefinition(table): table must be an object of a table class');
            end
            if ~isa(table_instance, 'dj.internal.UserTable')
                % no class file (schema.v.Name, dj.FreeTable): the live table's definition
                def = strtrim(strrep(strrep(describe(table_instance), '%{', ''), '%}', ''));
                return
            end
            file = which(class(table_instance));
            if isempty(file)
                error('DataJoint:declare:noClass', 'Cannot find the class file of %s', class(table_instance));
            end
            def = dj.internal.readDefinitionBlock(fileread(file), file);
        end
    end
end
