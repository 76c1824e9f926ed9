"""Diagrams drawn with matplotlib, for the chapters that need a picture of an
architecture."""

from __future__ import annotations

import matplotlib.pyplot as plt

_INPUT, _OUTPUT, _PLAIN = "#cfe2f3", "#fce5cd", "#f3f3f3"


def _box(ax, x, y, text, colour=_PLAIN):
    return ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=9.5,
        bbox={"boxstyle": "round,pad=0.35", "facecolor": colour, "edgecolor": "0.35"},
    )


def _arrow(ax, source, target, label=None):
    """An arrow from one box's edge to another's (the boxes are Text artists)."""
    ax.annotate(
        "",
        xy=(0.5, 0.5),
        xycoords=target,
        xytext=(0.5, 0.5),
        textcoords=source,
        arrowprops={
            "arrowstyle": "->",
            "color": "0.3",
            "shrinkA": 3,
            "shrinkB": 3,
            "patchA": source.get_bbox_patch(),
            "patchB": target.get_bbox_patch(),
        },
    )
    if label:
        (x0, y0), (x1, y1) = source.get_position(), target.get_position()
        ax.text(
            (x0 + x1) / 2,
            (y0 + y1) / 2 + 0.3,
            label,
            ha="center",
            fontsize=8.5,
            color="0.25",
        )


def word2vec_architectures():
    """Skip-Gram and CBOW with negative sampling, side by side: which table each word's
    vector comes from, and what the model is asked about it."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    for ax in axes:
        ax.set(xlim=(0, 10), ylim=(0, 6))
        ax.axis("off")

    ax = axes[0]
    ax.set_title("Skip-Gram: the centre word predicts each context word", fontsize=11)
    centre = _box(ax, 1.2, 3, "centre word\n$w_t$ (an id)")
    row = _box(ax, 4.0, 3, "input table:\nrow $\\mathbf{v}_{w_t}$", _INPUT)
    context = _box(
        ax, 7.8, 4.9, "output row $\\mathbf{u}_o$\nof a context word $o$", _OUTPUT
    )
    noise = _box(ax, 7.8, 1.1, "output rows of\n$k$ noise words $n_i$", _OUTPUT)
    _arrow(ax, centre, row, "look up")
    _arrow(ax, row, context)
    _arrow(ax, row, noise)
    ax.text(
        7.8,
        3.0,
        "$\\sigma(\\mathbf{u}_o^\\top \\mathbf{v}_{w_t})$ → 1\n"
        "$\\sigma(\\mathbf{u}_{n_i}^\\top \\mathbf{v}_{w_t})$ → 0",
        ha="center",
        va="center",
        fontsize=9.5,
    )

    ax = axes[1]
    ax.set_title("CBOW: the averaged context predicts the centre word", fontsize=11)
    mean = _box(ax, 5.3, 3, "mean\n$\\mathbf{h}_t$")
    for y, name in [
        (5.2, "$w_{t-2}$"),
        (3.8, "$w_{t-1}$"),
        (2.2, "$w_{t+1}$"),
        (0.8, "$w_{t+2}$"),
    ]:
        word = _box(ax, 0.9, y, f"context {name}")
        row = _box(ax, 3.1, y, "input row", _INPUT)
        _arrow(ax, word, row)
        _arrow(ax, row, mean)
    centre = _box(
        ax, 8.5, 4.9, "output row $\\mathbf{u}_{w_t}$\nof the centre word", _OUTPUT
    )
    noise = _box(ax, 8.5, 1.1, "output rows of\n$k$ noise words", _OUTPUT)
    _arrow(ax, mean, centre)
    _arrow(ax, mean, noise)
    ax.text(
        8.5,
        3.0,
        "$\\sigma(\\mathbf{u}_{w_t}^\\top \\mathbf{h}_t)$ → 1\n"
        "$\\sigma(\\mathbf{u}_{n_i}^\\top \\mathbf{h}_t)$ → 0",
        ha="center",
        va="center",
        fontsize=9.5,
    )

    fig.text(
        0.5,
        0.02,
        "blue: the input table $\\mathbf{v}$ (kept as the word vectors);   "
        "orange: the output table $\\mathbf{u}$ (used in training only)",
        ha="center",
        fontsize=9.5,
    )
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def shared_negatives_block(group=4, radius=2, negatives=5):
    """Section 3.10's batched Skip-Gram step for one group: the score block of its
    context rows against its centres and shared negatives, and which scores learn."""
    from matplotlib.colors import ListedColormap

    rows, columns = group * 2 * radius, group + negatives
    kind = [[0] * columns for _ in range(rows)]  # 0: thrown away, 1: true, 2: noise
    for row in range(rows):
        centre = row // (2 * radius)
        kind[row][centre] = 1
        for column in range(group, columns):
            kind[row][column] = 2
    fig, ax = plt.subplots(figsize=(6.2, 6.6))
    ax.imshow(kind, cmap=ListedColormap(["#e6e6e6", "#b6d7a8", _OUTPUT]), aspect="auto")
    marks = {0: "", 1: "1", 2: "0"}
    for row in range(rows):
        for column in range(columns):
            mark = marks[kind[row][column]]
            ax.text(column, row, mark, ha="center", va="center", fontsize=11)
    ax.set_xticks(
        range(columns),
        [f"c{i + 1}" for i in range(group)] + [f"n{i + 1}" for i in range(negatives)],
        fontsize=11,
    )
    names = [
        f"c{r // (2 * radius) + 1}: word {r % (2 * radius) + 1}" for r in range(rows)
    ]
    ax.set_yticks(range(rows), names, fontsize=10)
    ax.xaxis.tick_top()
    ax.set_xlabel(
        f"output rows: the group's {group} centres, then its {negatives} shared "
        "negatives",
        fontsize=11,
    )
    ax.set_ylabel(f"input rows: each centre's {2 * radius} context words", fontsize=11)
    for edge in range(2 * radius, rows, 2 * radius):
        ax.axhline(edge - 0.5, color="0.3", lw=1)
    ax.axvline(group - 0.5, color="0.3", lw=1.5)
    ax.set_title(
        f"One group's scores, one product: ({rows} × d) · (d × {columns})\n"
        "label 1: own centre · 0: shared negative · grey: thrown away",
        fontsize=11,
    )
    fig.tight_layout()
    return fig
