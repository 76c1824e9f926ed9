"""The suite's groups for two workers (tests/parallel.py): what must share a worker
does, in order, and the long groups go first."""

from __future__ import annotations

from types import SimpleNamespace

import parallel

from conftest import ROOT


def test_every_file_named_in_a_shared_group_exists():
    for members in parallel.SHARED.values():
        for where in members:
            assert (ROOT / where).exists(), f"tests/parallel.py names {where}"


def test_what_shares_state_shares_a_group():
    assert parallel.group_of("tests/test_grade.py") == parallel.group_of(
        "tests/test_sandbox.py"
    )
    assert parallel.group_of("tests/test_site.py") == parallel.group_of(
        "tests/test_pdf.py"
    )
    chapters = {
        parallel.group_of(f"book/{name}")
        for name in [
            "03_cbow_skipgram.ipynb",
            "06_glove.ipynb",
            "08_lm_embeddings.ipynb",
        ]
    }
    assert len(chapters) == 1
    assert parallel.group_of("book/01_one_hot.ipynb") == "book/01_one_hot.ipynb"


def _item(where: str, name: str):
    return SimpleNamespace(path=ROOT / where, name=name)


def test_groups_go_longest_first_and_keep_their_order_inside():
    items = [
        _item("tests/test_checks.py", "a"),
        _item("book/06_glove.ipynb", "Cell 0"),
        _item("book/06_glove.ipynb", "Cell 1"),
        _item("book/01_one_hot.ipynb", "Cell 0"),
        _item("book/03_cbow_skipgram.ipynb", "Cell 0"),
        _item("book/03_cbow_skipgram.ipynb", "Cell 1"),
        _item("tests/test_grade.py", "b"),
    ]
    parallel.schedule(items)
    order = [(parallel._where(item), item.name) for item in items]
    first = order.index(("book/03_cbow_skipgram.ipynb", "Cell 0"))
    assert order[first : first + 4] == [  # chapter 3, then 6, each in its own order
        ("book/03_cbow_skipgram.ipynb", "Cell 0"),
        ("book/03_cbow_skipgram.ipynb", "Cell 1"),
        ("book/06_glove.ipynb", "Cell 0"),
        ("book/06_glove.ipynb", "Cell 1"),
    ]
    assert order.index(("tests/test_grade.py", "b")) < order.index(
        ("tests/test_checks.py", "a")
    )
    assert order.index(("book/01_one_hot.ipynb", "Cell 0")) > first + 3, "shortest"
    lengths = {name: parallel.seconds_of(name) for name, _ in order}
    assert (
        lengths["tests/test_grade.py"]
        > lengths["book/03_cbow_skipgram.ipynb"] + (lengths["book/06_glove.ipynb"])
        or first == 0
    ), "the longest group goes first"
    assert len(order) == 7
