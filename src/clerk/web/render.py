"""The original document, shown so that nothing in it runs in the browser:
PDF pages become PNG images (rendered by pypdfium2 in a child process with a
time and memory limit: the PDF is untrusted), XML and text are shown as
escaped text. Renders are cached by the document's SHA-256."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clerk.config import Settings

RENDER_TIMEOUT_S = 30
RENDER_MEMORY = 1024 * 1024 * 1024
MAX_TEXT = 512 * 1024
SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Shown:
    kind: str                    # "pdf" | "text" | "none"
    pages: int = 0
    text: str = ""
    problem: str | None = None


def document_path(settings: Settings, payload: dict[str, Any]) -> Path | None:
    """The saved document, only if it lies under the project's own folders."""
    raw = payload.get("path")
    if not isinstance(raw, str) or not raw:
        return None
    path = Path(raw)
    path = (path if path.is_absolute() else settings.project_dir / path).resolve()
    roots = [settings.project_dir.resolve(), settings.output_dir, settings.var_dir]
    if not any(path.is_relative_to(root) for root in roots) or not path.is_file():
        return None
    return path


def _limit_memory() -> None:  # pragma: no cover - runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (RENDER_MEMORY, RENDER_MEMORY))


def render_pdf(path: Path, sha256: str, cache: Path, max_pages: int) -> int:
    """Render (once) and return the number of pages available as PNG."""
    if not SHA.match(sha256 or ""):
        raise ValueError("the document has no valid hash")
    target = cache / sha256
    done = target / "pages.txt"
    if done.exists():
        return int(done.read_text())
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([sys.executable, "-m", "clerk.web._render_child", str(path),
                             str(target), str(max_pages)], capture_output=True, timeout=RENDER_TIMEOUT_S,
                            preexec_fn=_limit_memory, check=False)
    if result.returncode != 0:
        raise ValueError("the PDF could not be rendered")
    count = int(result.stdout.decode() or 0)
    done.write_text(str(count))
    return count


def page_file(cache: Path, sha256: str, page: int) -> Path | None:
    if not SHA.match(sha256 or "") or page < 1:
        return None
    path = cache / sha256 / f"page-{page}.png"
    return path if path.is_file() else None


def show(settings: Settings, payload: dict[str, Any], max_pages: int) -> Shown:
    path = document_path(settings, payload)
    if path is None:
        return Shown("none", problem="the original document is not available here")
    content_type = str(payload.get("content_type") or "")
    head = path.read_bytes()[:5]
    if content_type == "application/pdf" or head == b"%PDF-":
        try:
            pages = render_pdf(path, str(payload.get("sha256") or ""), cache_dir(settings), max_pages)
        except (ValueError, subprocess.TimeoutExpired) as exc:
            return Shown("none", problem=f"not shown: {exc}")
        return Shown("pdf", pages=pages)
    data = path.read_bytes()[:MAX_TEXT]
    return Shown("text", text=data.decode("utf-8", errors="replace"))


def cache_dir(settings: Settings) -> Path:
    return settings.var_dir / "render-cache"
