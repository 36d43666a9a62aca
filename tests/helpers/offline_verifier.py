"""The auditor's side: ``clerk/audit/offline.py`` alone, run in a separate process
away from the project folder, with the standard library and ``cryptography`` only."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import cryptography

import clerk.audit.offline

SITE_PACKAGES = Path(cryptography.__file__).resolve().parents[1]


@dataclass
class Outcome:
    code: int
    out: str

    @property
    def kind(self) -> str:
        """``valid``, or the failure class the verifier named: ``INVALID (kind): ...``."""
        return "valid" if self.code == 0 else self.out.split("(", 1)[1].split(")", 1)[0]


def auditor_folder(root: Path) -> Path:
    """A folder holding ``clerk/audit/offline.py`` and nothing else of clerk."""
    target = root / "clerk" / "audit"
    target.mkdir(parents=True, exist_ok=True)
    (root / "clerk" / "__init__.py").write_text("")
    (target / "__init__.py").write_text("")
    shutil.copy(clerk.audit.offline.__file__, target / "offline.py")
    return root


def _run(folder: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    # -S: no site module, so the venv's .pth (clerk's editable install) is not read;
    # PYTHONPATH gives cryptography's folder only; -m puts the auditor's folder first.
    env = {"PYTHONPATH": str(SITE_PACKAGES), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-S", *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=60)


def verify_offline(folder: Path, proof: Path, key: Path, held: Path | None = None) -> Outcome:
    args = ["-m", "clerk.audit.offline", str(proof), "--key", str(key)]
    if held is not None:
        args += ["--held", str(held)]
    done = _run(folder, args)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return Outcome(done.returncode, done.stdout.strip())


def clerk_is_out_of_reach(folder: Path) -> bool:
    """True when only the copied offline.py is importable from ``folder`` (the check
    that the verifier's process really runs without the rest of clerk)."""
    done = _run(folder, ["-c", "import clerk.audit.offline, importlib.util as u; "
                         "print(u.find_spec('clerk.store') is None and u.find_spec('clerk.secrets') is None)"])
    return done.stdout.strip() == "True"
