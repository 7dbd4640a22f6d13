"""Raster geometry for scanned pages: binarize, estimate skew, find ruling lines and table grids.

Pure numpy on a grayscale page image (uint8, 0 = black), no OCR and no PDF here, so every step can
be tested on a synthetic image. Morphology is done with running sums (a run of `k` dark pixels is a
window whose sum is `k`), which keeps the project free of OpenCV.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

# Skew search: scans are "slightly rotated"; a larger angle is a different problem (page orientation).
MAX_SKEW_DEG = 6.0
_MAX_SKEW_POINTS = 250_000


def otsu_threshold(gray: np.ndarray) -> int:
    """Gray level that best separates ink from paper (Otsu), so bleed-through and noise stay paper."""
    # PIL counts a page's 4 million gray levels in a quarter of the time np.bincount takes (which
    # widens every pixel to an int64 first); the counts are the same
    hist = np.asarray(_histogram(gray), dtype=np.float64)
    total = hist.sum()
    if total == 0:
        return 128
    levels = np.arange(256, dtype=np.float64)
    weight_bg = np.cumsum(hist)
    weight_fg = total - weight_bg
    cum_mean = np.cumsum(hist * levels)
    mean_bg = cum_mean / np.maximum(weight_bg, 1)
    mean_fg = (cum_mean[-1] - cum_mean) / np.maximum(weight_fg, 1)
    between = weight_bg * weight_fg * (mean_bg - mean_fg) ** 2
    return int(np.argmax(between[:-1]))


def _histogram(gray: np.ndarray) -> list[int]:
    """How many pixels of each gray level 0–255 `gray` (uint8) holds."""
    if gray.dtype != np.uint8 or gray.ndim != 2:
        return np.bincount(gray.ravel(), minlength=256).tolist()
    return Image.fromarray(gray).histogram()


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Boolean mask of dark (ink) pixels."""
    return gray <= otsu_threshold(gray)


def _profile_sharpness(ys: np.ndarray, xs: np.ndarray, angles_deg: np.ndarray) -> np.ndarray:
    """For each angle, how peaked the row profile is when lines are assumed to run at that angle."""
    scores = np.empty(len(angles_deg))
    proj = np.empty_like(ys)  # one buffer for every angle: the same sums, without a fresh array each
    for i, angle in enumerate(angles_deg):
        np.multiply(xs, np.tan(np.radians(angle)), out=proj)
        proj += ys
        proj -= proj.min()
        np.rint(proj, out=proj)
        counts = np.bincount(proj.astype(np.int64))
        scores[i] = float(np.dot(counts, counts))
    return scores


def estimate_skew(ink: np.ndarray, max_angle: float = MAX_SKEW_DEG) -> float:
    """Angle (degrees, counter-clockwise as shown) by which the page content is rotated.

    Projection profile: text lines and ruling lines give the sharpest horizontal profile when the
    projection follows their slope. A coarse search then a fine one keeps it to ~70 histograms.
    """
    points = np.flatnonzero(ink)  # row-major, as np.nonzero gives them, in a fifth of the time
    if len(points) < 500:
        return 0.0
    if len(points) > _MAX_SKEW_POINTS:
        points = points[:: len(points) // _MAX_SKEW_POINTS + 1]
    rows, cols = np.divmod(points, ink.shape[1])
    ys = rows.astype(np.float64)
    xs = cols.astype(np.float64)
    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.25)
    best = coarse[int(np.argmax(_profile_sharpness(ys, xs, coarse)))]
    fine = np.arange(best - 0.3, best + 0.3 + 1e-9, 0.02)
    scores = _profile_sharpness(ys, xs, fine)
    return round(float(fine[int(np.argmax(scores))]), 2)


def rotate(gray: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate counter-clockwise by `angle_deg` about the centre, same frame size, paper-white fill."""
    image = Image.fromarray(gray)
    return np.asarray(image.rotate(angle_deg, resample=Image.Resampling.BILINEAR, fillcolor=255))


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Straighten a page image; returns the new image and the skew angle that was removed."""
    angle = estimate_skew(ink_mask(gray))
    if abs(angle) < 0.05:
        return gray, angle
    return rotate(gray, -angle), angle


# ---------------------------------------------------------------- morphology along one axis


def _shift_or(mask: np.ndarray, lo: int, hi: int, axis: int) -> np.ndarray:
    """out[i] = any(mask[i + d] for d in lo..hi) along `axis` (out-of-range counts as paper)."""
    out = np.zeros_like(mask)
    n = mask.shape[axis]
    for d in range(lo, hi + 1):
        src = [slice(None)] * mask.ndim
        dst = [slice(None)] * mask.ndim
        src[axis] = slice(max(d, 0), n + min(d, 0))
        dst[axis] = slice(max(-d, 0), n - max(d, 0))
        out[tuple(dst)] |= mask[tuple(src)]
    return out


def long_runs(mask: np.ndarray, min_len: int, axis: int) -> np.ndarray:
    """Morphological opening with a 1×`min_len` line: keeps only runs at least `min_len` long.

    Run-length encoding of the flattened rows finds every run in one vectorized pass; the few long
    ones (ruling lines) are painted back.
    """
    m = mask if axis == 1 else mask.T
    rows, n = m.shape
    padded = np.zeros((rows, n + 2), dtype=bool)
    padded[:, 1:-1] = m
    flat = padded.ravel()
    change = np.flatnonzero(flat[1:] != flat[:-1]) + 1  # alternating run starts and ends
    starts, ends = change[0::2], change[1::2]
    keep = (ends - starts) >= min_len
    out = np.zeros(flat.size, dtype=bool)
    for s, e in zip(starts[keep].tolist(), ends[keep].tolist(), strict=True):
        out[s:e] = True
    out2 = out.reshape(rows, n + 2)[:, 1:-1]
    return np.ascontiguousarray(out2 if axis == 1 else out2.T)


def close_gaps(mask: np.ndarray, gap: int, axis: int) -> np.ndarray:
    """Bridge breaks of up to `gap` pixels along `axis` (a ruling line broken by scanner noise)."""
    if gap <= 0:
        return mask
    grown = _shift_or(mask, -gap, 0, axis)  # ink within `gap` before
    grown &= _shift_or(mask, 0, gap, axis)  # ... and within `gap` after
    return grown | mask


def _thicken(mask: np.ndarray, r: int, axis: int) -> np.ndarray:
    """Dilate by `r` pixels on each side along `axis`."""
    return _shift_or(mask, -r, r, axis) if r > 0 else mask


def ruling_masks(ink: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Masks of horizontal and vertical ruling lines (long thin runs of ink)."""
    gap = max(1, round(dpi * 0.012))
    h_len = round(dpi * 0.30)
    v_len = round(dpi * 0.20)
    # A one-pixel thickening across the line tolerates what skew is left after deskewing.
    h_src = close_gaps(_thicken(ink, 1, axis=0), gap, axis=1)
    v_src = close_gaps(_thicken(ink, 1, axis=1), gap, axis=0)
    hmask = _drop_letter_runs(long_runs(h_src, h_len, axis=1), ink, dpi)
    return hmask, long_runs(v_src, v_len, axis=0)


# A run no longer than a word, with letters standing on it (or hanging from it) along most of its
# length, is the feet (or the top serifs) of a bold word, not a rule: its letters nearly touch.
LETTER_RUN_MAX_IN = 1.0
LETTER_RUN_INK_SHARE = 0.5


def _drop_letter_runs(hmask: np.ndarray, ink: np.ndarray, dpi: float) -> np.ndarray:
    """The horizontal line mask without the runs that are the baseline or cap line of a bold word.

    A rule has paper beside it (cell text is inset; a row cut at the page end touches part of it
    at most); a word's feet have its stems just above them, across most of the run.
    """
    reach = max(2, round(dpi * 0.03))
    out = hmask.copy()
    for a, b in bands(hmask.any(axis=1)):
        band = hmask[a:b]
        for s, e in bands(band.any(axis=0)):
            if e - s > LETTER_RUN_MAX_IN * dpi:
                continue
            rows = np.flatnonzero(band[:, s:e].any(axis=1))
            top, bottom = a + int(rows[0]), a + int(rows[-1])
            above = ink[max(top - reach - 1, 0) : max(top - 1, 0), s:e]
            below = ink[bottom + 2 : bottom + reach + 2, s:e]
            shares = [float(side.any(axis=0).mean()) for side in (above, below) if side.size]
            if shares and max(shares) >= LETTER_RUN_INK_SHARE:
                out[top : bottom + 1, s:e] &= ~band[rows[0] : rows[-1] + 1, s:e]
    return out


# ---------------------------------------------------------------- segments and grids


@dataclass
class Segment:
    """A ruling line: `pos` across it (y for horizontal, x for vertical), `start`..`end` along it."""

    pos: float
    start: int
    end: int
    thickness: int


def bands(active: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive True indices as (first, last + 1)."""
    idx = np.flatnonzero(active)
    if len(idx) == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    firsts = np.concatenate([[idx[0]], idx[breaks + 1]])
    lasts = np.concatenate([idx[breaks], [idx[-1]]])
    return [(int(a), int(b) + 1) for a, b in zip(firsts, lasts, strict=True)]


def segments(mask: np.ndarray, axis: int, max_thickness: int) -> list[Segment]:
    """Ruling lines of a line mask: `axis`=1 for horizontal lines (runs along x), 0 for vertical."""
    m = mask if axis == 1 else mask.T
    found: list[Segment] = []
    for a, b in bands(m.any(axis=1)):
        band = m[a:b]
        for s, e in bands(band.any(axis=0)):
            rows = np.flatnonzero(band[:, s:e].any(axis=1))
            thickness = int(rows[-1] - rows[0] + 1)
            if thickness > max_thickness:
                continue  # a filled area (seal, photo), not a line
            weights = band[:, s:e].sum(axis=1)
            pos = a + float(np.dot(np.arange(b - a), weights) / max(weights.sum(), 1))
            found.append(Segment(pos, s, e, thickness))
    return found


@dataclass
class Grid:
    """A table found on the raster, in pixels: edges, and cells as (row, col, row_span, col_span)."""

    row_edges: list[float]
    col_edges: list[float]
    cells: list[tuple[int, int, int, int]]
    ruled_rows: bool = True  # False: the rows were cut from the text, the scan showed no row rules

    @property
    def n_rows(self) -> int:
        return len(self.row_edges) - 1

    @property
    def n_cols(self) -> int:
        return len(self.col_edges) - 1

    def cell_of(self, r: int, c: int) -> int | None:
        """Index in `cells` of the (possibly merged) cell covering grid position (r, c)."""
        for i, (row, col, rs, cs) in enumerate(self.cells):
            if row <= r < row + rs and col <= c < col + cs:
                return i
        return None


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _cluster(values: list[float], tol: float) -> list[float]:
    """Merge positions closer than `tol` (one ruling line seen as several) into their mean."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _crosses(h: Segment, v: Segment, tol: float) -> bool:
    return h.start - tol <= v.pos <= h.end + tol and v.start - tol <= h.pos <= v.end + tol


def _coverage(mask: np.ndarray, pos: float, a: float, b: float, tol: int, axis: int) -> float:
    """Share of the span a..b along a line at `pos` where the line mask has ink (axis 1: horizontal)."""
    lo, hi = round(a) + tol, round(b) - tol
    if hi <= lo:
        lo, hi = round(a), round(b)
    p0, p1 = max(round(pos) - tol, 0), round(pos) + tol + 1
    strip = mask[p0:p1, lo:hi] if axis == 1 else mask[lo:hi, p0:p1].T
    if strip.size == 0:
        return 0.0
    return float(strip.any(axis=0).mean())


def _edges_with_overhang(
    lines: list[Segment], cross: list[Segment], tol: float, min_gap: float
) -> list[float]:
    """Edge positions of one axis; where the crossing lines run past the last edge (a table cut at
    the page end with no closing rule), their end becomes an edge too.

    Only when at least two lines, and half of them, run on: one rule poking out is a letter above
    or below the table touching it, not a row."""
    edges = _cluster([s.pos for s in lines], tol)
    before = sorted(s.start for s in cross if edges[0] - s.start > min_gap)
    after = sorted(s.end for s in cross if s.end - edges[-1] > min_gap)
    needed = max(2, (len(cross) + 1) // 2)
    if len(before) >= needed:
        edges.insert(0, float(before[len(before) // 2]))
    if len(after) >= needed:
        edges.append(float(after[len(after) // 2]))
    return edges


def _grid_cells(
    hmask: np.ndarray, vmask: np.ndarray, rows: list[float], cols: list[float], tol: int
) -> list[tuple[int, int, int, int]]:
    """Cells of a grid: neighbours with no ruling line between them are one merged cell."""
    n_r, n_c = len(rows) - 1, len(cols) - 1
    uf = _UnionFind(n_r * n_c)
    for r in range(n_r):
        for c in range(n_c):
            if c + 1 < n_c and _coverage(vmask, cols[c + 1], rows[r], rows[r + 1], tol, axis=0) < 0.6:
                uf.union(r * n_c + c, r * n_c + c + 1)
            if r + 1 < n_r and _coverage(hmask, rows[r + 1], cols[c], cols[c + 1], tol, axis=1) < 0.6:
                uf.union(r * n_c + c, (r + 1) * n_c + c)
    spans: dict[int, list[int]] = {}
    for r in range(n_r):
        for c in range(n_c):
            box = spans.setdefault(uf.find(r * n_c + c), [r, c, r, c])
            box[0], box[1] = min(box[0], r), min(box[1], c)
            box[2], box[3] = max(box[2], r), max(box[3], c)
    cells = [(r0, c0, r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in spans.values()]
    return sorted(cells)


def find_grids(ink: np.ndarray, dpi: float) -> tuple[list[Grid], np.ndarray]:
    """Ruled tables on a (deskewed) page: their grids, and the mask of their ruling lines.

    A table is a connected set of at least two horizontal and two vertical lines; a lone underline
    or a frame around one paragraph is not a table. The returned mask lets OCR erase the lines.
    """
    hmask, vmask = ruling_masks(ink, dpi)
    tol = max(3, round(dpi * 0.035))
    max_thick = max(6, round(dpi * 0.06))
    hs = segments(hmask, axis=1, max_thickness=max_thick)
    vs = segments(vmask, axis=0, max_thickness=max_thick)
    uf = _UnionFind(len(hs) + len(vs))
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _crosses(h, v, tol):
                uf.union(i, len(hs) + j)
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(uf.find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(uf.find(len(hs) + j), ([], []))[1].append(v)
    grids: list[Grid] = []
    min_gap = dpi * 0.12
    for g_h, g_v in groups.values():
        if len(g_h) < 1 or len(g_v) < 2:
            continue
        rows = _edges_with_overhang(g_h, g_v, tol, min_gap)
        cols = _edges_with_overhang(g_v, g_h, tol, min_gap)
        if len(rows) < 2 or len(cols) < 2 or (len(rows) - 1) * (len(cols) - 1) < 2:
            continue
        grids.append(Grid(rows, cols, _grid_cells(hmask, vmask, rows, cols, tol)))
    lone = [g_v[0] for g_h, g_v in groups.values() if not g_h and len(g_v) == 1]
    for rules in _column_rule_sets(lone, tol, dpi):
        grid = _text_row_grid(rules, ink & ~vmask, tol, dpi)
        if grid is not None and not any(_overlaps(grid, g) for g in grids):
            grids.append(grid)
    grids.sort(key=lambda g: g.row_edges[0])
    return grids, _table_lines(hmask | vmask, grids, tol)


# A table whose row rules the scan lost (too faint, or never printed) still has its column rules:
# long vertical lines side by side over the same stretch of the page.
COLUMN_RULE_MIN_IN = 1.0
MIN_COLUMN_RULES = 3


def _column_rule_sets(lone: list[Segment], tol: int, dpi: float) -> list[list[Segment]]:
    """Vertical rules that cross no row rule, grouped when they run beside each other."""
    long = sorted((v for v in lone if v.end - v.start >= COLUMN_RULE_MIN_IN * dpi), key=lambda v: v.pos)
    sets: list[list[Segment]] = []
    for v in long:
        for group in sets:
            ref = group[0]
            overlap = min(ref.end, v.end) - max(ref.start, v.start)
            if overlap >= 0.5 * min(ref.end - ref.start, v.end - v.start):
                group.append(v)
                break
        else:
            sets.append([v])
    return [g for g in sets if len(_cluster([v.pos for v in g], tol)) >= MIN_COLUMN_RULES]


def _text_row_grid(rules: list[Segment], ink: np.ndarray, tol: int, dpi: float) -> Grid | None:
    """A grid for column rules without row rules: a row per line of text in the first column (the
    item number), cut at the widest blank band across the table between two numbers, so a number
    set in the middle of its row still gets the row's first and last lines."""
    cols = _cluster([v.pos for v in rules], tol)
    top, bottom = min(v.start for v in rules), max(v.end for v in rules)
    first = ink[top:bottom, round(cols[0]) + tol : round(cols[1]) - tol]
    labels = [(a, b) for a, b in bands(first.any(axis=1)) if b - a >= dpi * 0.04]
    if len(labels) < 2:
        return None
    blank = bands(~ink[top:bottom, round(cols[0]) + tol : round(cols[-1]) - tol].any(axis=1))
    edges = [float(top)]
    for (_, prev_end), (next_start, _) in zip(labels, labels[1:], strict=False):
        gaps = [(b - a, (a + b) / 2) for a, b in blank if a >= prev_end and b <= next_start]
        edges.append(top + (max(gaps)[1] if gaps else (prev_end + next_start) / 2))
    edges.append(float(bottom))
    cells = [(r, c, 1, 1) for r in range(len(edges) - 1) for c in range(len(cols) - 1)]
    return Grid(edges, cols, cells, ruled_rows=False)


def _overlaps(a: Grid, b: Grid) -> bool:
    return a.row_edges[0] < b.row_edges[-1] and b.row_edges[0] < a.row_edges[-1]


def _table_lines(lines: np.ndarray, grids: list[Grid], margin: int) -> np.ndarray:
    """The ruling-line mask inside the tables only: an underline in the text (under the national
    motto) touches the letters above it, and erasing it would erase their dots too."""
    out = np.zeros_like(lines)
    for g in grids:
        y0, y1 = max(round(g.row_edges[0]) - margin, 0), round(g.row_edges[-1]) + margin + 1
        x0, x1 = max(round(g.col_edges[0]) - margin, 0), round(g.col_edges[-1]) + margin + 1
        out[y0:y1, x0:x1] = lines[y0:y1, x0:x1]
    return out
