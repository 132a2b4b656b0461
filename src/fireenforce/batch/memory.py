"""Keep freed memory for the next batch instead of returning it to the system (glibc only).

A batch allocates and frees arrays of a few megabytes each. glibc serves such blocks with fresh
``mmap`` pages and returns them on free, so every batch pays the page faults of touching new
memory again (the first batch of a process all of them): about a quarter of the kernel's CPU
time on a million rows. Raising the allocator's mmap and trim thresholds keeps those blocks in
the heap and reuses them. The cost: a process keeps its peak heap until it exits (the batch
path's memory is bounded by the batch, so that peak is too). Elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3  # mallopt parameters (malloc.h)
MMAP_THRESHOLD = 32 << 20  # blocks below this come from the heap (glibc's ceiling on 64 bits)
TRIM_THRESHOLD = 512 << 20  # free heap kept before any is returned to the system
TOP_PAD = 64 << 20  # extra heap asked for at once


@functools.lru_cache(maxsize=1)
def keep_freed_memory() -> bool:
    """Tune glibc's allocator for repeated large batches (once per process); False where there is
    no glibc or it refuses."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt if name else None
    except (OSError, AttributeError):
        return False
    if mallopt is None:
        return False
    settings = ((_M_MMAP_THRESHOLD, MMAP_THRESHOLD), (_M_TRIM_THRESHOLD, TRIM_THRESHOLD), (_M_TOP_PAD, TOP_PAD))
    return all(mallopt(parameter, value) == 1 for parameter, value in settings)
