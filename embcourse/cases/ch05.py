"""Chapter 5's tasks (nn.Embedding): how each is judged, and its two levels of hint.

Declared beside the chapter's public cases, ``05.json``. A task's function name is the
part of its id after the dot; its hints name the concept and never show the solution's
code.
"""

from embcourse.checks import compare_array, compare_exact, register

register(
    "05.embed_batch",
    compare_array,
    "An embedding table turns each id into its row: the result keeps the shape of "
    "`ids` and adds one axis of size d.",
    "Make the table from the weight with the class method that loads pretrained "
    "weights, turn ids into a tensor of integers, and call the table on it. A table "
    "of whole numbers can be looked up as it is, as long as it is frozen (only floats "
    "can learn).",
)

register(
    "05.one_hot_matmul",
    compare_array,
    "A one-hot row times the weight matrix picks out one row of it.",
    "Make one-hot vectors as long as the vocabulary (V, the weight's number of rows, "
    "even if the largest id is smaller), as floats, then multiply by the weight: "
    "(batch, length, V) @ (V, d). The weight may hold whole numbers: multiply floats "
    "by floats.",
)

register(
    "05.rows_with_gradient",
    compare_exact,
    "Only the rows that were looked up take part in the sum, so only they get a "
    "gradient.",
    "After backward(), the table's weight has a .grad with one row per id: keep the "
    "row numbers whose gradient has any non-zero entry, sorted, once each. The "
    "padding row never gets one. Look at every row, the last one too.",
)

register(
    "05.neighbours_through_table",
    compare_exact,
    "Look the word's row up through the table, then rank every other row by cosine "
    "similarity with it.",
    "Normalise rows along the embedding dimension (each row to length 1, not each "
    "column), exclude the word itself, and take the k highest scores, highest first. "
    "Normalising needs a float table, even when the weight holds whole numbers.",
)
