"""Where the tests find Chromium, and how they launch it (Debian's build, headless)."""

import os
from pathlib import Path

# playwright install cannot download browsers here: we drive the system Chromium.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


def browser_problem() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    path = Path(chromium_path())
    if path.is_file() and os.access(path, os.X_OK):
        return None
    return (
        f"no Chromium at {path}; install one (Debian: apt-get install chromium) "
        "or set CHROMIUM_PATH=/path/to/chromium to run them"
    )
