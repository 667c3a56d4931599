"""bm25s, imported without numba.

bm25s imports numba whenever it is installed (ranx, which computes the evaluation's metrics, brings
it), for a scoring back-end this project does not use: its indexes score with numpy (bm25s'
default, ``backend="numpy"``). Importing numba costs 0.3 s of a new process's first answer on two
idle cores, 1.2 s on loaded ones, so bm25s is imported here with numba hidden from it; numba stays
importable for the rest of the process (``rag eval`` imports ranx after this).
"""

import logging
import sys

if "bm25s" not in sys.modules and "numba" not in sys.modules:
    sys.modules["numba"] = None  # type: ignore[assignment]  # `import numba` raises ImportError, in bm25s only
    try:
        import bm25s
        import bm25s.stopwords
    finally:
        del sys.modules["numba"]

import bm25s
import bm25s.stopwords

logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its logger to DEBUG when imported

__all__ = ["bm25s"]
