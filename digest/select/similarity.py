"""Near-duplicate detection for Chinese and English news: which pairs of texts tell one story.  Pure.

The stages, in order (numbered as in the code):

1. **Normalise** for matching: ``text.script.to_simplified``, the conversion ingest uses (so 繁
   and 简 versions of one story are the same text), NFKC (full-width letters and digits become
   ASCII), case-folded, and every character that is not a letter or digit dropped — punctuation
   and spacing are what outlets change most.
2. **Shingle**: overlapping character n-grams — 3 for Chinese, 5 for other scripts.  Characters,
   not words: splitting on spaces, as most dedup tools do, gives one "word" per Chinese sentence.
3. **Sketch**: MinHash signatures (``PERMUTATIONS`` values per text), computed for the whole batch
   at once with numpy — one array operation per permutation, not one Python call per text.
4. **Candidates**: LSH over signature bands of ``BAND_ROWS`` values; texts sharing a band are
   candidates.  Shingles common to many texts of the batch (``的一个``, ``the``…) are left out of
   the sketch so that unrelated texts do not collide on them.
5. **Verify** each candidate on the exact shingle sets: the same story when the Jaccard similarity
   or the overlap (the shared part of the shorter text) clears its threshold, and the figures
   (numbers) of the two texts agree — follow-up stories reuse a template with new numbers.

Exact matches (same canonical URL, same normalised text) are found by hashing and need no sketch.
Written here rather than taken from ``datasketch``: its per-text ``MinHash`` objects cost a Python
call per text and per shingle batch (minutes for 100,000 texts) and it has no notion of Chinese.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from hashlib import blake2b

import numpy as np
import numpy.typing as npt

from digest.patterns import LazyPattern

PERMUTATIONS = 64
BAND_ROWS = 2  # 32 bands of 2: a pair with Jaccard 0.3 becomes a candidate with p ≈ 0.95
JACCARD_SAME = 0.45  # at or above: same story
OVERLAP_SAME = 0.7  # or: this share of the shorter text is in the longer one …
OVERLAP_MIN_JACCARD = 0.3  # … and they are not wholly different otherwise
MIN_SHINGLES = 8  # texts shorter than this are matched exactly only
COMMON_SHARE = 0.01  # shingles in more than this share of a batch …
COMMON_FLOOR = 50  # … and in more than this many texts are not sketched
_CHUNK = 4096  # texts normalised and shingled at a time
_SAMPLE = 20_000  # texts sampled for document frequencies
_BUCKET_ALL_PAIRS = 24  # larger LSH buckets are linked as a chain, not all pairs

Array = npt.NDArray[np.uint64]
_NON_WORD = LazyPattern(r"[\W_]+")
_CJK = LazyPattern(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_NUMBER = LazyPattern(r"\d+")
Figures = dict[str, frozenset[str]]


def normalise_texts(texts: Sequence[str]) -> list[str]:
    """(1) The matching form of each text: simplified, NFKC, case-folded, letters and digits only."""
    # Imported here: the digest.text package costs 0.05 s of start-up, and a digest whose links
    # are stored never normalises (select.cluster.find_links).
    from digest.text.script import to_simplified

    # One OpenCC call per few thousand texts: the per-call overhead dominates for short texts,
    # and one call for all of them would hold several copies of the whole batch at once.
    result: list[str] = []
    for first in range(0, len(texts), _CHUNK):
        joined = "\n".join(text.replace("\n", " ") for text in texts[first : first + _CHUNK])
        converted = to_simplified(joined).split("\n")
        result.extend(_NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold()) for text in converted)
    return result


def numbers_in(normalised: Sequence[str]) -> list[Figures]:
    """The figures of each normalised text, keyed by their context (two characters before, one after).

    ``突破23关口`` gives ``{"突破|关": {"23"}}``; a year or a count in the same wording in another
    text lands on the same key, so two texts can be checked for figures that disagree.
    """
    result: list[Figures] = []
    for text in normalised:
        figures: dict[str, set[str]] = {}
        for match in _NUMBER.finditer(text):
            start, end = match.span()
            context = text[max(start - 2, 0) : start] + "|" + text[end : end + 1]
            figures.setdefault(context, set()).add(match[0])
        result.append({key: frozenset(values) for key, values in figures.items()})
    return result


def shingle_size(normalised: str) -> int:
    """3 for mostly-Chinese text, 5 for other scripts."""
    sample = normalised[:400]
    cjk = len(_CJK.findall(sample))
    return 3 if sample and cjk * 2 >= len(sample) else 5


def text_key(normalised: str) -> str | None:
    """A hash of the normalised text, or None when the text is too short to identify a story."""
    if len(normalised) < 20:
        return None
    return "t:" + blake2b(normalised.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class Shingles:
    """(2) All shingle hashes of a batch: ``hashes[starts[i]:starts[i + 1]]`` are text ``i``'s, sorted
    and without repeats."""

    hashes: Array
    starts: npt.NDArray[np.int64]

    def of(self, index: int) -> Array:
        return self.hashes[self.starts[index] : self.starts[index + 1]]

    @property
    def counts(self) -> npt.NDArray[np.int64]:
        return np.diff(self.starts)


def _mix(values: Array) -> Array:
    # A 64-bit finaliser (splitmix64): spreads the polynomial hash over all bits.
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def shingle_texts(normalised: Sequence[str]) -> Shingles:
    """(2) The character n-gram hashes of each normalised text, deterministic across runs."""
    # In chunks of texts, written into one array sized for the worst case (a shingle per
    # character): the temporaries of a chunk are a few MB and the result is never copied.
    bound = sum(len(text) for text in normalised)
    hashes = np.empty(bound, dtype=np.uint64)
    counts = np.zeros(len(normalised), dtype=np.int64)
    filled = 0
    for first in range(0, len(normalised), _CHUNK):
        chunk_hashes, chunk_counts = _shingle_chunk(normalised[first : first + _CHUNK])
        hashes[filled : filled + len(chunk_hashes)] = chunk_hashes
        counts[first : first + len(chunk_counts)] = chunk_counts
        filled += len(chunk_hashes)
    starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return Shingles(hashes=hashes[:filled], starts=starts)


def _shingle_chunk(normalised: Sequence[str]) -> tuple[Array, npt.NDArray[np.int64]]:
    lengths = np.fromiter((len(text) for text in normalised), dtype=np.int64, count=len(normalised))
    sizes = np.fromiter((shingle_size(text) for text in normalised), dtype=np.int64, count=len(normalised))
    points = np.frombuffer("".join(normalised).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    points = points.astype(np.uint64)
    text_ends = np.cumsum(lengths)
    total = int(text_ends[-1]) if len(text_ends) else 0
    owner = np.repeat(np.arange(len(normalised)), lengths)
    size_here = sizes[owner]
    valid = np.arange(total, dtype=np.int64) + size_here <= text_ends[owner]
    hashes = np.zeros(total, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for size in np.unique(sizes):
            rolling = np.zeros(max(total - int(size) + 1, 0), dtype=np.uint64)
            for offset in range(int(size)):
                rolling = rolling * np.uint64(0x100000001B3) + points[offset : offset + len(rolling)]
            chosen = np.flatnonzero(valid & (size_here == size))
            hashes[chosen] = _mix(rolling[chosen] + np.uint64(size))
    kept = np.flatnonzero(valid)
    # Sort each text's shingles and drop repeats in one go: the text's index goes in the top 24
    # bits of a key, 40 bits of the shingle hash below it (chance collisions at 40 bits are rare
    # enough not to move a Jaccard estimate).
    keys = (owner[kept].astype(np.uint64) << np.uint64(40)) | (hashes[kept] >> np.uint64(24))
    keys.sort()
    if len(keys):
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    counts = np.bincount((keys >> np.uint64(40)).astype(np.int64), minlength=len(normalised))
    return keys & np.uint64((1 << 40) - 1), counts.astype(np.int64)


def _permutation_constants(count: int) -> tuple[Array, Array]:
    # Fixed, so signatures (and so clusters) are the same on every run and machine.
    generator = np.random.default_rng(20260424)
    multipliers = generator.integers(1, 2**63, size=count, dtype=np.uint64) | np.uint64(1)
    addends = generator.integers(0, 2**63, size=count, dtype=np.uint64)
    return multipliers, addends


def minhash(shingles: Shingles, *, sketched: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.uint32]:
    """(3) MinHash signatures, one row per text (``PERMUTATIONS`` 32-bit values).

    ``sketched`` marks the shingles to use (all by default).  A text with none gets a row of
    distinct per-text values, so it never shares a band with anything.
    """
    hashes, starts = shingles.hashes, shingles.starts
    texts = len(starts) - 1
    signatures = np.empty((texts, PERMUTATIONS), dtype=np.uint32)
    signatures[:] = np.arange(texts, dtype=np.uint32)[:, None] ^ (
        np.uint32(0x9E3779B9) + np.arange(PERMUTATIONS, dtype=np.uint32)
    )
    multipliers, addends = _permutation_constants(PERMUTATIONS)
    # Blocks of whole texts of about a million shingles: the temporaries stay a few MB.
    first = 0
    while first < texts:
        last = int(np.searchsorted(starts, starts[first] + 1_000_000, side="right")) - 1
        last = min(max(last, first + 1), texts)
        block = hashes[starts[first] : starts[last]]
        offsets = starts[first:last] - starts[first]
        if sketched is not None:
            mask = sketched[starts[first] : starts[last]]
            offsets = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))[offsets]
            block = block[mask]
        ends = np.append(offsets[1:], len(block))
        present = np.flatnonzero(ends > offsets)
        offsets = offsets[present]
        scratch = np.empty_like(block)
        with np.errstate(over="ignore"):
            for column in range(PERMUTATIONS):
                np.multiply(block, multipliers[column], out=scratch)
                np.add(scratch, addends[column], out=scratch)
                np.right_shift(scratch, np.uint64(32), out=scratch)
                if len(present):
                    signatures[first + present, column] = np.minimum.reduceat(scratch, offsets)
        first = last
    return signatures


def common_shingles(shingles: Shingles) -> npt.NDArray[np.bool_]:
    """(4) A mask of shingles that are not too common in this batch to tell texts apart.

    Document frequencies come from an evenly spread sample of at most ``_SAMPLE`` texts: common
    shingles are common in any large sample, and counting all of a big batch costs gigabytes.
    """
    texts = len(shingles.starts) - 1
    limit = max(COMMON_FLOOR, int(COMMON_SHARE * texts))
    if texts <= limit:
        return np.ones(len(shingles.hashes), dtype=bool)
    step = max(1, texts // _SAMPLE)
    sample = np.concatenate([shingles.of(index) for index in range(0, texts, step)])
    sampled_limit = max(limit // step, 2)
    # Each text's shingles are repeat-free, so a value's run length is its number of texts.
    sample.sort()
    boundaries = np.flatnonzero(np.concatenate(([True], sample[1:] != sample[:-1], [True])))
    common = sample[boundaries[:-1][np.diff(boundaries) > sampled_limit]]
    del sample, boundaries
    keep = np.ones(len(shingles.hashes), dtype=bool)
    if not len(common):
        return keep
    for first in range(0, len(keep), 1 << 20):
        block = shingles.hashes[first : first + (1 << 20)]
        where = np.minimum(np.searchsorted(common, block), len(common) - 1)
        keep[first : first + len(block)] = common[where] != block
    return keep


def candidate_pairs(signatures: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
    """(4) Pairs ``(i, j)``, ``i < j``, that share a band of their signatures; sorted, unique."""
    texts = signatures.shape[0]
    found: list[npt.NDArray[np.int64]] = []
    for first in range(0, PERMUTATIONS - BAND_ROWS + 1, BAND_ROWS):
        band = np.ascontiguousarray(signatures[:, first : first + BAND_ROWS]).view(
            np.dtype((np.void, 4 * BAND_ROWS))
        )[:, 0]
        order = np.argsort(band, kind="stable")
        ordered = band[order]
        same = ordered[1:] == ordered[:-1]
        if not same.any():
            continue
        # Runs of equal band values: link each member to the run's first (and chain big runs).
        run_start = np.flatnonzero(np.concatenate(([True], ~same)))
        run_id = np.cumsum(np.concatenate(([True], ~same))) - 1
        run_length = np.diff(np.concatenate((run_start, [texts])))
        members = np.flatnonzero(run_length[run_id] > 1)
        heads = run_start[run_id[members]]
        small = run_length[run_id[members]] <= _BUCKET_ALL_PAIRS
        left = np.where(small, order[heads], order[np.maximum(members - 1, heads)])
        right = order[members]
        keep = left != right
        found.append(np.stack((left[keep], right[keep]), axis=1))
        # Small runs: all pairs, not only pairs with the head (verification is not transitive).
        # Grouped by run length, so there is one array operation per length, not per run.
        for length in np.unique(run_length[(run_length > 2) & (run_length <= _BUCKET_ALL_PAIRS)]):
            starts_here = run_start[run_length == length]
            groups = order[starts_here[:, None] + np.arange(length)]
            a, b = np.triu_indices(int(length), k=2)
            found.append(np.stack((groups[:, a].ravel(), groups[:, b].ravel()), axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found).astype(np.int64)
    pairs = np.sort(pairs, axis=1)
    return np.unique(pairs, axis=0)


@dataclass(frozen=True, slots=True)
class Similarity:
    """How alike two texts are: Jaccard of their shingle sets and overlap (share of the smaller)."""

    jaccard: float
    overlap: float

    @property
    def same_story(self) -> bool:
        return self.jaccard >= JACCARD_SAME or (
            self.overlap >= OVERLAP_SAME and self.jaccard >= OVERLAP_MIN_JACCARD
        )


def similarity(a: Array, b: Array) -> Similarity:
    """(5) Exact Jaccard and overlap of two sorted, repeat-free shingle-hash arrays."""
    left, right = a, b
    if not len(left) or not len(right):
        return Similarity(0.0, 0.0)
    shared = len(np.intersect1d(left, right, assume_unique=True))
    return Similarity(
        jaccard=shared / (len(left) + len(right) - shared),
        overlap=shared / min(len(left), len(right)),
    )


def figures_agree(a: Figures, b: Figures) -> bool:
    """(5) False when the two texts give different figures in the same wording.

    Rewrites keep a story's figures; a follow-up on the same template (a new quarter's results,
    tomorrow's rates) says ``突破78关口`` where the first said ``突破23关口``.  A figure present in
    only one text (a sentence added or dropped) is no disagreement.
    """
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return all(not (digits.isdisjoint(large[key])) for key, digits in small.items() if key in large)


def near_pairs(shingles: Shingles, figures: Sequence[Figures]) -> list[tuple[int, int, Similarity]]:
    """(3–5) Verified same-story pairs ``(i, j, similarity)`` of a batch, ``i < j``."""
    enough = shingles.counts >= MIN_SHINGLES
    signatures = minhash(shingles, sketched=common_shingles(shingles))
    pairs = candidate_pairs(signatures)
    if not len(pairs):
        return []
    pairs = pairs[enough[pairs[:, 0]] & enough[pairs[:, 1]]]
    # A cheap first cut on the signatures before the exact check: far below any threshold.
    agree = (signatures[pairs[:, 0]] == signatures[pairs[:, 1]]).mean(axis=1)
    pairs = pairs[agree >= OVERLAP_MIN_JACCARD / 2]
    result: list[tuple[int, int, Similarity]] = []
    for i, j in pairs.tolist():
        if not figures_agree(figures[i], figures[j]):
            continue
        found = similarity(shingles.of(i), shingles.of(j))
        if found.same_story:
            result.append((i, j, found))
    return result
