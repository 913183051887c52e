"""Private MariaDB servers for tests and demos, and which server each language uses.

``datajoint_interop.server`` was one module before the package was layered; its names stay
importable from here.
"""
from .private import (PRIVATE_USER, START_TIMEOUT, PrivateServer, _binary, _free_port, _port_free,  # noqa: F401
                      configured_server_status, data_home, octave_server_choice)
