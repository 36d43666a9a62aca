"""Clean up a poor scan before a second OCR pass (Pillow only, runs in the child).

Used only as a retry: on a clean page these steps cost a little accuracy,
on a dark, noisy, skewed or low-resolution scan they decide whether it can
be read at all.
"""

from __future__ import annotations

from PIL import Image, ImageFilter, ImageMath, ImageOps

TARGET_WIDTH = 2480        # an A4 page at 300 dpi: where Tesseract reads best
MAX_SKEW_DEG = 4.0
SKEW_STEP_DEG = 0.25


def prepare_for_retry(image: Image.Image) -> Image.Image:
    """Grayscale, upscale, median filter, background division, deskew."""
    gray = ImageOps.grayscale(image) if image.mode != "L" else image
    # Denoise at the scan's own resolution: after upscaling, speckles are too big for a 3x3 median.
    gray = divide_background(gray).filter(ImageFilter.MedianFilter(3))
    if gray.width < TARGET_WIDTH * 0.9:
        factor = TARGET_WIDTH / gray.width
        gray = gray.resize((TARGET_WIDTH, round(gray.height * factor)), Image.Resampling.LANCZOS)
    return deskew(gray)


def divide_background(gray: Image.Image) -> Image.Image:
    """Divide by an estimate of the paper (shadows, yellowed paper, uneven light become white)."""
    small = gray.resize((max(1, gray.width // 8), max(1, gray.height // 8)), Image.Resampling.BOX)
    # A max filter wipes out the dark strokes of text, leaving the paper's brightness.
    paper = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(3))
    paper = paper.resize(gray.size, Image.Resampling.BILINEAR)
    ratio = ImageMath.lambda_eval(
        lambda env: env["min"](env["a"] * 255 / (env["b"] + 1), 255), a=gray.convert("I"), b=paper.convert("I"))
    return ratio.convert("L")


def skew_angle(gray: Image.Image) -> float:
    """The rotation (degrees) that makes text lines horizontal, by projection profile.

    Lines of text give the sharpest row profile when level: the angle whose
    row sums vary most wins.
    """
    width = 800
    small = gray.resize((width, max(1, round(gray.height * width / gray.width))), Image.Resampling.BOX)
    ink = small.point(lambda value: 255 if value < 160 else 0)
    best, best_score = 0.0, -1.0
    steps = int(MAX_SKEW_DEG / SKEW_STEP_DEG)
    for index in range(-steps, steps + 1):
        angle = index * SKEW_STEP_DEG
        turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
        rows = list(turned.resize((1, turned.height), Image.Resampling.BOX).tobytes())   # mode L: one byte a row
        score = sum((rows[i + 1] - rows[i]) ** 2 for i in range(len(rows) - 1))
        if score > best_score:
            best, best_score = angle, score
    return best


def deskew(gray: Image.Image) -> Image.Image:
    angle = skew_angle(gray)
    if angle == 0:
        return gray
    return gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
