"""Create the demo Tryton database: modules, company, chart, fiscal year, demo world.

Idempotent: a second run finds the ``<database>.bootstrapped`` marker (which
names the password file's fingerprint) and changes nothing; if the password
file was lost, the next run writes a new one and sets it in the database. The admin password is generated once into a file of mode
600 and only ever referenced by its path.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr

from clerk.errors import ConfigError, ErpUnavailable

MODULES = ("account_invoice", "purchase", "bank", "account_invoice_stock")


class TrytonInstance(BaseModel):
    """Where a bootstrapped database lives and how to log in to it."""

    model_config = ConfigDict(frozen=True)

    directory: Path
    config_file: Path
    database: str
    user: str
    password_file: Path

    def password(self) -> SecretStr:
        return SecretStr(self.password_file.read_text(encoding="utf-8").strip())


def bootstrap(directory: Path = Path("var/erp"), *, world: Path,
              database: str = "clerk_demo", database_url: str | None = None,
              timeout: float = 600.0) -> TrytonInstance:
    """Create (once) a Tryton database with the demo world of ``world`` (a TOML file).

    SQLite under ``directory`` by default; PostgreSQL when ``database_url``
    (``postgresql://user@host:port/``) is given, the database being created
    there if missing. Raises ConfigError for bad arguments, ErpUnavailable when
    trytond-admin or the seeding fails (its log stays in ``directory``).
    """
    directory = Path(directory).resolve()
    world = Path(world).resolve()
    if not world.is_file():
        raise ConfigError(str(world), None, "demo world file not found")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    instance = TrytonInstance(
        directory=directory, config_file=directory / "trytond.conf", database=database,
        user="admin", password_file=directory / "admin.password")
    _write_password_file(instance.password_file)
    _write_config(instance.config_file, directory, database_url)
    marker = directory / f"{database}.bootstrapped"
    fingerprint = _fingerprint(instance.password_file)
    if (marker.exists() and marker.read_text(encoding="utf-8").strip() == fingerprint
            and _database_exists(directory, database, database_url)):
        return instance
    _create_database(directory, database, database_url)
    # -p sets the admin password from the file on every run, not only at creation:
    # a database whose password file was lost gets the new file's password.
    _run(instance, "trytond-admin", [_admin_executable(), "-c", str(instance.config_file),
                                     "-d", database, "-u", *MODULES,
                                     "--activate-dependencies", "-p",
                                     "--email", "admin@clerk.invalid"], timeout)
    _run(instance, "seed", [sys.executable, "-m", "clerk.erp.tryton._seed",
                            str(instance.config_file), database, str(world)], timeout)
    marker.write_text(fingerprint + "\n", encoding="utf-8")
    return instance


def _fingerprint(password_file: Path) -> str:
    """Names the password a database was bootstrapped with, without revealing it."""
    return hashlib.sha256(password_file.read_bytes().strip()).hexdigest()[:16]


def _write_password_file(path: Path) -> None:
    if path.exists():
        path.chmod(0o600)
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(24))


def _write_config(path: Path, directory: Path, database_url: str | None) -> None:
    if database_url:
        scheme = urlsplit(database_url).scheme
        if scheme not in ("postgresql", "postgres"):
            raise ConfigError("database_url", None,
                              f"expected a postgresql:// URL, got scheme {scheme!r}")
        database_section = f"uri = {database_url}\n"
    else:
        database_section = f"uri = sqlite://\npath = {directory}\n"
    text = (f"[database]\n{database_section}\n"
            "[session]\n# clerk logs in once per connector; keep sessions a while\n"
            "timeout = 3600\n")
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)


def _database_exists(directory: Path, database: str, database_url: str | None) -> bool:
    if not database_url:
        return (directory / f"{database}.sqlite").exists()
    import psycopg
    with psycopg.connect(_maintenance_url(database_url), autocommit=True) as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                 (database,)).fetchone()
    return row is not None


def _create_database(directory: Path, database: str, database_url: str | None) -> None:
    if not database_url:
        (directory / f"{database}.sqlite").touch()
        return
    if _database_exists(directory, database, database_url):
        return
    import psycopg
    from psycopg import sql
    with psycopg.connect(_maintenance_url(database_url), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0")
                           .format(sql.Identifier(database)))


def _maintenance_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    return parts._replace(path="/postgres").geturl()


def _admin_executable() -> str:
    candidate = Path(sys.executable).with_name("trytond-admin")
    return str(candidate) if candidate.exists() else "trytond-admin"


def _run(instance: TrytonInstance, step: str, command: list[str], timeout: float) -> None:
    log_file = instance.directory / f"bootstrap-{instance.database}.log"
    env = {**os.environ, "TRYTONPASSFILE": str(instance.password_file)}
    with open(log_file, "ab") as log:
        try:
            result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=log, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ErpUnavailable(f"bootstrap step {step} took over {timeout:.0f} s; "
                                 f"see {log_file}") from None
    if result.returncode != 0:
        raise ErpUnavailable(f"bootstrap step {step} failed with exit code "
                             f"{result.returncode}; see {log_file}")
