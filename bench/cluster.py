"""Benchmark: near-duplicate clustering quality and speed (issue 7).

    python bench/cluster.py                 # quality on the base set, then 10,000 and 100,000 items
    python bench/cluster.py --sizes 10000   # only some sizes

Quality: precision and recall of "same story" pairs (two items in one predicted cluster vs. one
label), for the whole set and per kind of item.  Speed: wall time of ``cluster_items`` on one
core and the process's peak resident memory; each size runs in its own subprocess, so the peak is
that size's alone.  The peak includes the test set and the interpreter; "test set alone" is the
peak before clustering started.

The test set comes from ``../shared/data`` (see ``bench/cluster_corpus.py``); without it the
benchmark says so and exits 0.  Targets: precision ≥ 0.98, recall ≥ 0.95, 100,000 items in < 30 s
with < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cluster_corpus import LCSTS, Story, test_set
from machine import load_average

from digest.model import Item
from digest.select.cluster import cluster_items

NOW = datetime(2026, 4, 25, 8, 0, tzinfo=UTC)


def _pairs(counter: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in counter.values())


def score(stories: list[Story], predicted: list[str]) -> tuple[float, float, int, int]:
    """Pair precision, pair recall, true pairs, predicted pairs."""
    both = _pairs(Counter(zip(predicted, (s.label for s in stories), strict=True)))
    guessed = _pairs(Counter(predicted))
    truth = _pairs(Counter(s.label for s in stories))
    return (both / guessed if guessed else 1.0, both / truth if truth else 1.0, truth, guessed)


def run(size: int | None, seed: int) -> dict[str, object]:
    stories = test_set(size, seed=seed)
    items = [
        Item(
            id=f"s{index}",
            title=s.title,
            text=s.text,
            language=s.language,
            fetched=NOW,
            source=f"o{index % 7}",
        )
        for index, s in enumerate(stories)
    ]
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    clustering = cluster_items(items)
    elapsed = time.perf_counter() - started
    predicted = [clustering.cluster_of[item.id] for item in items]
    precision, recall, truth, guessed = score(stories, predicted)
    kinds: dict[str, dict[str, float]] = {}
    for kind in sorted({s.kind for s in stories}):
        # Pairs that involve at least one item of this kind.
        chosen = [i for i, s in enumerate(stories) if s.kind == kind]
        labels_here = Counter(stories[i].label for i in chosen)
        clusters_here = {predicted[i] for i in chosen}
        subset = [i for i, s in enumerate(stories) if s.label in labels_here or predicted[i] in clusters_here]
        p, r, _, _ = score([stories[i] for i in subset], [predicted[i] for i in subset])
        kinds[kind] = {"items": len(chosen), "precision": round(p, 4), "recall": round(r, 4)}
    for language in ("zh", "en"):
        chosen = [i for i, s in enumerate(stories) if s.language == language]
        p, r, _, _ = score([stories[i] for i in chosen], [predicted[i] for i in chosen])
        kinds[f"lang {language}"] = {"items": len(chosen), "precision": round(p, 4), "recall": round(r, 4)}
    return {
        "items": len(items),
        "stories": len({s.label for s in stories}),
        "true_pairs": truth,
        "predicted_pairs": guessed,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "seconds": round(elapsed, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_mb": round(before / 1024),
        "kinds": kinds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="base,10000,100000", help="comma-separated: base or a count")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one size, print JSON
    args = parser.parse_args()
    if not LCSTS.exists():
        print(f"skipped: {LCSTS} not found (the benchmark needs ../shared/data)")
        return 0
    if args.one is not None:
        print(json.dumps(run(None if args.one == "base" else int(args.one), args.seed)))
        return 0
    load = load_average()
    print(
        f"cores available: {len(os.sched_getaffinity(0))}, shared with other work (load average {load});"
        f" clustering pinned to one core; seed {args.seed}"
    )
    print(
        f"{'set':>8} {'items':>7} {'stories':>7} {'precision':>9} {'recall':>7} {'seconds':>7}"
        f" {'peak MB':>7} {'(test set alone)':>16}"
    )
    for size in args.sizes.split(","):
        child = subprocess.run(
            [sys.executable, __file__, "--one", size, "--seed", str(args.seed)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(child.stdout)
        print(
            f"{size:>8} {result['items']:>7} {result['stories']:>7} {result['precision']:>9.4f}"
            f" {result['recall']:>7.4f} {result['seconds']:>7.2f} {result['peak_rss_mb']:>7}"
            f" {result['rss_before_mb']:>16}"
        )
        for kind, figures in result["kinds"].items():
            print(
                f"{'':>8}   {kind:<10} {figures['items']:>6} items"
                f"  precision {figures['precision']:.4f}  recall {figures['recall']:.4f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
