"""The server data folder: what is offered, and that nothing outside it can be opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kadash.errors import KadashError
from kadash.files import list_data_files, resolve_data_file


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "2024").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for name in ("jan.csv", "2024/feb.XLSX", "2024/mar.csv.gz", "notes.md", ".secret.csv",
                 ".hidden/x.csv"):  # fmt: skip
        (root / name).write_bytes(b"a,b\n1,2\n")
    (tmp_path / "outside.csv").write_bytes(b"secret\n")
    os.symlink(tmp_path / "outside.csv", root / "link.csv")
    os.symlink(root / "jan.csv", root / "inside_link.csv")
    return root


def test_lists_table_files_only(folder: Path) -> None:
    assert list_data_files(folder) == ["2024/feb.XLSX", "2024/mar.csv.gz", "inside_link.csv",
                                       "jan.csv"]  # fmt: skip


def test_list_limit_and_missing_folder(folder: Path, tmp_path: Path) -> None:
    assert len(list_data_files(folder, limit=2)) == 2
    assert list_data_files(tmp_path / "nope") == []


def test_resolves_inside(folder: Path) -> None:
    assert resolve_data_file(folder, "2024/feb.XLSX") == (folder / "2024/feb.XLSX").resolve()
    assert resolve_data_file(folder, " jan.csv ") == (folder / "jan.csv").resolve()
    assert resolve_data_file(folder, "inside_link.csv") == (folder / "jan.csv").resolve()


@pytest.mark.parametrize(
    "name", ["../outside.csv", "2024/../../outside.csv", "/etc/passwd", "link.csv", "", "..\\x"]
)
def test_refuses_what_leads_out(folder: Path, name: str) -> None:
    with pytest.raises(KadashError) as info:
        resolve_data_file(folder, name)
    assert info.value.key == "error.path_outside"


@pytest.mark.parametrize("name", ["nope.csv", "2024"])
def test_no_such_file(folder: Path, name: str) -> None:
    with pytest.raises(KadashError, match="There is no file") as info:
        resolve_data_file(folder, name)
    assert info.value.key == "error.no_such_file"
