"""The site builds with zero warnings from the stored outputs, and a warning fails
it."""

from __future__ import annotations

import shutil

import yaml

from conftest import ROOT, build_site


def test_site_builds_without_warnings_and_shows_stored_outputs(built_site):
    result = built_site
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "WARNING" not in result.stdout + result.stderr
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]] + [entry["file"] for entry in toc["chapters"]]
    for page in pages:
        assert (ROOT / "_build" / "html" / f"{page}.html").is_file(), page
    html = (ROOT / "_build/html/book/01_one_hot.html").read_text(encoding="utf-8")
    assert "33,600,000" in html, "the stored memory table is on the page"
    assert html.count('src="../_images/') >= 2, (
        "both figures of chapter 1 are on the page"
    )
    assert not list((ROOT / "_build" / "html").rglob(".venv")), (
        "a virtual environment leaked into the site"
    )


def test_a_broken_reference_fails_the_build(tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", "venv", "_build", ".git")
    )
    with open(copy / "book" / "intro.md", "a", encoding="utf-8") as page:
        page.write("\nSee {ref}`a-label-that-does-not-exist`.\n")
    result = build_site(copy)
    assert result.returncode != 0
    assert "a-label-that-does-not-exist" in result.stdout + result.stderr
