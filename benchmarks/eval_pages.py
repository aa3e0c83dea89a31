"""Measure body extraction on the pages-dev split, one form at a time.

Copies the `.html` (or `.page.txt`) files of `../shared/eval/pages-dev/landing` into a temporary
landing folder of their own, runs the whole pipeline on it (`python -m pipelines.run`, a fresh
warehouse and DAGSTER_HOME in the same temporary folder), then runs the split's scorer, whose
`html_extraction_f1` / `page_extraction_f1` line is the figure for that form. Exits quietly
when the evaluation folder is absent (it is not part of the project).

    python benchmarks/eval_pages.py [html|page|both] [--eval-dir ../shared/eval]

Results on pages-dev (2026-11-23, trafilatura 2.3.1): html_extraction_f1 0.968 (P 0.958,
R 0.978; trafilatura alone 0.951), page_extraction_f1 0.882 (P 0.850, R 0.916; uncleaned 0.655).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SUFFIX = {"html": ".html", "page": ".page.txt"}


def run_form(form: str, eval_dir: Path) -> int:
    split = eval_dir / "pages-dev"
    with tempfile.TemporaryDirectory(prefix=f"eval-pages-{form}-") as tmp:
        landing = Path(tmp) / "landing"
        landing.mkdir()
        for path in sorted((split / "landing").iterdir()):
            if path.name.endswith(SUFFIX[form]):
                shutil.copy2(path, landing / path.name)
        warehouse = Path(tmp) / "eval.duckdb"
        env = dict(os.environ, MEDIA_MONITOR_LANDING=str(landing), MEDIA_MONITOR_WAREHOUSE=str(warehouse),
                   DAGSTER_HOME=str(Path(tmp) / "dagster_home"))
        print(f"== {form}: {len(list(landing.iterdir()))} files", flush=True)
        run = subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env=env,
                             capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stdout[-2000:], run.stderr[-4000:], sep="\n")
            return run.returncode
        return subprocess.run([sys.executable, str(eval_dir / "score_pages.py"), str(warehouse),
                               str(split / "gold.jsonl")]).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("form", nargs="?", default="both", choices=["html", "page", "both"])
    parser.add_argument("--eval-dir", type=Path, default=PROJECT_ROOT.parent / "shared" / "eval")
    args = parser.parse_args()
    if not (args.eval_dir / "pages-dev" / "gold.jsonl").exists():
        print(f"no evaluation data at {args.eval_dir}; nothing to measure")
        return 0
    forms = ["html", "page"] if args.form == "both" else [args.form]
    return max(run_form(form, args.eval_dir) for form in forms)


if __name__ == "__main__":
    sys.exit(main())
