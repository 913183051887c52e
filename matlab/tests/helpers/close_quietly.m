function close_quietly(id)
% CLOSE_QUIETLY  Close mym connection id if it is still open (for onCleanup in tests).
  try
    mym(id, 'close');
  catch
  end
end
