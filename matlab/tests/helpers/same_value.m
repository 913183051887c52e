function [ok, why] = same_value(a, b, where)
% SAME_VALUE  Strict equality for blob round trips: class, size, complexity, and bit patterns of
% floats (so -0, NaN and Inf count), recursing into structs and cells.
  if nargin < 3
    where = 'value';
  end
  ok = false;
  why = '';
  if ~strcmp(class(a), class(b))
    why = sprintf('%s: class %s vs %s', where, class(a), class(b));
    return
  end
  if ~isequal(size(a), size(b))
    why = sprintf('%s: size %s vs %s', where, mat2str(size(a)), mat2str(size(b)));
    return
  end
  if issparse(a) ~= issparse(b)
    why = sprintf('%s: sparse vs full', where);
    return
  end
  if isa(a, 'containers.Map')
    [ok, why] = same_value(keys(a), keys(b), [where '.keys']);
    if ok
      [ok, why] = same_value(values(a), values(b), [where '.values']);
    end
    return
  end
  if isstruct(a)
    fa = fieldnames(a); fb = fieldnames(b);
    if ~isequal(fa, fb)
      why = sprintf('%s: fields {%s} vs {%s}', where, strjoin(fa', ','), strjoin(fb', ','));
      return
    end
    for e = 1:numel(a)
      for f = 1:numel(fa)
        [ok, why] = same_value(a(e).(fa{f}), b(e).(fa{f}), sprintf('%s(%d).%s', where, e, fa{f}));
        if ~ok, return, end
      end
    end
    ok = true;
    return
  end
  if iscell(a)
    for e = 1:numel(a)
      [ok, why] = same_value(a{e}, b{e}, sprintf('%s{%d}', where, e));
      if ~ok, return, end
    end
    ok = true;
    return
  end
  if isnumeric(a) && (isreal(a) ~= isreal(b))
    why = sprintf('%s: complexity differs', where);
    return
  end
  if issparse(a)
    [ia, ja, va] = find(a); [ib, jb, vb] = find(b);
    ok = isequal(ia, ib) && isequal(ja, jb) && isequal(va, vb);
    if ~ok, why = sprintf('%s: sparse contents differ', where); end
    return
  end
  if isfloat(a)
    ra = typecast(real(a(:)), 'uint8'); rb = typecast(real(b(:)), 'uint8');
    ok = isequal(ra, rb);
    if ok && ~isreal(a)
      ok = isequal(typecast(imag(a(:)), 'uint8'), typecast(imag(b(:)), 'uint8'));
    end
  else
    ok = isequal(a, b);
  end
  if ~ok
    why = sprintf('%s: contents differ', where);
  end
end
