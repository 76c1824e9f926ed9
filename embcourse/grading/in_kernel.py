"""The code the grader sends into the learner's kernel to call one task's function.

This file is never imported by the grader: its source is sent as text, followed by one
call of :func:`_embcourse_grade_task`, in an execute request whose reply carries the
results back (:mod:`embcourse.grading.kernel`). It runs in the learner's namespace, so
it trusts nothing there: whatever the learner changed can only spoil the learner's own
results, and the results are judged outside, against expected values the kernel never
sees. Names start with ``_embcourse_`` so they do not clash with the learner's.
"""


def _embcourse_grade_task(function_name, cases_json, seconds, seed):
    """Call the learner's function on each case; return the results as a JSON string.

    Each result is ``{"value": ...}`` (made plain: arrays and tensors become lists),
    ``{"error": "raised"}``, ``{"error": "timeout"}``, ``{"error": "changed input"}``
    (the function changed the caller's arguments) or ``{"error": "not attempted"}``.
    Before every case, Python's, NumPy's and torch's random generators are seeded with
    ``seed``, so grading twice gives the same results.
    """
    import copy
    import json
    import random
    import signal
    import sys

    def plain(value, depth=0):
        if depth > 50:
            raise ValueError("too deeply nested")
        if hasattr(value, "detach"):
            value = value.detach().cpu().numpy()
        if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
            value = value.tolist()
        if isinstance(value, (list, tuple)):
            return [plain(item, depth + 1) for item in value]
        if isinstance(value, dict):
            return {str(key): plain(item, depth + 1) for key, item in value.items()}
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        return {"unserialisable": type(value).__name__}

    def reseed():
        random.seed(seed)
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed(seed)
        torch = sys.modules.get("torch")
        if torch is not None:
            torch.manual_seed(seed)

    def alarm(signum, frame):
        raise TimeoutError("case time limit")

    function = globals().get(function_name)
    if not callable(function):
        return json.dumps("missing")
    numpy = sys.modules.get("numpy")
    original_default_rng = getattr(getattr(numpy, "random", None), "default_rng", None)
    if (
        original_default_rng is not None
    ):  # an unseeded default_rng() would differ per run
        numpy.random.default_rng = lambda *args, **kwargs: original_default_rng(
            *(args or (seed,)), **kwargs
        )
    previous = signal.signal(signal.SIGALRM, alarm)
    results = []
    try:
        for case in json.loads(cases_json):
            reseed()
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                args, kwargs = (
                    copy.deepcopy(case["args"]),
                    copy.deepcopy(case["kwargs"]),
                )
                for position in case.get("arrays", []):  # passed as NumPy arrays
                    import numpy

                    args[position] = numpy.array(args[position], dtype=float)
                value = function(*args, **kwargs)
                signal.setitimer(signal.ITIMER_REAL, 0)
                if plain([args, kwargs]) != [case["args"], case["kwargs"]]:
                    results.append({"error": "changed input"})
                else:
                    results.append({"value": plain(value)})
            except NotImplementedError:
                results.append({"error": "not attempted"})
            except TimeoutError:
                results.append({"error": "timeout"})
            except BaseException:
                results.append({"error": "raised"})
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
        if original_default_rng is not None:
            numpy.random.default_rng = original_default_rng
    return json.dumps(results, allow_nan=True)
