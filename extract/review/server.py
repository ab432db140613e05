"""`extract review results.sqlite [--port 8765] [--host 127.0.0.1] [--reviewer NAME]`:
serve the review app for a batch database until Ctrl-C.

The database is checked before anything is served (missing, not an extract database,
read-only or locked: exit 9), and the port is bound before the URL is printed (taken:
exit 2), so every failure is one line on stderr.
"""

from __future__ import annotations

import argparse
import errno
import getpass
import ipaddress
import os
import secrets
import socket
import sys
from pathlib import Path
from typing import Optional, Sequence

from ..batch.store import StoreError
from ..options import bilingual_help, fail

DEFAULT_PORT = 8765
USAGE_ERROR = 2


def default_reviewer() -> str:
    """The OS user's name, as the audit trail's reviewer when --reviewer is not given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return os.environ.get("USER") or f"uid {os.getuid()}"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port). OSError when it cannot."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # Reuse a port in TIME_WAIT, never one a live server listens on (not SO_REUSEPORT).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(64)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def allowed_hosts(host: str, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """Host header names a browser may use for this server: the loopback names, the address
    given (not a wildcard one: 0.0.0.0 and :: are no name), and the names allowed with
    --allow-host. Never "*": with any Host accepted, a page of another origin reached by a
    forged name (DNS rebinding) could read the session token the review page carries."""
    given = () if host in _WILDCARDS else (host,)
    return tuple(dict.fromkeys(("127.0.0.1", "localhost", "[::1]", "::1", *given, *extra)))


_WILDCARDS = ("0.0.0.0", "::", "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="extract review",
        **bilingual_help(
            "在浏览器中审核批处理数据库：报告按需要排序，表格按原样排版并附每个单元格的原件图像，逐个处理可疑单元格；"
            "更正连同审核人与时间一并保存，报告随即重新校验。",
            "Review a batch database in the browser: the reports by need, their tables as printed "
            "with each cell's crop, the doubtful cells one by one; corrections are saved with who and when, "
            "and the report is validated again.",
            exit_codes="0 stopped with Ctrl-C; 2 usage error or the port is taken; "
            "9 the database is missing, locked, read-only or not an extract database"),
    )
    parser.add_argument("database", type=Path, help="the SQLite file `extract batch` wrote")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT}; 0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1, this machine only)")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="a host name (or address) other machines use to reach this server; repeat for "
                        "several. Required with a wildcard --host (0.0.0.0, ::): the Host check stays on")
    parser.add_argument("--reviewer", help="your name in the audit trail (default: the OS user)")
    args = parser.parse_args(argv)
    if args.host in _WILDCARDS and not args.allow_host:
        return fail(f"--host {args.host or '(any)'}: listening on every address needs --allow-host NAME for each name "
                    "browsers will use to reach it (requests naming any other host are refused)", USAGE_ERROR)

    try:
        import uvicorn

        from .app import ReviewConfig, create_app
        from .data import check_database
    except ImportError as exc:
        return fail(f"review: needs the [review] extra ({(exc.name or 'a library').split('.')[0]} is missing): pip install 'extract[review]'",
                    USAGE_ERROR)

    try:
        check_database(args.database)
    except StoreError as exc:
        return fail(f"{exc.path}: {exc.reason}", exc.exit_code)

    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            reason = f"port {args.port} is already in use (stop the other server or choose --port)"
        elif exc.errno == errno.EACCES:
            reason = f"no permission to listen on port {args.port} (choose --port above 1023)"
        else:
            reason = f"cannot listen there: {exc.strerror or exc}"
        return fail(f"{args.host}:{args.port}: {reason}", USAGE_ERROR)

    port = sock.getsockname()[1]
    config = ReviewConfig(database=args.database.resolve(), reviewer=args.reviewer or default_reviewer(),
                          token=secrets.token_urlsafe(32), allowed_hosts=allowed_hosts(args.host, args.allow_host))
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", access_log=False))
    url = url_of("127.0.0.1" if args.host in _WILDCARDS else args.host, port)
    if not _is_loopback(args.host):
        names = ", ".join(h for h in config.allowed_hosts if not _is_loopback(h.strip("[]")))
        print(f"extract review: warning: listening on {args.host}, reachable from other machines as {names}; "
              "anyone who can open the page can review and correct (plain HTTP: use it on a trusted network)",
              file=sys.stderr)
    print(f"extract review: {args.database} as {config.reviewer} at {url}  (Ctrl-C to stop)", flush=True)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shut down cleanly, then passes Ctrl-C on
        pass
    finally:
        sock.close()
    print("extract review: stopped", file=sys.stderr)
    return 0
