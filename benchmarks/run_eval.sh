#!/usr/bin/env bash
# Runs the pipeline on each development split of ../shared/eval and prints the scorers' figures.
# Usage: benchmarks/run_eval.sh [actors|stories|pages|pages-html|pages-text ...]  (default: all)
# Skips when ../shared/eval is absent. Writes only under $EVAL_WORK (default /tmp/media-monitor-eval).
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${EVAL_DIR:-../shared/eval}
WORK=${EVAL_WORK:-/tmp/media-monitor-eval}
PY=${PY:-.venv/bin/python}
[ -d "$EVAL" ] || { echo "no evaluation data at $EVAL: skipped"; exit 0; }
splits=("$@"); [ ${#splits[@]} -gt 0 ] || splits=(actors stories pages pages-html pages-text)

run() {  # name landing scorer gold
  local name=$1 landing=$2 scorer=$3 gold=$4
  rm -rf "$WORK/$name"; mkdir -p "$WORK/$name"
  MEDIA_MONITOR_LANDING=$landing MEDIA_MONITOR_WAREHOUSE=$WORK/$name/warehouse.duckdb \
    DAGSTER_HOME=$WORK/$name/dagster_home MEDIA_MONITOR_LOG_LEVEL=WARNING \
    "$PY" -m pipelines.run > "$WORK/$name/run.log" 2>&1 || { echo "$name: run failed, see $WORK/$name/run.log"; return 1; }
  echo "== $name"
  "$PY" "$EVAL/$scorer" "$WORK/$name/warehouse.duckdb" "$EVAL/$gold"
}

only() {  # copy the files of one form into a folder of their own
  local pattern=$1 dest=$2
  rm -rf "$dest"; mkdir -p "$dest"
  find "$EVAL/pages-dev/landing" -name "$pattern" -exec cp {} "$dest/" \;
}

for split in "${splits[@]}"; do
  case $split in
    actors) run actors "$EVAL/actors-dev/landing" score_actors.py actors-dev/gold.jsonl ;;
    stories) run stories "$EVAL/stories-dev/landing" score_stories.py stories-dev/gold.jsonl ;;
    pages) run pages "$EVAL/pages-dev/landing" score_pages.py pages-dev/gold.jsonl ;;
    pages-html) only '*.html' "$WORK/landing-html"; run pages-html "$WORK/landing-html" score_pages.py pages-dev/gold.jsonl ;;
    pages-text) only '*.page.txt' "$WORK/landing-text"; run pages-text "$WORK/landing-text" score_pages.py pages-dev/gold.jsonl ;;
    *) echo "unknown split $split"; exit 2 ;;
  esac
done
