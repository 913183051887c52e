function name = fromCamelCase(className)
% ClassName -> snake_name, the rule both originals share (schema-conventions 2.1).
if isempty(regexp(className, '^[A-Z][A-Za-z0-9]*$', 'once'))
    error('DataJoint:naming:invalidClassName', ...
        'Class name "%s" must start with an uppercase letter and contain only letters and digits', className);
end
name = regexprep(className, '([A-Z])', '_$1');
name = lower(name);
if name(1) == '_'
    name = name(2:end);
end
end
