function pass = getpass(prompt)
% pass = dj.lib.getpass(prompt): DataJoint for MATLAB 3.5's password dialog. A small modal
% window (titled prompt, default 'Enter password') shows one '*' per typed character;
% Return ends the entry, Backspace removes the last character, closing the window gives ''.
% It needs a GUI: without one (octave-cli, matlab -nodisplay) it raises
% DataJoint:getpass:noGUI, since neither Octave nor MATLAB can read hidden text from a
% terminal; give the password to dj.conn, DJ_PASS or the settings files there.
if nargin < 1
    prompt = 'Enter password';
end
if ~ischar(prompt)
    error('DataJoint:getpass:badArgument', 'dj.lib.getpass(prompt): prompt must be text');
end
if ~dj.internal.hasGui()
    error('DataJoint:getpass:noGUI', ['dj.lib.getpass needs a window to hide what is typed, and ' ...
        'this session has no GUI; pass the password to dj.conn or set DJ_PASS']);
end
fig = figure('MenuBar', 'none', 'NumberTitle', 'off', 'Name', prompt, 'Resize', 'off', ...
    'WindowStyle', 'modal', 'Units', 'pixels', 'Position', [400 400 300 75]);
stars = uicontrol('Parent', fig, 'Style', 'text', 'Units', 'pixels', ...
    'Position', [50 30 200 20], 'BackgroundColor', [1 1 1], 'String', '');
setappdata(fig, 'typed', '');
set(fig, 'KeyPressFcn', @(src, evt) onKey(src, evt, stars), 'CloseRequestFcn', @(src, evt) onClose(src));
uiwait(fig);
pass = '';
if ishandle(fig)
    pass = getappdata(fig, 'typed');
    delete(fig);   % nothing of the password stays in a window
end
end


function onKey(fig, evt, stars)
typed = getappdata(fig, 'typed');
switch evt.Key
    case 'return'
        uiresume(fig);
        return
    case 'backspace'
        typed = typed(1:max(0, end - 1));
    otherwise
        if ~isempty(evt.Character) && evt.Character >= ' '
            typed = [typed evt.Character];
        end
end
setappdata(fig, 'typed', typed);
set(stars, 'String', repmat('*', 1, numel(typed)));
end


function onClose(fig)
% closing the window abandons the entry: '' is returned
setappdata(fig, 'typed', '');
uiresume(fig);
end
