"""Make the folder a helper writes a blind question set in: the report, its records, the format rules and a checker.

    .venv/bin/python scripts/blind_kit.py blind51 /work/blind51

The helper works only in that folder and never sees PledgeBot, its code or its outputs. When it is done, the set
is scored once, before anything changes for it (`pledgebot eval --first-run blind51 evals/blind51.yaml`, after
copying it into evals/), and that first run is recorded for good (evals/README.md has the protocol).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KIT = ROOT / "evals" / "kit"


def make_kit(name: str, dest: Path) -> Path:
    """Write the kit for the set `name` (blindNN) into `dest`; refuses a folder that already holds the set."""
    from pledgebot.config import Settings

    if not re.fullmatch(r"blind\d+", name):
        raise SystemExit(f"{name!r}: a blind set is named blindNN")
    if (dest / f"{name}.yaml").exists():
        raise SystemExit(f"{dest / f'{name}.yaml'} exists: a set is written once")
    settings = Settings.from_env({"PLEDGEBOT_HOME": str(ROOT)})
    data = dest / "data"
    data.mkdir(parents=True, exist_ok=True)
    shutil.copy(settings.report, data / settings.report.name)
    for path in (settings.pledges_path, settings.sections_path):
        shutil.copy(path, data / path.name)
    short = "b" + name.removeprefix("blind")
    for template in ("FORMAT.md", "check.py"):
        text = (KIT / template).read_text(encoding="utf-8").replace("{name}", name).replace("{short}", short)
        (dest / template).write_text(text, encoding="utf-8")
    return dest


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    print(make_kit(argv[0], Path(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
