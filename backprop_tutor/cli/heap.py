"""The C heap's settings for a command that computes (run, explain, train, ...), set by the
command line's entry point (`cli.main`) for its own process: not by the typer application
run in another program's process (a test runner) nor by the Python API.

glibc gives each allocation of 128 KiB or more pages of its own and hands them back when
it is freed (raising that limit only as far as the largest freed block, and trimming the
heap's top above twice it). The tutor's wide layers are read in blocks of rows (512 KiB
each in the demo), each block's temporaries allocated and freed in turn, and the heap's
top was handed back and taken again between them: each time as fresh pages, and
the kernel faulted and zeroed each page again (the slides' 4096-wide demo, `tutor run`:
0.5 s of system time, 0.3 s with these settings). Blocks under 32 MiB now come from the
heap and its freed memory is kept up to 64 MiB, so the pages are reused; the weight
matrices themselves (128 MiB each in the demo) still get pages of their own and give them
back. Elsewhere than glibc (no `mallopt`), nothing changes.
"""

from __future__ import annotations

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: allocations below this come from the heap (glibc's largest allowed value on 64-bit)
MMAP_THRESHOLD = 32 << 20
#: freed heap memory kept for reuse before the heap's top is handed back
TRIM_THRESHOLD = 64 << 20

_done = False


def reuse_freed_memory() -> bool:
    """Set glibc's heap thresholds once per process; whether they were set."""
    global _done
    if _done:
        return True
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # not glibc (macOS, Windows): its own allocator stays
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    _done = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return _done
