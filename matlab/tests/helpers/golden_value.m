function v = golden_value(d)
% GOLDEN_VALUE  Build the MATLAB/Octave value described by a golden-vector typed description
% (tests/golden/blobs/README.md), as decoded by jsondecode.
  switch d.class
    case 'char'
      v = golden_char(d);
    case 'logical'
      v = reshape(logical(as_list(d.real)), matlab_dims(d.dims));
    case 'struct'
      names = as_cellstr(d.fields);
      dims = matlab_dims(d.dims);
      vals = as_cell(d.values);
      v = repmat(cell2struct(cell(numel(names), 1), names, 1), dims);
      if isempty(names)
        v = repmat(struct(), dims);
      end
      k = 0;
      for e = 1:prod(dims)
        for f = 1:numel(names)
          k = k + 1;
          v(e).(names{f}) = golden_value(vals{k});
        end
      end
    case 'cell'
      els = as_cell(d.elements);
      v = cell(matlab_dims(d.dims));
      for k = 1:numel(els)
        v{k} = golden_value(els{k});
      end
    case 'containers.Map'
      % a Python dict whose keys are not all field names (docs/blobs.md)
      ks = cellfun(@golden_value, as_cell(d.keys), 'UniformOutput', false);
      vs = cellfun(@golden_value, as_cell(d.values), 'UniformOutput', false);
      v = containers.Map(ks, vs, 'UniformValues', false);
    case 'sparse'
      re = numbers(d.real, 'double');
      if isfield(d, 'imag')
        re = complex(re, numbers(d.imag, 'double'));
      end
      if d.logical
        re = logical(re);
      end
      v = sparse(as_list(d.i) + 1, as_list(d.j) + 1, re, d.rows, d.cols);
    otherwise
      v = numbers(d.real, d.class);
      if isfield(d, 'imag')
        v = complex(v, numbers(d.imag, d.class));
      end
      v = reshape(v, matlab_dims(d.dims));
  end
end

function dims = matlab_dims(dims)
  % a 1-d vector from Python 0.14 arrives in MATLAB as an n-by-1 column
  dims = row(dims);
  if numel(dims) == 1
    dims = [dims 1];
  end
end

function v = golden_char(d)
  dims = matlab_dims(d.dims);
  units = as_list(d.utf16);
  if exist('OCTAVE_VERSION', 'builtin')
    if isfield(d, 'text') && dims(1) == 1
      v = d.text;               % jsondecode gives UTF-8 bytes under Octave
      if isempty(v)
        v = char(zeros(dims));
      end
      return
    end
    assert(all(units < 128), 'golden_value: non-ASCII char matrices are not representable');
  end
  v = reshape(char(units), dims);
end

function x = numbers(list, cls)
  list = as_cell(list);
  if any(strcmp(cls, {'int64', 'uint64'}))
    x = zeros(numel(list), 1, cls);
    for k = 1:numel(list)
      x(k) = parse_int64(list{k}, cls);
    end
    return
  end
  x = zeros(numel(list), 1);
  for k = 1:numel(list)
    e = list{k};
    if ischar(e)
      switch e
        case 'NaN', e = NaN;
        case 'Inf', e = Inf;
        case '-Inf', e = -Inf;
        case '-0', e = -0;
        otherwise, e = str2double(e);
      end
    end
    x(k) = e;
  end
  x = cast(x, cls);
end

function v = parse_int64(s, cls)
  % exact parse of a decimal string (int64 beyond 2^53 cannot go through double)
  neg = s(1) == '-';
  if neg
    s = s(2:end);
  end
  v = zeros(1, 1, cls);
  for c = s
    if neg
      v = v * 10 - cast(c - '0', cls);   % accumulate negatively: intmin has no positive twin
    else
      v = v * 10 + cast(c - '0', cls);
    end
  end
end

function c = as_cell(x)
  if iscell(x)
    c = x(:)';
  elseif isstruct(x)
    c = arrayfun(@(e) e, x(:)', 'UniformOutput', false);
  elseif isempty(x)
    c = {};
  else
    c = num2cell(x(:)');
  end
end

function c = as_cellstr(x)
  if ischar(x)
    c = {x};
  elseif isempty(x)
    c = {};
  else
    c = x(:)';
  end
end

function x = as_list(x)
  if iscell(x)
    x = cellfun(@double, x);
  end
  x = double(x(:));
end

function r = row(x)
  r = double(x(:)');
end
