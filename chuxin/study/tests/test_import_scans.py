"""The set-based import's quick looks at a file (``study.import_sql``) answer as the plain
patterns they stand in for: blank or delimiter-only lines, and whitespace other than spaces."""

from __future__ import annotations

import random
import re

import pytest

from chuxin.study import import_sql


def _regular_by_pattern(body: bytes, delimiter: str) -> bool:
    sep = re.escape(delimiter.encode())
    return re.search(rb"(?:^|\n)" + sep + rb"*\r?(?:\n|$)", body.rstrip(b"\r\n")) is None


def _trim_by_pattern(body: bytes, delimiter: str) -> str:
    cells = body.replace(b"\t", b"") if delimiter == "\t" else body
    if import_sql._OTHER_SPACE.search(cells) is not None:
        return "all"
    return "spaces" if b" " in body else "none"


_PIECES = [
    "A0001", "学习党章", "《党章》", "2026-11-20", "1.5", "", " ", "\u3000", "\xa0", "\u2009",
    "\u2028", "\u200b", "“引”", "\t", "\x0b", "\r",
]  # fmt: skip


def _bodies() -> list[tuple[bytes, str]]:
    fixed = [
        (b"h,i\na,b\n\nc,d", ","),
        (b"h,i\na,b\n,\nc,d", ","),
        (b"h,i\r\na,b\r\n\r\nc,d\r\n", ","),
        (b"h,i\na,b\n,x\n", ","),
        (b"h,i\na,b\n\n\n", ","),
        (b"h;i\na;b\n;;\n", ";"),
        (b"h\ti\na\tb\n\t\n", "\t"),
        (b"h\ti\na\tb\nc\td\n", "\t"),
        ("h,i\n《a》,“b”\n".encode(), ","),
        ("h,i\na\u3000,b\n".encode(), ","),
    ]
    rng = random.Random(3)
    for _ in range(300):
        delimiter = rng.choice([",", ";", "\t"])
        lines = [
            delimiter.join(rng.choice(_PIECES) for _ in range(rng.randint(1, 3)))
            for _ in range(rng.randint(1, 5))
        ]
        end = rng.choice(["\n", "\r\n"])
        fixed.append((("h" + delimiter + "i" + end + end.join(lines)).encode(), delimiter))
    return fixed


@pytest.mark.parametrize(("body", "delimiter"), _bodies())
def test_quick_looks_answer_as_the_patterns(body: bytes, delimiter: str) -> None:
    assert import_sql._regular(body, delimiter) == _regular_by_pattern(body, delimiter)
    assert import_sql._trim_needed(body, delimiter) == _trim_by_pattern(body, delimiter)
