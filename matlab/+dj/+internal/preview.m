function preview(rel)
% Print a query as DataJoint for MATLAB 3.x shows it (disp): "Object <class>", the
% table comment, the first dj.config('displayLimit') rows (blobs as =BLOB=, primary
% key names in capitals), '...' when there are more, and the number of rows unless
% dj.config('displayCount') is false. Octave has no table class to print rows with,
% so the text table is built here, the same under MATLAB.
t0 = tic;
limit = dj.internal.setting('displayLimit', 12);
if ~isnumeric(limit) || ~isscalar(limit) || ~(limit >= 0) || limit ~= floor(limit)
    error('DataJoint:config:badValue', 'dj.config(''displayLimit'') must be a whole number of rows');
end
fprintf('\nObject %s\n\n', class(rel));
info = rel.headerInfo();
if ~isempty(info)
    fprintf(' :: %s ::\n\n', printable(info.comment));
end
fprintf('%s', previewText(rel, limit));
if dj.internal.setting('displayCount', true)
    fprintf('%d tuples (%.3g s)\n\n', rel.count(), toc(t0));
end
end


function text = previewText(rel, limit)
% the preview table of disp: at most limit rows, then '...' if there are more
h = rel.attrs();
if isempty(h)
    text = '';
    return
end
blob = [h.isBlob] | [h.isExternal] | [h.isAttachment] | [h.isFilepath];  % 3.x: none is read for a preview
names = {h.name};
rows = struct([]);
if limit > 0 && ~all(blob)
    rows = rel.fetchStruct(names(~blob), sprintf(' LIMIT %d', limit + 1));
end
more = numel(rows) > limit;
rows = rows(1:min(end, limit));
if isempty(rows)
    text = '';
    return
end
cols = cell(1, numel(names));
for j = 1:numel(names)
    title = printable(names{j});
    if h(j).inKey
        title = upper(title);
    end
    cells = cell(numel(rows), 1);
    for i = 1:numel(rows)
        if blob(j)
            cells{i} = '''=BLOB=''';  % quoted like text, as 3.x's table display
        else
            cells{i} = previewValue(rows(i).(names{j}));
        end
    end
    width = max([numel(title); cellfun(@numel, cells)]);
    numeric = h(j).isNumeric && ~blob(j);
    cols{j} = struct('title', title, 'cells', {cells}, 'width', width, 'numeric', numeric);
end
lines = cell(numel(rows) + 3, 1);
lines{1} = joinColumns(cols, @(c) centered(c.title, c.width));
lines{2} = joinColumns(cols, @(c) centered(repmat('_', 1, numel(c.title)), c.width));
lines{3} = '';
for i = 1:numel(rows)
    lines{i + 3} = joinColumns(cols, @(c) aligned(c, i));
end
text = sprintf('%s\n', lines{:});
text = [text sprintf('\n')];
if more
    text = [text sprintf('          ...\n\n')];
end
end


function s = joinColumns(cols, cellText)
% one line of the preview: the columns' texts, four spaces apart
parts = cellfun(cellText, cols, 'UniformOutput', false);
s = ['    ' strjoin(parts, '    ')];
end


function s = centered(t, width)
left = floor((width - numel(t)) / 2);
s = [repmat(' ', 1, left) t repmat(' ', 1, width - numel(t) - left)];
end


function s = aligned(c, i)
% numbers right-aligned, text left-aligned, as a MATLAB table shows them
t = c.cells{i};
pad = repmat(' ', 1, c.width - numel(t));
if c.numeric
    s = [pad t];
else
    s = [t pad];
end
end


function s = previewValue(v)
% one value as short text: numbers in short form, text quoted and cut at 40 characters
if ischar(v)
    v = printable(v);
    if numel(v) > 40
        v = [v(1:37) '...'];
    end
    s = ['''' v ''''];
elseif (isnumeric(v) || islogical(v)) && isscalar(v)
    s = num2str(v);
elseif isempty(v)
    s = '';
else
    s = sprintf('[%s %s]', strjoin(arrayfun(@num2str, size(v), 'UniformOutput', false), 'x'), class(v));
end
end


function s = printable(s)
% text shown in the preview: control characters (line breaks, terminal escape
% sequences in stored values or names) are shown as spaces
s(s < 32 | s == 127) = ' ';
end
