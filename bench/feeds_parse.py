"""Parse CPU of ``read_feed`` on the 200 real feeds of ``shared/data/feeds-bench``, this tree against
a reference revision, and whether both read every feed the same way.

    .venv/bin/python bench/feeds_parse.py [--reference REV] [--rounds N]

The reference (main by default) is unpacked with ``git archive`` into a temporary folder (as
``bench/speed.py`` does) and imported from there by a child process; this tree by another.  The
two sides alternate, ``--rounds`` times each, so that a shared machine's load falls on both alike.
Each child reads every feed once to warm up, then times the parses of all 200 (CPU of its own
process: user + sys), and writes what it read: items (title, body, link, date, key, feed
summary, source), the feed's title, link and encoding, or the error message.  Reported: each
side's best and median CPU seconds, the load average before and after, and the feeds whose
reading differs between the two (each difference should be a fix with its own test).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import load_average  # bench/ is not a package: its folder is put on the path above
from speed import unpack

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "feeds-bench"

# What a child runs: argv[1] is the tree to import digest from, argv[2] where to write what it read.
CHILD = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from digest.acquire.formats import read_feed
from digest.errors import InputError, PartialDocument

feeds = [(p.name, p.read_bytes()) for p in sorted(Path(sys.argv[3]).iterdir()) if p.is_file()]

def read(name, data):
    try:
        feed = read_feed(data, name, base_url="http://feeds.test/" + name)
    except PartialDocument as cut:
        return {"cut": cut.message, "items": [[i.title, i.body, i.url] for i in cut.items]}
    except InputError as error:
        return {"error": error.message}
    items = [
        [i.title, i.body, i.url, i.published.isoformat() if i.published else None, i.key,
         i.feed_summary, i.source]
        for i in feed.items
    ]
    return {"feed": [feed.title, feed.link, feed.encoding, feed.encoding_note], "items": items}

for name, data in feeds:
    read(name, data)
started = time.process_time()
results = {name: read(name, data) for name, data in feeds}
spent = time.process_time() - started
Path(sys.argv[2]).write_text(json.dumps(results, ensure_ascii=False, sort_keys=True))
print(spent)
"""


def parse_cpu(tree: Path, output: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(output), str(DATA)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reference", default="main", help="the revision to compare with (default: main)")
    parser.add_argument("--rounds", type=int, default=3, help="timed parses of the 200 feeds per side")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} is not here")
        return 0
    print(f"load average before: {load_average()} (the machine may be shared)")
    with tempfile.TemporaryDirectory() as folder:
        sides = {"reference": unpack(args.reference, Path(folder) / "reference"), "this tree": ROOT}
        outputs = {name: Path(folder) / f"{n}.json" for n, name in enumerate(sides)}
        spent: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(args.rounds):
            for name, tree in sides.items():
                spent[name].append(parse_cpu(tree, outputs[name]))
        read = {name: json.loads(path.read_text(encoding="utf-8")) for name, path in outputs.items()}
    print(f"load average after: {load_average()}\n")
    print(f"| parse CPU, 200 feeds ({args.rounds} rounds) | best s | median s |")
    print("|---|---:|---:|")
    for name, times in spent.items():
        label = f"{name} ({args.reference})" if name == "reference" else name
        print(f"| {label} | {min(times):.2f} | {statistics.median(times):.2f} |")
    reference, ours = read["reference"], read["this tree"]
    differ = sorted(name for name in reference.keys() | ours.keys() if reference.get(name) != ours.get(name))
    print(f"\nfeeds read differently: {len(differ)} of {len(ours)}")
    for name in differ:
        before, after = reference.get(name, {}).get("items", []), ours.get(name, {}).get("items", [])
        changed = sum(a != b for a, b in zip(before, after, strict=False)) + abs(len(before) - len(after))
        print(f"  {name}: {changed} of {len(after)} items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
