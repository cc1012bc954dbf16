"""sdcscan's Numba kernels: NumPy/Arrow buffers in, NumPy arrays out.

Kernels never import ``scanner``, polars or pyarrow, and take every threshold as an argument. The name
``kernels`` is generic (a PyPI package of that name exists), so this module carries a marker that
``tests/test_packaging.py`` checks to prove the installed ``kernels`` is ours.
"""

SDCSCAN_KERNELS = True

__all__ = ["SDCSCAN_KERNELS"]
