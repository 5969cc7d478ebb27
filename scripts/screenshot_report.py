"""Build the HTML report of a folder and screenshot it with headless Chromium.

    python scripts/screenshot_report.py                      # the five seed articles
    python scripts/screenshot_report.py fixtures/corpus --out /tmp/corpus.png

The default input is ../shared/bench/seeds, whose articles are the *.txt files
(the *.gold.json next to them are labels), picked with --glob.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hygiene.cli import main  # noqa: E402

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--hide-scrollbars",
    "--virtual-time-budget=5000",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("screenshot_report: no chromium on PATH")


def screenshot(html: Path, png: Path, width: int, height: int) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                f"--window-size={width},{height}",
                html.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared/bench/seeds"))
    parser.add_argument("--glob", default="*.txt", help="which files of the folder to read")
    parser.add_argument("--out", default=str(ROOT / "docs/report.png"))
    parser.add_argument("--html", help="keep the HTML report here")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2000)
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    keep = Path(args.html).resolve() if args.html else None
    source = Path(args.folder).resolve()
    # Paths as the page shows them: relative to the project, as a user would type them.
    os.chdir(ROOT)
    folder = os.path.relpath(source)
    with tempfile.TemporaryDirectory() as tmp:
        html = keep or Path(tmp) / "report.html"
        code = main(["report", "--format", "html", "--glob", args.glob, folder, "-o", str(html)])
        if code != 0:
            return code
        out.parent.mkdir(parents=True, exist_ok=True)
        screenshot(html, out, args.width, args.height)
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
