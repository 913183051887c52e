function tf = hasGui()
% Whether figures and dialogs can be shown: MATLAB's desktop/Java figures, or Octave's GUI.
% view, clip's clipboard and dj.lib.getpass need one; octave-cli and matlab -nodisplay have none.
if dj.internal.isOctave()
    tf = isguirunning();
else
    tf = usejava('awt') && feature('ShowFigureWindows');
end
end
