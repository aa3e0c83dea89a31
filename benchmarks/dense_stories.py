"""A dense development set for story clustering, assembled in a folder of your choice.

The stories-dev split (../shared/eval/stories-dev) spreads 28 events over three months; real
streams carry many distinct developments a week about the same people and places. This script
re-dates stories-dev's AP and NYT files into three weeks (every gap shrunk fourfold, order
kept), mixes in the pages-dev feed records (each its own story, dated at random inside the same
weeks), and adds short articles written for this set: six distinct events of one week about the
same people and places (EU-China trade talks, a Macron-Merz meeting, a NATO air-defence
pledge, ...), three reports each from different outlets and days. It writes `landing/` and
`gold.jsonl` (file, story, date, outlet) in the format of ../shared/eval's scorers.

The evaluation texts are read from ../shared/eval at run time and copied only into OUT (a
temporary folder), never into the project.

usage: .venv/bin/python -m benchmarks.dense_stories OUT [--eval ../shared/eval]
"""

import argparse
import json
import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

START = date(2025, 11, 3)
SHRINK = 4
SEED = 7

# (story, outlet, day offset from START + 7, title, text): written for this set.
OWN = [
    ("own-eu-china-trade", "Brussels Wire", 0, "EU and China open talks on electric car tariffs",
     "European Commission President Ursula von der Leyen opened two days of trade talks with Chinese Premier Li Qiang in Brussels on Monday, "
     "seeking a deal on the tariffs the European Union imposed on Chinese electric cars. Officials said the talks would also cover rare earth exports."),
    ("own-eu-china-trade", "Daily Courier", 1, "Von der Leyen and Li Qiang fail to settle EV tariff dispute",
     "Trade talks between the European Union and China ended in Brussels on Tuesday without agreement on electric vehicle tariffs. "
     "Ursula von der Leyen said minimum prices for Chinese cars remained on the table, while Li Qiang warned against protectionism."),
    ("own-eu-china-trade", "Evening Post", 2, "Carmakers react to stalled EU-China tariff talks",
     "German and French carmakers urged Brussels to keep negotiating after the EU-China talks on electric car tariffs stalled. "
     "The Commission said technical teams would meet again on minimum import prices for Chinese vehicles."),
    ("own-macron-merz", "Berlin Herald", 1, "Macron and Merz meet in Berlin on fighter jet programme",
     "French President Emmanuel Macron met Chancellor Friedrich Merz in Berlin on Tuesday to rescue the joint fighter jet programme, "
     "which has been stalled by a dispute between Dassault and Airbus over work shares."),
    ("own-macron-merz", "Daily Courier", 2, "Merz and Macron agree to mediator for jet project",
     "Friedrich Merz and Emmanuel Macron agreed in Berlin to appoint a mediator to settle the quarrel between Dassault and Airbus "
     "over the next-generation fighter jet, the chancellery said on Wednesday."),
    ("own-macron-merz", "Evening Post", 3, "Industry doubts Berlin deal will save fighter jet",
     "Aerospace executives doubted that the mediator agreed by Macron and Merz in Berlin could save the fighter programme, "
     "saying Dassault wanted full control of the jet's design and Airbus refused."),
    ("own-nato-air-defence", "Brussels Wire", 2, "NATO allies pledge Patriot systems for Ukraine",
     "NATO defence ministers meeting in Brussels on Wednesday pledged four more Patriot air defence systems for Ukraine. "
     "Secretary General Mark Rutte said Germany and the Netherlands would deliver the first batteries before winter."),
    ("own-nato-air-defence", "Berlin Herald", 3, "Germany to send two Patriot batteries to Ukraine",
     "Germany will send two Patriot batteries to Ukraine under the pledge NATO ministers made in Brussels, Defence Minister Boris Pistorius said on Thursday. "
     "Chancellor Friedrich Merz said air defence was the most urgent need."),
    ("own-nato-air-defence", "Daily Courier", 4, "Rutte urges allies to speed air defence deliveries",
     "Mark Rutte urged NATO members to deliver the promised Patriot systems quickly, as Russian missile strikes on Ukrainian power plants intensified."),
    ("own-eu-summit-migration", "Brussels Wire", 3, "EU leaders clash over migration at Brussels summit",
     "European Union leaders meeting in Brussels on Thursday clashed over a plan to send rejected asylum seekers to return hubs outside the bloc. "
     "Emmanuel Macron opposed the plan, while Friedrich Merz backed it."),
    ("own-eu-summit-migration", "Evening Post", 4, "Summit ends with vague pledge on asylum returns",
     "The Brussels summit ended on Friday with a vague pledge to speed up deportations of rejected asylum seekers. "
     "Ursula von der Leyen said the Commission would propose a law on return hubs next month."),
    ("own-eu-summit-migration", "Daily Courier", 5, "Rights groups condemn EU return hub plan",
     "Human rights groups condemned the return hubs for rejected asylum seekers that EU leaders discussed in Brussels, saying deportations to third countries broke international law."),
    ("own-china-rare-earths", "Asia Desk", 0, "China tightens export controls on rare earth magnets",
     "China's commerce ministry announced new export licences for rare earth magnets on Monday, a move that could disrupt car factories in Europe and the United States. "
     "Beijing said the rules protected national security."),
    ("own-china-rare-earths", "Evening Post", 1, "European factories warn of magnet shortages",
     "European manufacturers warned of shortages of rare earth magnets after Beijing required export licences. "
     "German suppliers said production lines could stop within weeks if Chinese licences were delayed."),
    ("own-china-rare-earths", "Berlin Herald", 4, "Merz calls for European rare earth stockpile",
     "Friedrich Merz called for a European stockpile of rare earth magnets after China's new export licences left German factories short of parts."),
    ("own-zelensky-berlin", "Berlin Herald", 5, "Zelensky in Berlin for reconstruction conference",
     "Ukrainian President Volodymyr Zelensky arrived in Berlin on Friday for a conference on rebuilding Ukraine's power grid and housing, hosted by Friedrich Merz. "
     "Donors pledged funds for new power plants."),
    ("own-zelensky-berlin", "Daily Courier", 6, "Donors pledge billions for Ukraine power grid",
     "Donors at the Berlin reconstruction conference pledged billions of euros to repair Ukraine's power grid and homes. "
     "Volodymyr Zelensky thanked Germany and asked private investors to follow."),
    ("own-zelensky-berlin", "Asia Desk", 6, "Japan joins Ukraine rebuilding fund",
     "Japan said it would join the fund for rebuilding Ukraine agreed at the Berlin conference, contributing transformers and engineers for power stations."),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "eval")
    args = parser.parse_args()
    build(args.out, args.eval)


def build(out: Path, eval_dir: Path) -> list[dict]:
    rng = random.Random(SEED)
    landing = out / "landing"
    shutil.rmtree(landing, ignore_errors=True)
    landing.mkdir(parents=True)
    gold = []
    rows = [json.loads(line) for line in (eval_dir / "stories-dev" / "gold.jsonl").read_text().splitlines() if line.strip()]
    first = min(date.fromisoformat(r["date"]) for r in rows)
    for r in rows:
        day = START + timedelta(days=(date.fromisoformat(r["date"]) - first).days // SHRINK)
        source = eval_dir / "stories-dev" / "landing" / r["file"]
        text = source.read_text(encoding="utf-8", errors="replace")
        if r["file"].endswith(".json"):
            record = json.loads(text)
            record["published_at"] = day.isoformat()
            text = json.dumps(record)
        else:
            text = re.sub(r"(?m)^date \d{4}-\d{2}-\d{2}$", f"date {day.isoformat()}", text, count=1)
        (landing / r["file"]).write_text(text, encoding="utf-8")
        gold.append({"file": r["file"], "story": r["story"], "date": day.isoformat(), "outlet": r["outlet"]})
    for source in sorted((eval_dir / "pages-dev" / "landing").glob("*.feed.json")):
        record = json.loads(source.read_text(encoding="utf-8", errors="replace"))
        day = START + timedelta(days=rng.randrange(21))
        for field in ("published_at", "publishedAt", "date", "pubDate"):
            record.pop(field, None)
        record["published_at"] = day.isoformat()
        (landing / source.name).write_text(json.dumps(record), encoding="utf-8")
        gold.append({"file": source.name, "story": f"page-{source.name}", "date": day.isoformat(), "outlet": None})
    for i, (story, outlet, offset, title, text) in enumerate(OWN):
        day = START + timedelta(days=7 + offset)
        name = f"own-{i:02d}.txt"
        (landing / name).write_text(f"date {day.isoformat()}\nsource: {outlet}\ntitle: {title}\n\n{text}\n", encoding="utf-8")
        gold.append({"file": name, "story": story, "date": day.isoformat(), "outlet": outlet})
    (out / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    return gold


if __name__ == "__main__":
    main()
