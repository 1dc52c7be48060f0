"""Decision-boundary pictures as PNG, with numpy and the standard library only.

A PNG is a signature and three chunks (header, zlib-compressed rows, end),
each with a CRC; that is all a plot of a 2-D classifier needs, so training
from the command line can save its picture without a plotting library.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

# class colours: light for the regions, strong for the points
_REGION = np.array([[198, 219, 239], [253, 208, 162], [199, 233, 192], [218, 218, 235],
                    [252, 187, 161], [217, 217, 217]], dtype=np.uint8)
_POINT = np.array([[33, 113, 181], [217, 72, 1], [35, 139, 69], [106, 81, 163],
                   [203, 24, 29], [82, 82, 82]], dtype=np.uint8)


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode an (height, width, 3) uint8 array as a PNG file."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError("png_bytes: expects an (height, width, 3) uint8 array")
    height, width, _ = rgb.shape
    rows = np.concatenate([np.zeros((height, 1), dtype=np.uint8), rgb.reshape(height, -1)], axis=1)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 9)) + chunk(b"IEND", b""))


def decision_boundary(
    predict: Callable[[np.ndarray, np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    size: int = 400,
    margin: float = 0.5,
) -> np.ndarray:
    """Picture of a 2-D classifier: regions by predicted class, samples as dots.

    ``predict(xs, ys)`` gets the grid's coordinates (two 1-D arrays) and
    returns a class index per point.  Returns an RGB array.
    """
    X = np.asarray(X, dtype=np.float64)
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], size), np.linspace(hi[1], lo[1], size))
    classes = np.asarray(predict(gx.ravel(), gy.ravel()), dtype=np.int64).reshape(size, size)
    image = _REGION[classes % len(_REGION)].copy()
    # a thin dark line where the predicted class changes: the decision boundary
    edge = np.zeros((size, size), dtype=bool)
    edge[:, 1:] |= classes[:, 1:] != classes[:, :-1]
    edge[1:, :] |= classes[1:, :] != classes[:-1, :]
    image[edge] = (90, 90, 90)
    col = np.round((X[:, 0] - lo[0]) / (hi[0] - lo[0]) * (size - 1)).astype(int)
    row = np.round((hi[1] - X[:, 1]) / (hi[1] - lo[1]) * (size - 1)).astype(int)
    radius = max(3.0, size / 70)  # dots stay round and visible at any picture size
    reach = int(np.ceil(radius))
    yy, xx = np.mgrid[-reach: reach + 1, -reach: reach + 1]
    disc = yy**2 + xx**2 <= radius**2
    ring = disc & (yy**2 + xx**2 >= (radius - 1.5) ** 2)
    for r, c, label in zip(row, col, np.asarray(y, dtype=np.int64)):
        rr, cc = r + yy, c + xx
        inside = (rr >= 0) & (rr < size) & (cc >= 0) & (cc < size)
        image[rr[disc & inside], cc[disc & inside]] = _POINT[label % len(_POINT)]
        image[rr[ring & inside], cc[ring & inside]] = (255, 255, 255)
    return image


def save_png(path: str | Path, rgb: np.ndarray) -> None:
    """Write an RGB array to ``path`` as PNG."""
    Path(path).write_bytes(png_bytes(rgb))
