"""Child process: render the first pages of one PDF to PNG files.

Run as ``python -m clerk.web._render_child PDF OUTDIR MAX_PAGES``, under a
memory limit set by the parent; prints the number of pages written.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    import pypdfium2 as pdfium

    source, out, max_pages = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    pdf = pdfium.PdfDocument(source)
    count = min(len(pdf), max_pages)
    for index in range(count):
        page = pdf[index]
        # ~110 dpi: readable figures, small files.
        image = page.render(scale=1.5).to_pil()
        image.save(out / f"page-{index + 1}.png", format="PNG", optimize=False)
    sys.stdout.write(str(count))


if __name__ == "__main__":
    main()
