"""`dji server start|stop|status|init`: a private MariaDB for users who have none."""


def register(sub):
    parser = sub.add_parser(
        "server", help="run a private MariaDB server (for users without a database server)",
        description="Manage a private MariaDB server that runs as you, on a data directory under "
                    "your data folder, a private socket and a 127.0.0.1 port (kept across restarts "
                    "while free), with utf8mb4 text. `start` writes the connection settings to "
                    "~/.datajoint_config.json; only that account (and root@localhost with the same "
                    "password) can log in. `status` says which server Python and Octave would use.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    start = actions.add_parser("start", help="initialize if needed and start the server (idempotent)")
    start.add_argument("--force", action="store_true",
                       help="start a private server even if another configured server is reachable")
    start.set_defaults(func=_start)
    actions.add_parser("stop", help="stop the private server").set_defaults(func=_stop)
    status = actions.add_parser(
        "status", help="say which server Python and Octave would use, and why; and the private server")
    status.add_argument("--no-octave", action="store_true", help="do not start Octave to ask it")
    status.set_defaults(func=_status)
    actions.add_parser("init", help="create the data directory only").set_defaults(func=_init)


def _server():
    from ..server.private import PrivateServer
    return PrivateServer()


def _start(args):
    from ..core.settings import config, server_settings
    from ..server.private import configured_server_status
    server = _server()
    private_port = server.state().get("port")
    choice = server_settings(config)
    reachable, description = configured_server_status(config)
    is_ours = choice.user == "dj" and choice.port == private_port
    configured = choice.sources["user"] != "the default"
    if reachable and configured and not is_ours and not args.force:
        print(f"A database server is already configured and reachable: {description}. "
              f"Not starting a private one (use --force to start it anyway).")
        return 0
    if reachable and not configured:
        print(f"Note: the default server {choice.address} accepts {choice.user} with no password; "
              f"starting a private server anyway, which your user settings will now name instead.")
    was_running = bool(server.pid() and server.answers())
    state = server.start()
    path = server.write_user_config()
    verb = "already running" if was_running else "started"
    print(f"Private MariaDB {verb}: 127.0.0.1:{state['port']} (socket {state['socket']}), "
          f"data in {server.datadir}; settings written to {path}")
    return 0


def _stop(args):
    server = _server()
    if server.stop():
        print("Private MariaDB stopped.")
    else:
        print("Private MariaDB is not running.")
    return 0


def _status(args):
    """Which server each language would use and which setting won, then the private server."""
    from ..core.settings import config, server_settings
    from ..server.private import configured_server_status, octave_server_choice
    reachable, description = configured_server_status(config)
    print(f"Python dj.conn(): {'reachable' if reachable else 'NOT reachable'}: {description}")
    octave = octave_server_choice() if not args.no_octave else None
    if octave is not None:
        text = octave if isinstance(octave, str) else octave.describe()
        print(f"Octave dj.conn(): {text}")
        if not isinstance(octave, str) and _differ(octave, server_settings(config)):
            print("WARNING: Python and Octave would use different servers or accounts")
    print("  (rule: arguments > DJ_* environment > ./dj_local_conf.json > ~/.datajoint_config.json "
          "> root@127.0.0.1:3306 with no password; see docs/settings.md)")
    server = _server()
    pid = server.pid()
    state = server.state()
    if pid and server.answers():
        print(f"private server: running (pid {pid}) on 127.0.0.1:{state.get('port')} socket {server.socket}")
    elif server.initialized:
        print(f"private server: stopped (data in {server.datadir})")
    else:
        print("private server: not initialized (run `dji server start`)")
    return 0 if reachable or pid else 1


def _differ(a, b):
    """Whether two ServerChoices name different servers or accounts (passwords only by presence)."""
    return (a.host, a.port, a.user, bool(a.password)) != (b.host, b.port, b.user, bool(b.password))


def _init(args):
    server = _server()
    created = server.init()
    print(("Initialized" if created else "Already initialized") + f" private data directory {server.datadir}")
    return 0
