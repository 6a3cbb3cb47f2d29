"""Likely duplicates by text similarity. Chinese has no spaces between words, so texts are
compared as sets of character bigrams (n-grams work without word segmentation): the Jaccard
similarity of the bigrams of the problems' titles, or of their titles with descriptions,
whichever is higher (a short duplicate may say in its title what the other says at length).

To find the candidates among every open problem of a unit (tens of thousands) without
comparing each pair, every problem's text is indexed once as locality-sensitive keys
(:class:`~chuxin.problems.models.ProblemBand`): a one-permutation MinHash of its bigrams
(each bigram hashed once, the minimum kept per bucket of the hash space, empty buckets filled
from the next one), cut into bands of two buckets, each band hashed to one integer key. Two
texts with Jaccard similarity *s* share a given band with probability about *s*², so with 16
bands of the whole text and 8 of the title a pair at 0.5 shares one with probability > 0.99,
while a pair at 0.1 rarely does. The candidates' texts are then compared exactly.

Problems are indexed when written through the services; rows loaded in bulk (the demo, bench
loads) are indexed lazily, a unit at a time, the first time its duplicates are asked for, or
by ``chuxin problem_signatures``.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

THRESHOLD = 0.5
# Text buckets (bands of 2), title buckets (bands of 2).
TEXT_BUCKETS = 32
TITLE_BUCKETS = 16
ROWS_PER_BAND = 2
# A key shared by more problems of a unit than this says nothing (a template's boilerplate).
COMMON_KEY = 50
MAX_CANDIDATES = 300
_SPACE = 2**32


def ngrams(text: str, n: int = 2) -> frozenset[str]:
    """Character n-grams of the text, ignoring spaces, punctuation and case."""
    text = unicodedata.normalize("NFKC", text).casefold()
    chars = "".join(ch for ch in text if ch.isalnum())
    if len(chars) < n:
        return frozenset([chars]) if chars else frozenset()
    return frozenset(chars[i : i + n] for i in range(len(chars) - n + 1))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def full_text(title: str, description: str) -> str:
    return f"{title}\n{description or ''}"


def score(a: tuple[str, str], b: tuple[str, str]) -> float:
    """How alike two problems (title, description) are: the better of titles and full texts."""
    return max(
        similarity(ngrams(a[0]), ngrams(b[0])),
        similarity(ngrams(full_text(*a)), ngrams(full_text(*b))),
    )


def _oph(grams: frozenset[str], buckets: int) -> list[int] | None:
    """One-permutation MinHash: per bucket the least hash falling in it (densified)."""
    if not grams:
        return None
    width = _SPACE // buckets
    mins: list[int | None] = [None] * buckets
    for gram in grams:
        h = zlib.crc32(gram.encode())
        b, v = divmod(h, width)
        if b >= buckets:
            b, v = buckets - 1, v + width
        current = mins[b]
        if current is None or v < current:
            mins[b] = v
    out: list[int] = []
    for i in range(buckets):
        # Rotation densification: an empty bucket takes the next non-empty one's value,
        # offset by the distance, the same way for every text.
        for step in range(buckets):
            value = mins[(i + step) % buckets]
            if value is not None:
                out.append(value + step * _SPACE)
                break
    return out


def _keys(sig: list[int] | None, kind: str) -> list[int]:
    if sig is None:
        return []
    keys = []
    for band in range(len(sig) // ROWS_PER_BAND):
        part = sig[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        raw = f"{kind}{band}:" + ":".join(map(str, part))
        # 32 bits of hash and the band's number: two texts share a key only in the same band.
        keys.append((zlib.crc32(raw.encode()) << 8 | band) * (1 if kind == "t" else -1))
    return keys


def band_keys(title: str, description: str) -> list[int]:
    """The locality-sensitive keys of a problem's text (distinct, stable across processes)."""
    keys = _keys(_oph(ngrams(full_text(title, description)), TEXT_BUCKETS), "t")
    keys += _keys(_oph(ngrams(title), TITLE_BUCKETS), "h")
    return sorted(set(keys))


def digest(title: str, description: str) -> str:
    return hashlib.md5(full_text(title, description).encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Pair:
    first: int
    second: int
    score: float


def similar_pairs(texts: Iterable[tuple[int, str]], threshold: float = THRESHOLD) -> list[Pair]:
    """Pairs of ids whose texts are at least ``threshold`` alike, most alike first. An inverted
    index on the bigrams means only texts sharing a bigram are ever compared."""
    grams = {pk: ngrams(text) for pk, text in texts}
    index: dict[str, list[int]] = defaultdict(list)
    for pk, g in grams.items():
        for gram in g:
            index[gram].append(pk)
    seen: set[tuple[int, int]] = set()
    pairs = []
    for pk, g in grams.items():
        candidates = {other for gram in g for other in index[gram] if other > pk}
        for other in candidates:
            if (pk, other) in seen:
                continue
            seen.add((pk, other))
            value = similarity(g, grams[other])
            if value >= threshold:
                pairs.append(Pair(pk, other, round(value, 2)))
    return sorted(pairs, key=lambda p: (-p.score, p.first, p.second))
