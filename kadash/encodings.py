"""Which text encoding a file is in.

A byte-order mark settles it; so does valid UTF-8 (the usual case). Otherwise the candidates
are the encodings Chinese and Western ERPs export in — Big5 (Taiwan, Hong Kong), GB18030
(mainland; a superset of GBK and GB2312), UTF-16 without a mark, and cp1252 (Western
Windows) — and the well-kept ``charset-normalizer`` ranks them. Its evidence can be short: in
a typical export only the header line is non-ASCII, a dozen bytes. So each candidate that can
decode the file is also scored by how many of the header's names it turns into column names
kadash knows (客戶編號, 金額 …); the best score wins, the detector's order breaks ties.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from kadash.columns import recognised_fields
from kadash.errors import KadashError

__all__ = ["ENCODINGS", "canonical_encoding", "detect_encoding"]

#: Encodings a user can choose, in the order they are offered (Python codec names).
ENCODINGS: tuple[str, ...] = (
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "cp950",
    "big5hkscs",
    "gb18030",
    "cp1252",
)
_CANDIDATES = ("cp950", "big5hkscs", "gb18030", "cp1252")
_SAMPLE = 1 << 18


def _utf16_without_mark(sample: bytes) -> str | None:
    """UTF-16 text of mostly ASCII has a zero in every other byte."""
    even, odd = sample[0:4000:2], sample[1:4000:2]
    if len(sample) < 4:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _decodes(sample: bytes, encoding: str) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


#: Names people give encodings → ours.
_ALIASES = {
    "big5": "cp950", "big-5": "cp950", "cp950": "cp950", "ms950": "cp950",
    "big5hkscs": "big5hkscs", "big5-hkscs": "big5hkscs", "hkscs": "big5hkscs",
    "gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030", "cp936": "gb18030",
    "utf8": "utf-8", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf8-sig": "utf-8-sig",
    "utf16": "utf-16", "utf-16": "utf-16", "utf-16le": "utf-16-le", "utf-16-le": "utf-16-le",
    "utf-16be": "utf-16-be", "utf-16-be": "utf-16-be",
    "cp1252": "cp1252", "windows-1252": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "iso-8859-1": "cp1252",
}  # fmt: skip


def canonical_encoding(name: str) -> str:
    """The encoding meant by a name (``Big5`` → cp950, ``GBK`` → gb18030, ``UTF8`` → utf-8).

    Raises
    ------
    KadashError
        For a name kadash does not read.
    """
    key = name.strip().lower().replace("_", "-")
    if key not in _ALIASES:
        raise KadashError("error.unknown_encoding", name=name, known=", ".join(ENCODINGS))
    return _ALIASES[key]


def detect_encoding(data: bytes, *, exclude_utf8: bool = False) -> str:
    """The encoding to read ``data`` with (a name from :data:`ENCODINGS`, or a UTF-16 variant).

    Returns ``"utf-8"`` for pure ASCII. Never raises: with no better evidence, the detector's
    first choice (or cp1252, which decodes any byte) is returned, and reading reports the
    line of any byte that does not fit.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:_SAMPLE]
    utf16 = _utf16_without_mark(sample)  # before UTF-8: zero bytes are valid UTF-8 too
    if utf16:
        return utf16
    if not exclude_utf8 and _decodes(sample, "utf-8") is not None:
        return "utf-8"
    ranked = [m.encoding for m in from_bytes(sample, cp_isolation=list(_CANDIDATES))]
    order = [e for e in _normalise(ranked) if e in _CANDIDATES]
    order += [e for e in _CANDIDATES if e not in order]
    order += ["utf-16-le", "utf-16-be"]  # without a mark: only a recognised header can tell
    header_end = sample.find(b"\n")
    header = sample if header_end < 0 else sample[: header_end + 1]
    scored = []
    for rank, encoding in enumerate(order):
        text = _decodes(sample, encoding)
        if text is None:
            continue
        names = (_decodes(header, encoding) or "") if "16" not in encoding else text[:500]
        # Big5 comes in two flavours that agree on everyday characters: prefer Windows' cp950
        # (Taiwan) unless only the Hong Kong set can decode the file.
        preference = 0 if encoding != "big5hkscs" else 1
        scored.append((-recognised_fields(names), preference, rank, encoding))
    return min(scored)[-1] if scored else "cp1252"


def _normalise(names: list[str]) -> list[str]:
    """charset-normalizer's names → ours (big5 → cp950, gbk/gb2312 → gb18030)."""
    alias = {"big5": "cp950", "gbk": "gb18030", "gb2312": "gb18030", "windows_1252": "cp1252"}
    return [alias.get(n.replace("-", "_").lower(), n.replace("-", "_").lower()) for n in names]
