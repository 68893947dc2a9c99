"""A file that cannot be read raises one exception that both families catch: the
``SlacodeError`` a service answers "bad input" with, and the ``OSError`` of its cause."""
from __future__ import annotations

import os
import pickle

import pytest

import slacode
from slacode.errors import FileReadError


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "sub").mkdir()
    return tmp_path


def test_load_of_a_missing_file_is_both_families(folder):
    path = folder / "missing.sla"
    with pytest.raises(slacode.SlacodeError) as caught:
        slacode.load(path)
    error = caught.value
    assert isinstance(error, FileNotFoundError) and isinstance(error, FileReadError)
    assert str(error) == f"{path}: cannot read: No such file or directory"
    assert error.errno == 2 and error.filename == str(path)


def test_load_of_a_folder_is_an_is_a_directory_error(folder):
    with pytest.raises(IsADirectoryError) as caught:
        slacode.load(folder / "sub")
    assert isinstance(caught.value, slacode.SlacodeError)
    assert "cannot read: Is a directory" in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_load_of_a_file_not_allowed_is_a_permission_error(folder):
    path = folder / "secret.sla"
    path.write_text("agreement \"x\" { version \"1\"; timezone \"UTC\"; teams sales }\n")
    path.chmod(0)
    with pytest.raises(PermissionError) as caught:
        slacode.load(path)
    assert isinstance(caught.value, slacode.SlacodeError)


def test_load_of_text_names_loads_and_is_both_families():
    with pytest.raises(FileNotFoundError, match=r"slacode.loads\(text\)") as caught:
        slacode.load('agreement "x" {\n}')
    assert isinstance(caught.value, slacode.SlacodeError)


def test_missing_event_file_is_event_input_error_and_file_not_found(folder):
    path = folder / "missing.jsonl"
    with pytest.raises(slacode.EventInputError) as caught:
        slacode.read_events([path])
    error = caught.value
    assert isinstance(error, FileNotFoundError)
    assert str(error) == f"{path}: cannot read: No such file or directory"
    assert error.filename == str(path)


def test_event_folder_without_files_is_not_an_os_error(folder):
    with pytest.raises(slacode.EventInputError) as caught:
        slacode.read_events([folder / "sub"])
    assert not isinstance(caught.value, OSError)    # nothing failed to read: nothing was named


def test_file_errors_survive_pickling(folder):
    """Worker processes send exceptions back pickled; class, message and errno stay."""
    with pytest.raises(FileReadError) as caught:
        slacode.load(folder / "missing.sla")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is type(caught.value) and str(copy) == str(caught.value)
