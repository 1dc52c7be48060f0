"""Model files are read strictly and within bounds; a failed load changes nothing.

Each hostile file is refused with a ValueError naming the file (and the
field, where there is one); the model's parameters stay exactly as they were.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from autograd import modelfile
from autograd.nn import MLP


def _model() -> MLP:
    return MLP(2, [3, 1], seed=0)


def _document(model: MLP) -> dict:
    return {"format": modelfile.FORMAT, "version": modelfile.VERSION, "model": model.config(),
            "parameters": model.state_dict()}


def _refused(model: MLP, path: Path, match: str) -> None:
    before = model.state_dict()
    with pytest.raises(ValueError, match=match) as info:
        model.load(path)
    assert str(path.name) in str(info.value) or str(path) in str(info.value)
    assert model.state_dict() == before


def test_a_saved_model_loads_back(tmp_path: Path) -> None:
    a, b = _model(), MLP(2, [3, 1], seed=1)
    a.save(tmp_path / "m.json")
    b.load(tmp_path / "m.json")
    assert b.state_dict() == a.state_dict()


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(modelfile.MAX_BYTES + 1)  # sparse: no disk used
    _refused(_model(), big, "too large")


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    _refused(_model(), tmp_path, "folder")
    if os.path.exists("/dev/zero"):
        _refused(_model(), Path("/dev/zero"), "not a regular file")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    done: list[BaseException] = []

    def load() -> None:
        try:
            _refused(_model(), fifo, "not a regular file")
        except BaseException as err:
            done.append(err)
        else:
            done.append(StopIteration())

    t = threading.Thread(target=load, daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "reading a FIFO blocked"
    assert isinstance(done[0], StopIteration), done


@pytest.mark.parametrize(("text", "match"), [
    ('{"a": 1' + "0" * 400 + "}", "digits"),
    ("[" * 1000 + "]" * 1000, "nested"),
    ('{"format": "autograd.nn", "format": "autograd.nn"}', "twice"),
    ('{"x": NaN}', "NaN"),
    ('{"x": 1e400}', "overflows"),
    ('{"x": 1e-400}', "underflows"),
    ("not json", "invalid JSON"),
    ("[1, 2]", "JSON object"),
])
def test_json_that_is_not_strict_is_refused(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    _refused(_model(), path, match)


def test_text_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"format": "autograd.nn\xff"}')
    _refused(_model(), path, "UTF-8")


@pytest.mark.parametrize(("field", "value", "match"), [
    ("version", True, "'version' must be an integer"),
    ("version", 2, "'version' is 2"),
    ("format", "something else", "'format'"),
    ("model", [1, 2], "'model' must be an object"),
    ("parameters", [], "'parameters' must be an object"),
    ("extra", 1, "unknown field"),
])
def test_each_field_is_checked_and_named(tmp_path: Path, field: str, value: object,
                                         match: str) -> None:
    model = _model()
    document = _document(model)
    document[field] = value
    path = tmp_path / "m.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    _refused(model, path, match)


def test_a_parameter_that_is_not_a_finite_number_is_named(tmp_path: Path) -> None:
    model = _model()
    document = _document(model)
    name = next(iter(document["parameters"]))
    document["parameters"][name] = "0.5"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    _refused(model, path, f"{name!r} must be a finite number")


def test_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    _refused(_model(), tmp_path / "nowhere.json", "cannot read")


@pytest.mark.parametrize("where", ["model type", "unexpected parameter", "parameter value"])
def test_a_huge_field_is_shortened_in_the_message(tmp_path: Path, where: str) -> None:
    """A 10**5-character name or value was echoed whole (a message of 100 kB)."""
    model = _model()
    doc = _document(model)
    if where == "model type":
        doc["model"]["type"] = "y" * 100_000
    elif where == "unexpected parameter":
        doc["parameters"]["z" * 100_000] = 1.0
    else:
        name = next(iter(doc["parameters"]))
        doc["parameters"][name] = "w" * 100_000
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = model.state_dict()
    with pytest.raises(ValueError) as err:
        model.load(path)
    assert len(str(err.value)) < 400 and "…" in str(err.value)
    assert model.state_dict() == before


def test_a_huge_label_is_shortened_in_an_error() -> None:
    from autograd import Value

    with pytest.raises(ValueError) as err:
        Value(-1.0, label="x" * 10_000).log()
    assert len(str(err.value)) < 200 and "(label 'xxx" in str(err.value)


@pytest.mark.parametrize("where", ["top level", "model"])
def test_an_unknown_field_is_shortened_and_escaped(tmp_path: Path, where: str) -> None:
    """An unknown field's name was echoed whole (9 kB), under "model" also unescaped."""
    model = _model()
    doc = _document(model)
    target = doc if where == "top level" else doc["model"]
    target["extra\x1b" * 1000] = 1
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValueError) as err:
        model.load(path)
    text = str(err.value)
    assert len(text) < 300 and "\x1b" not in text and "…" in text
