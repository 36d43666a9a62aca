"""``clerk audit prove|checkpoint|key``: the auditor's commands, thin. Registered
on the ``audit`` group in ``clerk.cli``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clerk.cli_support import fail_on_clerk_errors, open_from
from clerk.errors import ConfigError

console = Console(stderr=True)
key_app = typer.Typer(help="The Ed25519 key that signs checkpoints.", no_args_is_help=True)
ProjectOpt = Annotated[Path, typer.Option("--project", "-C", help="project directory",
                                          envvar="CLERK_PROJECT")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="config file (default config/clerk.toml)")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="file to write (default: stdout)")]


def _write(out: Path | None, text: str) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


@fail_on_clerk_errors
def audit_prove(ref: Annotated[str, typer.Argument(help="item id or ERP reference (number, id, key)")],
                out: OutOpt = None,
                held: Annotated[Path | None, typer.Option(
                    help="a checkpoint the auditor holds (JSON): add the consistency proof from it")] = None,
                held_size: Annotated[int | None, typer.Option(
                    min=1, help="or only the tree size of the auditor's checkpoint")] = None,
                project: ProjectOpt = Path("."), config: ConfigOpt = None) -> None:
    """Write the record's events with their inclusion proofs against the latest
    signed checkpoint; check it with `python -m clerk.audit.offline`."""
    from clerk.audit.proof import prove_record

    if held is not None:
        held_size = _held_size(held)
    with open_from(project, config) as proj:
        proof = prove_record(proj.store, ref, held_size=held_size)
    _write(out, json.dumps(proof, indent=1, sort_keys=True) + "\n")
    point = proof["checkpoint"]
    console.print(f"{len(proof['events'])} event(s) of {ref} proven against checkpoint "
                  f"{point['tree_size']} ({point['at']})" + (f" -> {out}" if out else ""))


def _held_size(path: Path) -> int:
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["tree_size"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(str(path), "tree_size", f"not a checkpoint file: {type(exc).__name__}") from None


@fail_on_clerk_errors
def audit_checkpoint(project: ProjectOpt = Path("."), config: ConfigOpt = None,
                     out: OutOpt = None) -> None:
    """Seal everything committed and sign a checkpoint at the head now; prints it (JSON)."""
    from clerk.audit.checkpoint import latest_checkpoint
    from clerk.audit.sealer import project_sealer

    with open_from(project, config) as proj:
        sealer = project_sealer(proj)
        if sealer.signer is None:
            raise ConfigError("config/clerk.toml", "audit.signing_key",
                              "no signing key: set [audit] signing_key and run `clerk audit key generate`")
        sealed = sealer.seal_all()
        point = latest_checkpoint(proj.store)
    if point is None:
        console.print("[yellow]the trail is empty: nothing to sign yet[/yellow]")
        raise typer.Exit(1)
    _write(out, point.to_json() + "\n")
    console.print(f"sealed {sealed} event(s); checkpoint at {point.tree_size} signed by key {point.key_id}")


@key_app.command("generate")
@fail_on_clerk_errors
def key_generate(project: ProjectOpt = Path("."), config: ConfigOpt = None) -> None:
    """Create the signing key at the file [audit] signing_key names (never replaces one)."""
    from clerk.audit.signing import generate_key_file, key_path

    with open_from(project, config) as proj:
        reference = proj.settings.audit.signing_key
        if reference is None or not reference.startswith("file:"):
            raise ConfigError("config/clerk.toml", "audit.signing_key",
                              "generate needs signing_key = \"file:PATH\"; for env: store a PEM "
                              "made by `openssl genpkey -algorithm ed25519` yourself")
        path = key_path(reference, proj.settings.project_dir)
        signer = generate_key_file(path)
    console.print(f"signing key {signer.key_id} written to {path} (mode 0600); "
                  "give auditors `clerk audit key export`")


@key_app.command("export")
@fail_on_clerk_errors
def key_export(out: OutOpt = None, project: ProjectOpt = Path("."), config: ConfigOpt = None) -> None:
    """The public key auditors verify checkpoints with (PEM)."""
    from clerk.audit.sealer import load_signer

    with open_from(project, config) as proj:
        signer = load_signer(proj.settings.audit, proj.secrets)
    if signer is None:
        raise ConfigError("config/clerk.toml", "audit.signing_key", "no signing key is configured")
    _write(out, signer.public_pem().decode())
    console.print(f"public key {signer.key_id}" + (f" -> {out}" if out else ""))
