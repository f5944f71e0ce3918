"""PDF rendering shared by tickets and invoices: HTML → PDF with WeasyPrint, and QR codes as inline SVG.

- One `FontConfiguration` for the whole process: a new one per render costs time and leaks about
  0.3 MiB each. Pango and Fontconfig objects are not safe to share between threads, so renders
  in one process take turns (`_RENDER_LOCK`); rendering is CPU-bound anyway.
- Nothing is fetched from the network: only `data:` URLs and files below the template and static
  directories load; anything else is refused, and the render goes on without it (logged by
  WeasyPrint as an error on the `weasyprint` logger).
- WeasyPrint is imported on first use: importing it takes over a second, and most code paths
  that import this module (placing and paying orders) never render.
- A QR code is the `qrcode` library's matrix with a fixed mask, drawn as one path outlining its dark
  areas (see `qr_modules` and `_path_of_outlines`): WeasyPrint draws SVG paths command by command in
  Python, so fewer commands is most of what makes a ticket page fast.
- Render time is split in two (`_layout`, `_write`) so the benchmark (bench/pdf.py) can time each.
- Font subsetting uses HarfBuzz (Debian's `libharfbuzz-subset0`); without that library
  WeasyPrint falls back to the much slower fontTools and warns at import.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import qrcode
import qrcode.constants
from django.conf import settings

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

__all__ = ["ResourceRefused", "allowed_roots", "font_config", "qr_modules", "qr_svg", "render_pdf"]

QR_BORDER = 4  # modules of quiet zone around a QR code, as the standard asks
QR_MASK = 2  # see `qr_modules`

_RENDER_LOCK = threading.Lock()
_state: dict[str, Any] = {}


class ResourceRefused(ValueError):
    """A document asked for a resource outside what PDF rendering may load."""


def allowed_roots() -> list[Path]:
    """Directories whose files a rendered document may load: templates and static files."""
    roots: list[Path] = []
    engines: list[dict[str, Any]] = settings.TEMPLATES
    for engine in engines:
        roots.extend(Path(directory) for directory in engine.get("DIRS", []))
    roots.extend(Path(directory) for directory in getattr(settings, "STATICFILES_DIRS", []))
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def _local_path(url: str) -> Path:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ResourceRefused(f"Refused to load {url!r}: not a local file.")
    path = Path(url2pathname(parts.path)).resolve()
    if not any(path.is_relative_to(root) for root in allowed_roots()):
        raise ResourceRefused(f"Refused to load {url!r}: outside the template and static directories.")
    return path


def _setup() -> dict[str, Any]:
    """Import WeasyPrint and build the shared font configuration and URL fetcher (once; under the lock)."""
    if _state:
        return _state
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalURLFetcher(URLFetcher):
        """Serves `data:` URLs and our own template/static files; refuses everything else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise ResourceRefused(f"Refused to load {url!r}: PDF rendering never uses the network.")
            path = _local_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    font_config: FontConfiguration = FontConfiguration()
    _state.update(weasyprint=weasyprint, font_config=font_config, url_fetcher=LocalURLFetcher())
    return _state


def font_config() -> FontConfiguration:
    """The process's one shared font configuration."""
    with _RENDER_LOCK:
        config: FontConfiguration = _setup()["font_config"]
        return config


def render_pdf(html: str, base_url: str | None = None, *, stylesheet: str | None = None) -> bytes:
    """Render an HTML document to PDF bytes: tagged (accessible) PDF, fonts subset and embedded.

    `base_url` resolves relative URLs (e.g. a `file://` URL of a template directory); only local
    files below the template and static directories, and `data:` URLs, are ever loaded.
    `stylesheet` names a CSS template applied to the document, parsed once per process: parsing
    a `<style>` element again for every render cost more than a tenth of a one-ticket PDF.
    """
    with _RENDER_LOCK:
        state = _setup()
        stylesheets = [_stylesheet(state, stylesheet)] if stylesheet else []
        return _write(_layout(state, html, base_url, stylesheets))


def _stylesheet(state: dict[str, Any], name: str) -> Any:
    """The CSS template `name` as a parsed `weasyprint.CSS`, kept for the process (under the lock)."""
    from django.template.loader import render_to_string

    parsed: dict[str, Any] = state.setdefault("stylesheets", {})
    if name not in parsed:
        parsed[name] = state["weasyprint"].CSS(
            string=render_to_string(name), font_config=state["font_config"], url_fetcher=state["url_fetcher"]
        )
    return parsed[name]


def _layout(state: dict[str, Any], html: str, base_url: str | None, stylesheets: list[Any]) -> Any:
    """WeasyPrint's first step: parse, style and lay out pages (a `weasyprint.Document`)."""
    document = state["weasyprint"].HTML(string=html, base_url=base_url, url_fetcher=state["url_fetcher"])
    return document.render(font_config=state["font_config"], stylesheets=stylesheets, pdf_tags=True)


def _write(document: Any) -> bytes:
    """WeasyPrint's second step: draw the laid-out pages and write the PDF."""
    pdf: bytes = document.write_pdf(pdf_tags=True)
    return pdf


def qr_svg(data: str, *, label: str | None = None) -> str:
    """A QR code of `data` as an inline `<svg>` element (no XML declaration), ready to embed in HTML.

    Error correction M, a quiet zone of 4 modules, one `<path>` outlining the dark modules, drawn 1
    unit per module in its viewBox: size it with CSS. `label` becomes the image's accessible name.
    """
    size = QR_BORDER * 2
    modules = qr_modules(data)
    size += len(modules)
    title = ""
    accessible = ""
    if label:
        escaped = escape(label)
        accessible = f' role="img" aria-label="{escaped}"'
        title = f"<title>{escaped}</title>"
    # No fixed ids: one document may hold many codes.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"'
        f'{accessible}>{title}<path d="{_path_of_outlines(modules, QR_BORDER)}" fill="#000"/></svg>'
    )


def qr_modules(data: str) -> list[list[bool]]:
    """The QR symbol of `data` (error correction M, smallest version that fits) without its quiet zone.

    The mask is fixed (`QR_MASK`) instead of chosen by the standard's penalty score: qrcode scores
    all 8 masks in pure Python, which cost about 30 ms a code, more than everything else a ticket
    page needs. A decoder reads any mask; the score only steers clear of patterns that look like
    finder patterns or large blocks. Over 300 random ticket codes mask 2 scored best most often
    (131 times) and was a median 19 points (about 1.5 %) worse than the best mask; the tests decode
    hundreds of random codes of the maximum length.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK)
    code.add_data(data)
    code.make(fit=True)
    return [[bool(module) for module in row] for row in code.modules]


_ONES = re.compile("1+")


def _runs(mask: int) -> list[tuple[int, int]]:
    """(start, length) of each run of set bits in `mask`, lowest first."""
    bits = f"{mask:b}"[::-1]  # bit 0 first
    return [(run.start(), run.end() - run.start()) for run in _ONES.finditer(bits)]


def _path_of_outlines(modules: list[list[bool]], offset: int) -> str:
    """SVG path data of the outlines of the dark modules: one closed loop of `h`/`v` commands per
    boundary, clockwise around dark areas and counter-clockwise around holes (so the default
    nonzero fill rule fills exactly the dark modules, with no seams between rows).

    WeasyPrint draws a path command by command in Python; outlines need about 40 % fewer commands
    (and numbers) than a rectangle per run of dark modules: about 1,600 for a version-7 code.
    """
    count = len(modules)
    rows = [int("".join("1" if dark else "0" for dark in reversed(row)), 2) for row in modules]
    columns = [
        int("".join("1" if dark else "0" for dark in reversed(column)), 2) for column in zip(*modules, strict=True)
    ]
    stride = count + 1  # vertex (x, y) is y * stride + x, for 0 <= x, y <= count
    # Maximal straight boundary pieces, each keyed by its start vertex, with dark on the right
    # (y grows downwards): along a horizontal grid line eastwards with dark below, westwards with
    # dark above; along a vertical one southwards with dark on the left, northwards with it right.
    east: dict[int, int] = {}
    west: dict[int, int] = {}
    south: dict[int, int] = {}
    north: dict[int, int] = {}
    for line in range(count + 1):
        before = rows[line - 1] if line else 0
        after = rows[line] if line < count else 0
        for start, length in _runs(after & ~before):
            east[line * stride + start] = length
        for start, length in _runs(before & ~after):
            west[line * stride + start + length] = length
        before = columns[line - 1] if line else 0
        after = columns[line] if line < count else 0
        for start, length in _runs(before & ~after):
            south[start * stride + line] = length
        for start, length in _runs(after & ~before):
            north[(start + length) * stride + line] = length
    parts: list[str] = []
    while east:
        # Every loop has an eastward piece; pieces alternate horizontal and vertical. Where two
        # dark modules touch only at a corner, a vertex starts two pieces of each kind: turning
        # right keeps each loop around its own module.
        start, length = east.popitem()
        x, y = start % stride, start // stride
        parts.append(f"M{x + offset},{y + offset}h{length}")
        x += length
        heading_east = True
        while True:
            vertex = y * stride + x
            first, second = (south, north) if heading_east else (north, south)
            pieces = first if vertex in first else second
            length = pieces.pop(vertex)
            if pieces is south:
                y += length
                parts.append(f"v{length}")
            else:
                y -= length
                parts.append(f"v-{length}")
            vertex = y * stride + x
            if vertex == start and pieces is north:
                break  # back where the loop began: moving north, it turns right, into its first piece
            first, second = (west, east) if pieces is south else (east, west)
            if vertex not in first and vertex not in second:
                break
            pieces = first if vertex in first else second
            length = pieces.pop(vertex)
            if pieces is east:
                x += length
                parts.append(f"h{length}")
                heading_east = True
            else:
                x -= length
                parts.append(f"h-{length}")
                heading_east = False
        parts.append("z")
    return "".join(parts)
