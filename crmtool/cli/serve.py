"""`crmtool serve`: the staff workspace in the browser."""
from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from ..i18n import _
from .options import resolve_repo, resolve_today, root_option, today_option

DEFAULT_PORT = 8321


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; only the loopback interface unless a team sign-in is configured.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="The port to listen on; 0 takes a free one.")
@click.option("--no-open", is_flag=True, help="Do not open the browser.")
@root_option
@today_option
def serve(host: str, port: int, no_open: bool, root: Path | None, today: str | None) -> None:
    """The staff workspace: find, read and review the records in the browser.

    The first line printed is the address to open, with a token that signs the browser in;
    it is made anew at every start. Stop with Ctrl-C.
    """
    import logging
    import signal
    import socket
    import sys
    import threading
    import webbrowser

    import uvicorn

    from ..index.build import repository_config
    from ..serve.app import create_app
    from ..serve.security import Keys, TeamSignIn, new_token
    from ..serve.workspace import Workspace
    repo = resolve_repo(root)
    team = TeamSignIn.of(repository_config(repo))
    if not _loopback(host) and team is None:
        raise click.UsageError(_("--host {host}: the workspace shows personal data and listens only on this "
                                 "machine (127.0.0.1 or ::1) unless a team signs in through a reverse proxy: "
                                 "set serve.trusted_proxy and serve.user_header in crmtool.yaml "
                                 "(docs/serve.md).").format(host=host))
    if not (repo.root / "records").is_dir():
        raise click.UsageError(_("{folder} holds no records/ folder: start the workspace in a records repository "
                                 "(or name one with --root).").format(folder=repo.root))
    resolve_today(today)  # a bad --today is a usage error now, not on the first page
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise click.ClickException(_("Cannot listen on {host}:{port}: {reason}. Choose another port with "
                                     "--port (0 takes a free one).").format(host=host, port=port,
                                                                           reason=error.strerror)) from error
    listener.listen(128)
    port = listener.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    keys = Keys(new_token())
    hosts = {f"{shown}:{port}"} | ({f"localhost:{port}"} if _loopback(host) else set())
    workspace = Workspace(repo, lambda: resolve_today(today))
    app = create_app(workspace, keys, hosts, team)
    url = f"http://{shown}:{port}/?token={keys.token}"
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False)
    server = uvicorn.Server(config)

    def stop(_signal: int, _frame: object) -> None:
        server.should_exit = True  # uvicorn's own handler does the same once it runs

    # Ctrl-C (or SIGTERM) at any moment, even while uvicorn is still starting, stops the server
    # the way uvicorn does: a KeyboardInterrupt in the middle of making the event loop left it
    # half-made, and the process could hang on its way out.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, stop)
    try:
        click.echo(f"crmtool serve: {url}")
        sys.stdout.flush()
        workspace.warm(resolve_today(today))
        if not no_open:
            threading.Timer(0.5, webbrowser.open, args=(url,)).start()
        server.run(sockets=[listener])
    except KeyboardInterrupt:  # pragma: no cover - the handlers above take Ctrl-C; kept as a last resort
        pass
    finally:
        workspace.close()
        listener.close()


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
