"""``python -m clerk.erp.tryton bootstrap|serve``: the local Tryton by hand.

Prints paths and the URL, never the password (it stays in its file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clerk.erp.tryton.bootstrap import bootstrap
from clerk.erp.tryton.server import serve
from clerk.errors import ClerkError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clerk.erp.tryton")
    parser.add_argument("command", choices=["bootstrap", "serve"])
    parser.add_argument("--dir", type=Path, default=Path("var/erp"))
    parser.add_argument("--database", default="clerk_demo")
    parser.add_argument("--world", type=Path, default=Path("demo/world.toml"))
    parser.add_argument("--database-url", default=None,
                        help="postgresql://user@host:port/ (default: SQLite in --dir)")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        instance = bootstrap(args.dir, world=args.world, database=args.database,
                             database_url=args.database_url)
        print(f"database {instance.database}: config {instance.config_file}, "
              f"user {instance.user}, password in {instance.password_file}")
        if args.command == "serve":
            server = serve(instance.config_file, instance.database, port=args.port)
            print(f"trytond serving {instance.database} at {server.url} "
                  f"(pid file {server.pid_file})")
    except ClerkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
