"""Every reference a reader can follow: a DOI or a URL, unless it has none to give."""

from __future__ import annotations

import re

from conftest import ROOT

# Entries with neither, and why.
WITHOUT_LINK = {
    "firth1957synopsis": "a 1957 book chapter, with no DOI or stable copy online",
    "levy2014neural": "in the NIPS 2014 proceedings, which give no DOI",
    "gage1994new": "a 1994 magazine article, with no DOI or stable copy online",
}


def entries() -> dict[str, str]:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    return dict(re.findall(r"@\w+\{([^,]+),(.*?)\n\}", text, flags=re.DOTALL))


def test_every_reference_has_a_doi_or_a_url_or_says_why_not():
    missing = [
        key
        for key, body in entries().items()
        if not re.search(r"^\s*(doi|url)\s*=", body, flags=re.MULTILINE)
    ]
    assert sorted(missing) == sorted(WITHOUT_LINK), missing


def test_links_are_well_formed():
    for key, body in entries().items():
        for doi in re.findall(r"^\s*doi\s*=\s*\{([^}]*)\}", body, flags=re.MULTILINE):
            assert re.fullmatch(r"10\.\d{4,5}/\S+", doi), (key, doi)
        for url in re.findall(r"^\s*url\s*=\s*\{([^}]*)\}", body, flags=re.MULTILINE):
            assert url.startswith("https://"), (key, url)
