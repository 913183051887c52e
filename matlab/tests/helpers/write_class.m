function write_class(work, pkg, name, lines, base, body)
% WRITE_CLASS  Write +<pkg>/<name>.m under work: a classdef deriving from base whose leading
% block comment holds the definition lines; body is inserted verbatim before the closing end.
  f = fopen(fullfile(work, ['+' pkg], [name '.m']), 'w');
  fprintf(f, '%%{\n%s\n%%}\nclassdef %s < %s\n%send\n', strjoin(lines, sprintf('\n')), name, base, body);
  fclose(f);
end
