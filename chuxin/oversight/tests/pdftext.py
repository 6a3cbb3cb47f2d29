"""Text back out of a PDF that WeasyPrint wrote, without a PDF library: each font's ToUnicode
CMap decodes the glyph codes of the text it shows. Glyph 0 (.notdef, drawn as a box) comes out
as U+25A1 □, so a test can tell a missing font from a present one."""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)


def _stream(body: bytes) -> bytes | None:
    if b"stream" not in body:
        return None
    raw = body.split(b"stream", 1)[1].lstrip(b"\r\n")
    raw = raw[: raw.rfind(b"endstream")]
    if b"/FlateDecode" in body.split(b"stream", 1)[0]:
        try:
            return zlib.decompress(raw)
        except zlib.error:
            return None
    return raw


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Every object: (dictionary text, decoded stream), including those in object streams."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for match in _OBJ.finditer(pdf):
        number, body = int(match.group(1)), match.group(2)
        data = _stream(body)
        head = body.split(b"stream", 1)[0] if data is not None else body
        objects[number] = (head, data)
        if b"/ObjStm" in head and data is not None:
            found = re.search(rb"/First (\d+)", head)
            if found is None:
                continue
            first = int(found.group(1))
            pairs = [int(x) for x in data[:first].split()]
            offsets = list(zip(pairs[::2], pairs[1::2], strict=True))
            for i, (inner, offset) in enumerate(offsets):
                end = offsets[i + 1][1] if i + 1 < len(offsets) else len(data) - first
                objects[inner] = (data[first + offset : first + end], None)
    return objects


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def extract_text(pdf: bytes) -> str:
    objects = _objects(pdf)
    to_unicode: dict[int, dict[int, str]] = {}
    for number, (head, _data) in objects.items():
        ref = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if ref and int(ref.group(1)) in objects:
            cmap_data = objects[int(ref.group(1))][1] or b""
            to_unicode[number] = _cmap(cmap_data)
    names: dict[bytes, int] = {}
    for head, _data in objects.values():
        for name, target in re.findall(rb"/([A-Za-z0-9+_.-]+) (\d+) 0 R", head):
            if int(target) in to_unicode:
                names[name] = int(target)
    out: list[str] = []
    token = re.compile(rb"/([A-Za-z0-9+_.-]+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]*)>|(ET)")
    for _head, data in objects.values():
        if data is None or b"BT" not in data or b"begincmap" in data:
            continue
        font: dict[int, str] = {}
        for match in token.finditer(data):
            if match.group(1):
                font = to_unicode.get(names.get(match.group(1), -1), {})
            elif match.group(3):
                out.append("\n")
            elif match.group(2) is not None:
                hexes = match.group(2).decode()
                for i in range(0, len(hexes) - 3, 4):
                    code = int(hexes[i : i + 4], 16)
                    out.append("\u25a1" if code == 0 else font.get(code, "\ufffd"))
    return "".join(out)


def font_names(pdf: bytes) -> set[str]:
    """The embedded fonts' names (subset prefixes dropped)."""
    names = set()
    for head, _data in _objects(pdf).values():
        for name in re.findall(rb"/BaseFont /([^\s/<>\[\]]+)", head):
            names.add(name.decode(errors="replace").split("+", 1)[-1])
    return names
