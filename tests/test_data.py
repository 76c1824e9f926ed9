"""Unit tests for embcourse.data."""

import pytest

from embcourse.data import TEXTS, data_dir, load_text


def test_every_shipped_text_loads_and_has_a_notice():
    notice = (data_dir() / "texts" / "NOTICE.md").read_text(encoding="utf-8")
    for name, filename in TEXTS.items():
        assert len(load_text(name).split()) > 100
        assert filename in notice, f"{filename} is not described in data/texts/NOTICE.md"


def test_unknown_text_names_the_available_ones():
    with pytest.raises(KeyError, match="alice"):
        load_text("moby-dick")
