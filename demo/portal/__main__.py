"""Run the demo supplier portal: ``python -m demo.portal --port 8040``.

One account per supplier marked ``portal = true`` in demo/world.toml, named by
its code in lower case (``acme``). The password comes from the environment
variable CLERK_DEMO_PORTAL_PASSWORD, else from ``<secrets dir>/<user>.password``
(generated on first start, mode 0600); ``<secrets dir>/<user>.user`` holds the
user name, so a recipe can refer to both as ``file:`` secrets. The admin
endpoint (tests only) is enabled by CLERK_DEMO_PORTAL_ADMIN_TOKEN.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tomllib
from pathlib import Path

import uvicorn

from demo.documents import portal_documents
from demo.portal.app import PortalSettings, create_app

WORLD = Path(__file__).resolve().parents[1] / "world.toml"


def portal_users(world_path: Path = WORLD) -> list[str]:
    """The portal accounts: the codes of suppliers with ``portal = true``, lower case."""
    world = tomllib.loads(world_path.read_text(encoding="utf-8"))
    return [supplier["code"].lower() for supplier in world.get("suppliers", []) if supplier.get("portal")]


def account_password(user: str, secrets_dir: Path) -> str:
    """The environment's password, else the one in the secrets dir (created once)."""
    secrets_dir.mkdir(parents=True, exist_ok=True)
    (secrets_dir / f"{user}.user").write_text(user, encoding="utf-8")
    from_env = os.environ.get("CLERK_DEMO_PORTAL_PASSWORD")
    if from_env:
        return from_env
    path = secrets_dir / f"{user}.password"
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(18))
    return path.read_text(encoding="utf-8").strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo.portal", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8040)
    parser.add_argument("--documents", type=int, default=None, help="invoice count (default: the demo's own)")
    parser.add_argument("--page-size", type=int, default=5)
    parser.add_argument("--session-timeout", type=float, default=900.0, help="idle seconds before a session ends")
    parser.add_argument("--secrets-dir", type=Path, default=Path("var/demo/portal"))
    args = parser.parse_args(argv)
    users = portal_users()
    documents = tuple(portal_documents(args.documents))
    settings = PortalSettings(
        accounts={user: account_password(user, args.secrets_dir) for user in users},
        # The demo world's portal invoices are ACME's; every portal account sees its own.
        documents={user: documents if user == "acme" else () for user in users},
        page_size=args.page_size,
        session_timeout_s=args.session_timeout,
        admin_token=os.environ.get("CLERK_DEMO_PORTAL_ADMIN_TOKEN") or None,
    )
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
