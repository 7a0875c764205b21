"""A matplotlib figure as a compact scene: what a page needs to repaint it without matplotlib.

The static slider form (:mod:`nnbook.interactive`) precomputes every combination of control
positions. Pictures per combination do not fit in a page (a four-control figure has about a
thousand), so each setting is stored as a **scene** instead: the figure's content (lines,
patches, contour bands, markers, texts) as paths and strings in pixel coordinates, painted by
a small generic JavaScript painter (``slider_painter.js``) over layers that matplotlib drew
once (axes, ticks, tick labels, axis labels, grid). The numbers are matplotlib's own: the
vertices are the artists' data put through the same transforms Agg uses, so the page paints
what the live figure shows, and nothing of the maths is computed again in JavaScript.

Encoding (JSON, gzip-compressed on the page):

* ``styles``: ``[fill, stroke, line width px, dash list px, cap, join]`` for paths,
  ``["font", size px, colour, weight, style]`` for texts, ``["marker", fill, stroke, width,
  outline]`` for markers (outline: a closed path in quarter pixels relative to the point).
* ``clips``: ``[x, y, w, h]`` rectangles in canvas pixels (origin top left).
* ``items``: one entry per distinct drawable, referenced by frames (identical items are
  stored once). ``[0, style, clip, closed, xy...]`` a path (one flat list of delta-coded
  quarter-pixel coordinates per sub-path, ``closed`` a bit mask), ``[1, style, clip, xy]``
  markers, ``[2, style, clip, x, y, angle, text]`` one line of text (baseline left at x, y),
  ``[3, x, y, png]`` a raster (static layers and any artist without a vector form),
  ``[4, style, clip, x, y, w, h, cols, cells]`` an image of few colours drawn with
  nearest-neighbour interpolation: a grid of ``cols`` cells per row, stretched over the
  rectangle ``x, y, w, h`` without smoothing. ``cells`` lists them row by row from the top,
  run-length coded: a character of `CELL_CODES` (the n-th names colour n of the palette of
  its ``["cells", [colour, ...]]`` style), then how many cells in a row have it when more
  than one (``"A3Bc12"``: three cells of colour 0, one of 1, twelve of 28).
* ``frames``: for each distinct frame, the item numbers in painting order.

Artists the painter has no vector form for (other images, hatches, mathtext in a changing
label) are rasterised on their own and stored as small transparent PNGs, so every figure works.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import Collection, PathCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.spines import Spine
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Affine2D
from PIL import Image

QUARTER = 4  # coordinates are stored in quarter pixels
CELL_CODES = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+,-./:"
"""The characters that name a cell's colour in an image item, the n-th for palette entry n (no digits: they count)."""
_CAPS = {"butt": "butt", "round": "round", "projecting": "square"}


def _hex(rgba: Sequence[float] | None) -> str | None:
    """``#rrggbbaa``, or None for a fully transparent colour."""
    if rgba is None or len(rgba) == 0 or rgba[3] == 0:
        return None
    return mcolors.to_hex(rgba, keep_alpha=True)


def _png(rgba: np.ndarray) -> str:
    """An RGBA array as a base64 PNG, palette-coded when it has at most 256 colours."""
    rgba = np.ascontiguousarray(rgba)
    colours, index = np.unique(rgba.view(np.uint32).ravel(), return_inverse=True)
    if len(colours) <= 256:  # exact palette: the same colours, a quarter of the bytes
        image = Image.fromarray(index.reshape(rgba.shape[:2]).astype(np.uint8), "P")
        image.putpalette(colours.view(np.uint8).tobytes(), rawmode="RGBA")
    else:
        image = Image.fromarray(rgba, "RGBA")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")


def _delta(points: np.ndarray) -> list[int]:
    """Flat delta-coded quarter-pixel coordinates of an (n, 2) array (first point absolute).

    Points that round to the one before them are dropped (they paint nothing).
    """
    q = np.rint(points * QUARTER).astype(np.int64)
    q[1:] -= q[:-1].copy()
    moved = np.ones(len(q), dtype=bool)
    moved[1:] = q[1:].any(axis=1)
    return q[moved].ravel().tolist()


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values and, per element, its position among them (``np.unique``'s
    ``return_inverse``; by counting for small non-negative integers, which is several times faster)."""
    flat = values.ravel()
    if flat.dtype.kind in "iu" and flat.size and 0 <= flat.min() and flat.max() < 4096:
        present = np.flatnonzero(np.bincount(flat))
        lookup = np.zeros(present[-1] + 1, dtype=np.intp)
        lookup[present] = np.arange(len(present))
        return present.astype(flat.dtype), lookup[flat]
    distinct, inverse = np.unique(flat, return_inverse=True)
    return distinct, inverse.ravel()


def content_artists(ax: Axes) -> list[Artist]:
    """The artists of ``ax`` that ``draw`` makes (lines, patches, collections, texts, images, titles)."""
    found: list[Artist] = [*ax.lines, *ax.patches, *ax.collections, *ax.texts, *ax.images, *ax.artists, *ax.tables]
    found += [t for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()]
    if ax.legend_ is not None:
        found.append(ax.legend_)
    return found


def _axis_signature(axis: Axis) -> tuple:
    locator, formatter = axis.get_major_locator(), axis.get_major_formatter()
    return (
        axis.get_label_text(), axis.get_scale(), type(locator).__name__, tuple(getattr(locator, "locs", ())),
        type(formatter).__name__, tuple(getattr(formatter, "seq", ())),
    )


def background_signature(fig: Figure) -> tuple:
    """What the once-drawn layers depend on: position, limits, scales, locators and labels of every axes."""
    signature = []
    for ax in fig.axes:
        part: tuple = (tuple(ax.get_position().bounds), ax.axison)
        if ax.axison:
            part += (ax.get_xlim(), ax.get_ylim(), _axis_signature(ax.xaxis), _axis_signature(ax.yaxis))
        signature.append(part)
    return tuple(signature)


def draw_order(fig: Figure) -> list[tuple[Artist, bool]]:
    """Every artist in the order ``Figure.draw`` paints it, each with "is it content?"."""
    order: list[tuple[Artist, bool]] = [(fig.patch, False)]
    for artist in sorted((a for a in fig.get_children() if a is not fig.patch), key=lambda a: a.get_zorder()):
        if not artist.get_visible():
            continue
        if not isinstance(artist, Axes):
            order.append((artist, True))
            continue
        ax = artist
        content = {id(a) for a in content_artists(ax)}
        children = [a for a in ax.get_children() if a is not ax.patch]
        if not (ax.axison and ax.get_frame_on()):
            children = [a for a in children if not isinstance(a, Spine)]
        if not ax.axison:
            children = [a for a in children if not isinstance(a, Axis)]
        if ax.axison and ax.get_frame_on():
            order.append((ax.patch, False))
        for child in sorted(children, key=lambda a: a.get_zorder()):
            if child.get_visible():
                order.append((child, id(child) in content))
    return order


class SceneEncoder:
    """Collects the scenes of many frames of one figure into shared tables.

    Call :meth:`frame` after each setting is drawn; :meth:`data` returns the encoding
    described in the module docstring.
    """

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        self.renderer = canvas.get_renderer()
        self.width, self.height = int(round(fig.bbox.width)), int(round(fig.bbox.height))
        self.pixels_per_point = fig.dpi / 72
        self._tables: dict[str, dict[Any, int]] = {"styles": {}, "clips": {}, "items": {}, "frames": {}}
        self._title_y: dict[int, list[float]] = {}
        self._texts: dict[tuple, list[int]] = {}
        self._layers: dict[tuple[int, ...], list[int]] = {}  # a run of static artists -> its raster
        self._value_colours: dict[tuple, np.ndarray] = {}  # an image's distinct values -> their colours

    def _intern(self, table: str, value: Any) -> int:
        key = repr(value)
        entries = self._tables[table]
        if key not in entries:
            entries[key] = (len(entries), value)
        return entries[key][0]

    def _clip(self, artist: Artist) -> int:
        if not artist.get_clip_on():
            return -1
        box = artist.get_clip_box()
        path = artist.get_clip_path()
        if path is not None:
            box = path.get_fully_transformed_path().get_extents()
        if box is None:
            return -1
        x0, y0, x1, y1 = (float(v) for v in box.extents)
        return self._intern("clips", [round(x0, 2), round(self.height - y1, 2), round(x1 - x0, 2), round(y1 - y0, 2)])

    def _path_item(self, path: Path, style: list, clip: int) -> int | None:
        """A display-space path as an item (curves flattened, collinear points merged)."""
        path = path.cleaned(simplify=True, curves=False)
        vertices, codes = path.vertices, path.codes
        keep = (codes != Path.STOP) & (codes != Path.CLOSEPOLY)
        starts = np.flatnonzero(codes[keep] == Path.MOVETO)
        # A CLOSEPOLY closes the sub-path it ends: count the MOVETOs before it.
        closing = np.searchsorted(np.flatnonzero(codes == Path.MOVETO), np.flatnonzero(codes == Path.CLOSEPOLY), side="right") - 1
        points = vertices[keep].copy()
        points[:, 1] = self.height - points[:, 1]
        pieces = np.split(points, starts[1:]) if len(starts) else [points]
        closed, subpaths, closed_set = 0, [], set(closing.tolist())
        for k, piece in enumerate(pieces):
            if len(piece) > 1:
                if k in closed_set:
                    closed |= 1 << len(subpaths)
                subpaths.append(_delta(piece))
        if not subpaths:
            return None
        return self._intern("items", [0, self._intern("styles", style), clip, closed, *subpaths])

    def _path_style(self, fill: Any, stroke: Any, width_points: float, dashes: Any, cap: str, join: str) -> list:
        width = round(float(width_points) * self.pixels_per_point, 3)
        offset, pattern = dashes if dashes is not None else (0, None)
        dash = [round(d * self.pixels_per_point, 2) for d in pattern] if pattern else []
        return [_hex(fill), _hex(stroke) if width > 0 else None, width, dash, _CAPS.get(cap, "butt"), join]

    def _line(self, line: Line2D) -> list[int]:
        items = []
        clip = self._clip(line)
        color = mcolors.to_rgba(line.get_color(), line.get_alpha())
        if line.get_linestyle() not in ("None", " ", "", None) and line.get_linewidth() > 0:
            path = line._get_transformed_path().get_fully_transformed_path()
            solid = line.get_linestyle() in ("-", "solid")
            cap = line.get_solid_capstyle() if solid else line.get_dash_capstyle()
            join = line.get_solid_joinstyle() if solid else line.get_dash_joinstyle()
            style = self._path_style(None, color, line.get_linewidth(), None if solid else line._dash_pattern, cap, join)
            item = self._path_item(path, style, clip)
            if item is not None:
                items.append(item)
        marker = line._marker
        if marker.get_marker() not in ("None", None, "", " ") and line.get_markersize() > 0:
            size = self.pixels_per_point * line.get_markersize()
            outline = marker.get_path().transformed(marker.get_transform().scale(size, size)).to_polygons(closed_only=False)
            fill = mcolors.to_rgba(line.get_markerfacecolor(), line.get_alpha()) if marker.is_filled() else None
            edge = mcolors.to_rgba(line.get_markeredgecolor(), line.get_alpha())
            points = line.get_transform().transform(line.get_xydata())
            points = points[np.isfinite(points).all(axis=1)]
            for polygon in outline:
                items.append(self._markers(polygon, fill, edge, line.get_markeredgewidth(), points, clip))
        return items

    def _patch(self, patch: Patch) -> list[int]:
        if patch.get_hatch():
            return self._raster(patch)
        path = patch.get_transform().transform_path(patch.get_path())
        style = self._path_style(patch.get_facecolor() if patch.get_fill() else None, patch.get_edgecolor(),
                                 patch.get_linewidth(), None if patch.get_linestyle() in ("-", "solid") else patch._dash_pattern,
                                 patch.get_capstyle(), patch.get_joinstyle())
        item = self._path_item(path, style, self._clip(patch))
        return [] if item is None else [item]

    def _collection(self, collection: Collection) -> list[int]:
        if collection.get_hatch():
            return self._raster(collection)
        if isinstance(collection, PathCollection) and len(collection.get_offsets()):
            return self._scatter(collection)
        transform = collection.get_transform()
        fills, strokes = collection.get_facecolor(), collection.get_edgecolor()
        widths, caps = collection.get_linewidth(), collection.get_capstyle() or "butt"
        join = collection.get_joinstyle() or "round"
        clip, items = self._clip(collection), []
        for i, path in enumerate(collection.get_paths()):
            fill = fills[i % len(fills)] if len(fills) else None
            stroke = strokes[i % len(strokes)] if len(strokes) else None
            width = widths[i % len(widths)] if len(widths) else 0
            if fill is not None and not np.atleast_1d(collection.get_antialiased())[0] and (stroke is None or width == 0):
                # Aliased fills (contourf) tile without seams; a hairline of the fill colour
                # closes the seams that the canvas's antialiasing would leave between them.
                stroke, width = fill, 0.75 / self.pixels_per_point
            style = self._path_style(fill, stroke, width, None, caps, join)
            item = self._path_item(transform.transform_path(path), style, clip)
            if item is not None:
                items.append(item)
        return items

    def _markers(self, outline: np.ndarray, fill: Any, edge: Any, width_points: float, points: np.ndarray, clip: int) -> int:
        """One item: the closed ``outline`` (pixels, y up, around 0) at every display point.

        Agg snaps marker positions to whole pixels; so do we.
        """
        points = np.round(points)
        style = ["marker", _hex(fill), _hex(edge), round(float(width_points) * self.pixels_per_point, 3),
                 np.rint(outline * [QUARTER, -QUARTER]).astype(int).ravel().tolist()]
        flipped = np.column_stack([points[:, 0], self.height - points[:, 1]])
        return self._intern("items", [1, self._intern("styles", style), clip, _delta(flipped)])

    def _scatter(self, collection: PathCollection) -> list[int]:
        """Scatter points grouped by shape, size and colours, one marker item per group."""
        points = collection.get_offset_transform().transform(collection.get_offsets())
        paths, sizes = collection.get_paths(), collection.get_sizes()
        fills, edges, widths = collection.get_facecolor(), collection.get_edgecolor(), collection.get_linewidth()
        groups: dict[tuple, list[int]] = {}
        for i in range(len(points)):
            key = (i % len(paths), float(sizes[i % len(sizes)]) if len(sizes) else 36.0,
                   tuple(fills[i % len(fills)]) if len(fills) else None, tuple(edges[i % len(edges)]) if len(edges) else None,
                   float(widths[i % len(widths)]) if len(widths) else 0.0)
            groups.setdefault(key, []).append(i)
        clip, items = self._clip(collection), []
        for (path_index, size, fill, edge, width), members in groups.items():
            scale = np.sqrt(size) * self.pixels_per_point
            for outline in paths[path_index].to_polygons(transform=Affine2D().scale(scale), closed_only=False):
                inside = points[members]
                items.append(self._markers(outline, fill, edge, width, inside[np.isfinite(inside).all(axis=1)], clip))
        return items

    def _text(self, text: Text) -> list[int]:
        string = text.get_text()
        if not string or text._preprocess_math(string)[1] or text.get_usetex():
            return self._raster(text) if string else []
        arrow = isinstance(text, Annotation) and text.arrow_patch is not None
        if isinstance(text, Annotation):
            text.update_positions(self.renderer)
        x0, y0 = text.get_transform().transform(text.get_unitless_position())
        font, box = text.get_fontproperties(), text.get_bbox_patch()
        key = (string, round(x0, 2), round(y0, 2), hash(font), text.get_rotation(), text.get_horizontalalignment(),
               text.get_verticalalignment(), text.get_color(), text.get_alpha(), text._linespacing, text.get_clip_on(),
               None if box is None else (repr(box.get_boxstyle()), tuple(box.get_facecolor()), tuple(box.get_edgecolor()), box.get_linewidth()))
        if not arrow and key in self._texts:  # the same label as in an earlier frame: skip the layout
            return self._texts[key]
        items = self._patch(text.arrow_patch) if arrow else []
        if box is not None:
            text.update_bbox_position_size(self.renderer)
            items += self._patch(box)
        _, info, _ = text._get_layout(self.renderer)
        color = mcolors.to_rgba(text.get_color(), text.get_alpha())
        style = self._intern("styles", ["font", round(self.renderer.points_to_pixels(font.get_size_in_points()), 3),
                                        _hex(color), str(font.get_weight()), font.get_style()])
        clip = self._clip(text)
        for line, _wad, (dx, dy) in info:
            if line:
                x, y = x0 + dx, self.height - (y0 + dy)
                items.append(self._intern("items", [2, style, clip, round(x, 2), round(y, 2), round(text.get_rotation(), 3), line]))
        self._texts[key] = items
        return items

    def _image(self, image: AxesImage) -> list[int]:
        """A nearest-neighbour image of at most 64 colours on linear axes as cells; others as a raster.

        A 40×40 decision map of a few regions costs a few hundred characters instead of a PNG
        of the pixels it covers.
        """
        ax, array = image.axes, image.get_array()
        if (
            image.get_interpolation() not in ("nearest", "none") or array is None or array.ndim < 2
            or ax is None or image.get_transform() is not ax.transData
            or (ax.get_xscale(), ax.get_yscale()) != ("linear", "linear")
        ):
            return self._raster(image)
        if array.ndim == 2 and not np.ma.is_masked(array):  # colour the distinct values only
            values, index = _distinct(np.asarray(array))
            norm = image.norm
            key = (id(image.cmap), id(norm), norm.vmin, norm.vmax, image.get_alpha(), values.dtype.str, values.tobytes())
            if key not in self._value_colours:
                self._value_colours[key] = image.to_rgba(values[None], alpha=image.get_alpha(), bytes=True)[0]
            colours = self._value_colours[key]
        else:
            colours = image.to_rgba(array, alpha=image.get_alpha(), bytes=True).reshape(-1, 4)
            index = np.arange(len(colours))
        items = self.cells(index.reshape(array.shape[:2]), colours, self.image_geometry(image))
        return self._raster(image) if items is None else items

    def image_geometry(self, image: AxesImage) -> tuple[list[float], bool, bool, int]:
        """Where an image's cells go: ``(rect, flip_rows, flip_cols, clip)`` for `cells`.

        ``rect`` is ``[x, y, w, h]`` in canvas pixels; the flips say whether the array's rows
        (columns) run upwards (leftwards) on the page (origin, inverted axes).
        """
        left, right, bottom, top = image.get_extent()
        first_row_y, other_row_y = (top, bottom) if image.origin == "upper" else (bottom, top)
        (x0, y0), (x1, y1) = image.axes.transData.transform([(left, first_row_y), (right, other_row_y)])
        rect = [round(float(v), 2) for v in (min(x0, x1), self.height - max(y0, y1), abs(x1 - x0), abs(y1 - y0))]
        return rect, bool(y0 < y1), bool(x0 > x1), self._clip(image)

    def cells(self, index: np.ndarray, colours: np.ndarray, geometry: tuple[list[float], bool, bool, int]) -> list[int] | None:
        """An image item: cell (r, c) of colour ``colours[index[r, c]]``, placed by ``geometry``.

        Args:
            index: integer array ``(rows, cols)``, the array's rows and columns.
            colours: RGBA bytes ``(V, 4)``, one per value of ``index``.
            geometry: from `image_geometry`.

        Returns:
            The item's number in a list, or None when the cells show more than 64 colours.
        """
        present, position = _distinct(index)
        palette, merged = np.unique(np.ascontiguousarray(colours[present], dtype=np.uint8).view(np.uint32).ravel(), return_inverse=True)
        if len(palette) > len(CELL_CODES):
            return None
        rect, flip_rows, flip_cols, clip = geometry
        grid = merged[position].reshape(index.shape)
        grid = grid[::-1] if flip_rows else grid
        flat = (grid[:, ::-1] if flip_cols else grid).ravel()
        starts = np.flatnonzero(np.concatenate([[True], flat[1:] != flat[:-1]]))
        lengths = np.diff(np.append(starts, flat.size)).tolist()
        codes = np.frombuffer(CELL_CODES.encode("ascii"), dtype=np.uint8)[flat[starts]].tobytes().decode("ascii")
        cells = "".join([code if n == 1 else f"{code}{n}" for code, n in zip(codes, lengths)])
        colours_hex = [None if c[3] == 0 else "#%02x%02x%02x%02x" % tuple(c) for c in palette.view(np.uint8).reshape(-1, 4).tolist()]
        style = self._intern("styles", ["cells", colours_hex])
        return [self._intern("items", [4, style, clip, *rect, index.shape[1], cells])]

    def _raster(self, *artists: Artist) -> list[int]:
        """Draw ``artists`` alone on a transparent canvas and keep the part they cover."""
        renderer = RendererAgg(self.width, self.height, self.fig.dpi)
        for artist in artists:
            artist.draw(renderer)
        rgba = np.asarray(renderer.buffer_rgba())
        rows, cols = np.nonzero(rgba[..., 3])
        if not len(rows):
            return []
        top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
        return [self._intern("items", [3, int(left), int(top), _png(np.ascontiguousarray(rgba[top:bottom, left:right]))])]

    def artist_items(self, artist: Artist) -> list[int]:
        """The items that repaint one content artist."""
        if isinstance(artist, Line2D):
            return self._line(artist)
        if isinstance(artist, Text):
            return self._text(artist)
        if isinstance(artist, Patch):
            return self._patch(artist)
        if isinstance(artist, Collection):
            return self._collection(artist)
        if isinstance(artist, AxesImage):
            return self._image(artist)
        return self._raster(artist)

    def parts(self) -> list[tuple[Artist | None, list[int]]]:
        """The scene of the figure as it is drawn now, in painting order.

        Returns:
            ``(artist, items)`` for every content artist and ``(None, items)`` for every run of
            non-content artists (axes, ticks, labels, spines) between them; such a run is
            rasterised once per distinct run and reused by every frame. A caller that knows
            which artists a setting changes can build the next frames from these parts,
            encoding only those artists again (`artist_items`), and store them with `add_frame`.
        """
        # Title heights depend only on the axes (the same in every frame): compute them once.
        for ax in self.fig.axes:
            titles = (ax.title, ax._left_title, ax._right_title)
            if id(ax) not in self._title_y:
                ax._update_title_position(self.renderer)
                self._title_y[id(ax)] = [t.get_position()[1] for t in titles]
            for title, y in zip(titles, self._title_y[id(ax)]):
                title.set_y(y)
        parts: list[tuple[Artist | None, list[int]]] = []
        group: list[Artist] = []
        for artist, is_content in [*draw_order(self.fig), (None, True)]:
            if not is_content:
                group.append(artist)
                continue
            if group:
                key = tuple(id(a) for a in group)
                if key not in self._layers:
                    self._layers[key] = self._raster(*group)
                parts.append((None, self._layers[key]))
                group = []
            if artist is not None:
                parts.append((artist, self.artist_items(artist)))
        return parts

    def add_frame(self, items: Sequence[int]) -> int:
        """Store a frame, the item numbers in painting order; returns its number (equal frames share one)."""
        return self._intern("frames", list(items))

    def frame(self) -> int:
        """The scene of the figure as it is drawn now (see `parts`); returns its frame number."""
        return self.add_frame([item for _, items in self.parts() for item in items])

    def data(self) -> dict[str, Any]:
        """The shared tables: size, styles, clips, items and frames."""

        def table(name: str) -> list[Any]:
            return [value for _, value in sorted(self._tables[name].values(), key=lambda entry: entry[0])]

        return {"width": self.width, "height": self.height, **{name: table(name) for name in self._tables}}


def encode_frames(fig: Figure, settings: Iterable[Any], draw_setting: Any) -> tuple[dict[str, Any], list[int]]:
    """Draw every setting with ``draw_setting(setting)`` and encode all of them as scenes.

    Args:
        fig: the figure ``draw_setting`` draws on; its first setting fixes the background.
        settings: the settings, in the order of the frame list returned.
        draw_setting: draws one setting on ``fig`` (called once per setting).

    Returns:
        ``(data, frame_of)``: the encoding and, per setting, its frame number in ``data``.
    """
    encoder: SceneEncoder | None = None
    signature: tuple = ()
    frame_of = []
    for setting in settings:
        draw_setting(setting)
        if encoder is None:
            encoder = SceneEncoder(fig)
            signature = background_signature(fig)
        elif background_signature(fig) != signature:
            raise ValueError(
                f"the setting {setting} changes the axes (limits, ticks or axis labels), which the static "
                "form draws once: fix them in draw (ax.set(xlim=..., ylim=...)) so every setting shares them"
            )
        frame_of.append(encoder.frame())
    if encoder is None:
        raise ValueError("encode_frames needs at least one setting")
    return encoder.data(), frame_of
