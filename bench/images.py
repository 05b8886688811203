"""The cold cost of each sample image: reading it, then making every published file of it (the widths in
AVIF and JPEG or PNG, and a social card), as the images plugin does on a first build; and what a phone at
375 px and twice the density downloads for it instead of the original."""

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import ROOT

sys.path.insert(0, str(ROOT / "plugins"))

from images import CENTRE, ImagesOptions
from images.process import Plan, encode, inspect, modern_format, offered_widths

# What `sizes` makes a 375 px phone at 2x density choose: the first width of at least 2 × (375 - 32) px.
PHONE_PIXELS = 2 * (375 - 32)


@dataclass(frozen=True)
class ImageCost:
    name: str
    megapixels: float
    original_bytes: int
    seconds: float
    files: int
    phone_bytes: int


def measure_images(folder: Path = ROOT / "content" / "images") -> list[ImageCost]:
    options = ImagesOptions()
    modern = modern_format(options.modern_format)
    costs = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif"}:
            continue
        started = time.process_time()
        source = inspect(folder.parent, f"{folder.name}/{path.name}", options.max_pixels)
        plan = Plan(
            source,
            offered_widths(source.width, tuple(options.widths)),
            modern,
            "PNG" if source.alpha else "JPEG",
            "media/bench",
            (CENTRE,),
        )
        made = encode(folder.parent, plan, options.max_pixels)
        seconds = time.process_time() - started
        phone_width = next((width for width in plan.widths if width >= PHONE_PIXELS), plan.widths[-1])
        costs.append(
            ImageCost(
                path.name,
                source.width * source.height / 1e6,
                path.stat().st_size,
                seconds,
                len(made),
                len(made[plan.name(phone_width, modern)]),
            )
        )
    return costs


def print_images(costs: list[ImageCost]) -> None:
    total = sum(cost.seconds for cost in costs)
    print("\nImages: the cold cost of each sample image (CPU seconds on one core; a build uses every core)\n")
    print(f"{'image':34} {'MP':>5} {'original':>10} {'seconds':>8} {'files':>6} {'phone gets':>11}")
    for cost in costs:
        print(
            f"{cost.name:34} {cost.megapixels:5.1f} {cost.original_bytes / 1024:8.0f} KB {cost.seconds:8.2f} "
            f"{cost.files:6d} {cost.phone_bytes / 1024:8.0f} KB"
        )
    print(
        f"\n{len(costs)} images in {total:.2f} s of CPU, {total / len(costs):.2f} s an image; a rebuild "
        "encodes none of them again (they are cached by their bytes and the settings)."
    )
