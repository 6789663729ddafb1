"""Peak memory of a step of a benchmark (Linux): reset the process's peak RSS, run the step, read the peak."""

import resource
import sys


def reset_peak_rss() -> bool:
    """Make ru_maxrss / VmHWM start again from the current RSS (proc(5), clear_refs value 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def maxrss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(value / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
