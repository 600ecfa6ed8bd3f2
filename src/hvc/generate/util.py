"""Small vectorised helpers shared by the generator modules: seeded streams, strings, groups."""

from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ALNUM_LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
ALNUM_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
HEX = "0123456789abcdef"


def child_rng(seed: int, name: str) -> np.random.Generator:
    """Return an independent generator for one named step, stable across code changes elsewhere."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def rand_strings(rng: np.random.Generator, n: int, length: int, alphabet: str) -> pa.Array:
    """Return ``n`` random fixed-length strings drawn from ``alphabet``."""
    symbols = np.frombuffer(alphabet.encode(), dtype=np.uint8)
    codes = symbols[rng.integers(0, len(symbols), size=(n, length))]
    offsets = (np.arange(n + 1, dtype=np.int64) * length).astype(np.int64)
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(codes.tobytes())
    ).cast(pa.string())


def lookup(values: list, idx: np.ndarray) -> pa.Array:
    """Return ``values[idx]`` as an Arrow array (vectorised list lookup)."""
    return pc.take(pa.array(values), pa.array(np.asarray(idx, dtype=np.int64)))


def strs(values: np.ndarray) -> pa.Array:
    """Return integers as an Arrow string array."""
    return pc.cast(pa.array(values), pa.string())


def join(*parts) -> pa.Array:
    """Concatenate string arrays and scalars element-wise."""
    return pc.binary_join_element_wise(*parts, "")


def where(mask: np.ndarray, a, b) -> pa.Array:
    """Element-wise ``a if mask else b`` for Arrow arrays or scalars."""
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), a, b)


def group_starts(counts: np.ndarray) -> np.ndarray:
    """Return the offset of each group's first element for groups of the given sizes."""
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    return starts


def rank_in_group(counts: np.ndarray) -> np.ndarray:
    """Return 0, 1, ... within each consecutive group of the given sizes."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(group_starts(counts), counts)


def sorted_uniform_times(
    rng: np.random.Generator, counts: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Draw ``counts[i]`` sorted uniform integer times in ``[lo[i], hi[i])`` per group ``i``.

    Returns one flat array, groups consecutive, each group ascending.
    """
    owner = np.repeat(np.arange(len(counts)), counts)
    u = rng.random(len(owner))
    order = np.lexsort((u, owner))
    u = u[order]
    span = (hi - lo)[owner]
    return lo[owner] + (u * span).astype(np.int64)


def before(rng: np.random.Generator, t: np.ndarray, max_s: int, floor: int) -> np.ndarray:
    """Draw times up to ``max_s`` seconds before ``t`` but not before ``floor``, uniformly."""
    room = np.minimum(max_s, np.maximum(t - floor, 0))
    return t - (rng.random(len(t)) * room).astype(np.int64)


def bernoulli(rng: np.random.Generator, p, n: int) -> np.ndarray:
    """Return ``n`` booleans true with probability ``p`` (scalar or array)."""
    return rng.random(n) < p


def sql_iso(column: str) -> str:
    """DuckDB expression formatting Unix seconds ``column`` as ISO 8601 UTC (``...Z``)."""
    return f"replace(cast(make_timestamp({column} * 1000000) as varchar), ' ', 'T') || 'Z'"


def sql_datetime(column: str) -> str:
    """DuckDB expression formatting Unix seconds ``column`` as ``YYYY-MM-DD HH:MM:SS``."""
    return f"cast(make_timestamp({column} * 1000000) as varchar)"
