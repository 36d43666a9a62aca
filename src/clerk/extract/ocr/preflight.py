"""Is Tesseract there, with the languages we need? Asked once, answered clearly."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from clerk.errors import ConfigError
from clerk.extract.ocr.settings import OcrSettings

APT_PACKAGES = "tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra"
_HINT = f"install it with: apt-get install {APT_PACKAGES}"


@dataclass(frozen=True)
class TesseractInfo:
    version: str
    languages: frozenset[str]


def check_tesseract(settings: OcrSettings, languages: tuple[str, ...] | None = None) -> TesseractInfo:
    """Tesseract's version and installed languages; ``ConfigError`` naming the apt packages if unusable.

    ``languages`` defaults to the settings' languages; templates may add theirs.
    """
    command = shutil.which(settings.tesseract_cmd)
    if command is None:
        raise ConfigError("ocr", "tesseract_cmd", f"Tesseract not found as {settings.tesseract_cmd!r}; {_HINT}")
    version = _run(command, "--version", settings).splitlines()
    listed = _run(command, "--list-langs", settings).splitlines()
    # The first line of --list-langs is a header naming the tessdata folder.
    installed = frozenset(line.strip() for line in listed[1:] if line.strip())
    missing = sorted(set(languages or settings.languages) - installed)
    if missing:
        packages = " ".join(f"tesseract-ocr-{code.replace('_', '-')}" for code in missing)
        raise ConfigError("ocr", "languages", f"Tesseract languages {missing} are not installed; "
                                              f"install them with: apt-get install {packages}")
    return TesseractInfo(version=version[0].strip() if version else "unknown", languages=installed)


def _run(command: str, flag: str, settings: OcrSettings) -> str:
    try:
        done = subprocess.run([command, flag], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ConfigError("ocr", "tesseract_cmd", f"{settings.tesseract_cmd!r} does not run ({error}); "
                                                  f"{_HINT}") from None
    if done.returncode != 0:
        raise ConfigError("ocr", "tesseract_cmd", f"{settings.tesseract_cmd!r} {flag} failed "
                                                  f"(exit {done.returncode}); {_HINT}")
    # Tesseract 4 printed --version on stderr, 5 on stdout.
    return done.stdout or done.stderr
