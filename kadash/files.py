"""Files on the server: the data folder a user may read from, and nothing outside it.

Browser uploads top out at a few hundred MB; larger exports are put in a data folder on the
server and opened by name. A name is resolved inside the folder and refused if it leads out of
it (``..``, an absolute path, a link pointing elsewhere), so a user can never read arbitrary
files through the app.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from kadash.errors import KadashError

__all__ = ["TABLE_SUFFIXES", "list_data_files", "resolve_data_file"]

#: Endings of the files offered (a compressed CSV ends in .csv.gz).
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".parquet", ".gz")
_LISTED = 1000  # at most this many names are offered


def list_data_files(folder: Path, *, limit: int = _LISTED) -> list[str]:
    """Table files under ``folder`` (any depth), as ``/``-separated names relative to it,
    sorted; hidden files and folders are skipped, as are links leading out of the folder."""
    root = folder.resolve()
    if not root.is_dir():
        return []
    names: list[str] = []
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(TABLE_SUFFIXES):
                continue
            path = Path(current) / name
            if path.resolve().is_relative_to(root) and path.is_file():
                names.append(path.relative_to(root).as_posix())
            if len(names) >= limit:
                return sorted(names)
    return sorted(names)


def resolve_data_file(folder: Path, name: str) -> Path:
    """The file ``name`` (relative to ``folder``) as a resolved path inside the folder.

    Raises
    ------
    KadashError
        ``error.path_outside`` for a name that leads out of the folder, ``error.no_such_file``
        for one that names no regular file.
    """
    root = folder.resolve()
    text = name.strip()
    relative = PurePosixPath(text.replace("\\", "/"))
    if not text or relative.is_absolute() or ".." in relative.parts:
        raise KadashError("error.path_outside", name=name, folder=str(root))
    path = (root / relative).resolve()
    if not path.is_relative_to(root):  # a link pointing elsewhere
        raise KadashError("error.path_outside", name=name, folder=str(root))
    if not path.is_file():
        raise KadashError("error.no_such_file", name=name, folder=str(root))
    return path
