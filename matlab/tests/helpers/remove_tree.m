function remove_tree(work)
% REMOVE_TREE  Delete folder work and everything in it without Octave's confirmation prompt
% (confirm_recursive_rmdir does not exist in MATLAB, hence the try).
  try
    confirm_recursive_rmdir(false, 'local');
  catch
  end
  rmdir(work, 's');
end
