"""Grading learners' notebooks in bulk, treating every submission as hostile.

One module a job, so that a reader finds each in its place:

- :mod:`~embcourse.grading.cli`: the command line (``python -m embcourse.grade``) and
  grading a whole folder in parallel;
- :mod:`~embcourse.grading.submissions`: finding and reading the submitted files;
- :mod:`~embcourse.grading.runner`: grading one submission, in a child process;
- :mod:`~embcourse.grading.kernel`: talking to the learner's kernel (requests and
  replies);
- :mod:`~embcourse.grading.in_kernel`: the code sent into the kernel to call a task;
- :mod:`~embcourse.grading.sandbox`: **the security boundary**, the only file that
  decides what a kernel can reach;
- :mod:`~embcourse.grading.outcome` and :mod:`~embcourse.grading.report`: a graded row,
  the gradebook and the feedback files.
"""
