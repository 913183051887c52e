function err = assert_error(fn, id)
% ASSERT_ERROR  Call fn() and require it to raise an error with identifier `id`.
  try
    fn();
  catch err
    if ~strcmp(err.identifier, id)
      error('test:wrongError', 'expected error %s, got %s: %s', id, err.identifier, err.message);
    end
    return
  end
  error('test:noError', 'expected error %s, but the call succeeded', id);
end
