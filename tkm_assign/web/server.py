"""Running the page: bind the address, say where it is, serve until interrupted."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

import uvicorn

from tkm_assign.errors import TkmError
from tkm_assign.web.app import Options, create_app

log = logging.getLogger("tkm_assign.web")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: a free one), or a clear error when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise TkmError(
            f"cannot listen on {host}:{port} ({error.strerror}); choose another --port or "
            "stop the program that uses it"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def address(host: str, port: int, token: str | None) -> str:
    """The address to open in a browser (with the access token when there is one)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(options: Options, announce: Callable[[str], None]) -> None:
    """Serve the page on ``options.host``/``options.port`` until interrupted.

    ``announce`` receives the address once the port is open (the command line prints it).
    """
    app = create_app(options)
    web = app.state.web
    sock = bind(options.host, options.port)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,  # addresses may carry search text typed by a coordinator
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    announce(address(options.host, port, web.access.token))
    server.run(sockets=[sock])
