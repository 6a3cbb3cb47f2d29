"""Likely duplicates by text similarity. Chinese has no spaces between words, so texts are
compared as sets of character bigrams (n-grams work without word segmentation): the Jaccard
similarity of the bigrams of the problems' titles."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

THRESHOLD = 0.5
MAX_PROBLEMS = 2000  # per unit; beyond that the list is cut to the most recent


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
            score = similarity(g, grams[other])
            if score >= threshold:
                pairs.append(Pair(pk, other, round(score, 2)))
    return sorted(pairs, key=lambda p: (-p.score, p.first, p.second))
