"""PDF rendering shared by tickets and invoices: HTML → PDF with WeasyPrint, and QR codes as inline SVG.

- One `FontConfiguration` for the whole process: a new one per render costs time and leaks about
  0.3 MiB each. Pango and Fontconfig objects are not safe to share between threads, so renders
  in one process take turns (`_RENDER_LOCK`); rendering is CPU-bound anyway.
- Nothing is fetched from the network: only `data:` URLs and files below the template and static
  directories load; anything else is refused, and the render goes on without it (logged by
  WeasyPrint as an error on the `weasyprint` logger).
- WeasyPrint is imported on first use: importing it takes over a second, and most code paths
  that import this module (placing and paying orders) never render.
- Font subsetting uses HarfBuzz (Debian's `libharfbuzz-subset0`); without that library
  WeasyPrint falls back to the much slower fontTools and warns at import.
"""

from __future__ import annotations

import mimetypes
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import qrcode
import qrcode.constants
from django.conf import settings
from qrcode.compat.etree import ET  # lxml when installed, else the standard library's
from qrcode.image.svg import SvgPathImage

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

__all__ = ["ResourceRefused", "allowed_roots", "font_config", "qr_svg", "render_pdf"]

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


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render an HTML document to PDF bytes: tagged (accessible) PDF, fonts subset and embedded.

    `base_url` resolves relative URLs (e.g. a `file://` URL of a template directory); only local
    files below the template and static directories, and `data:` URLs, are ever loaded.
    """
    with _RENDER_LOCK:
        state = _setup()
        document = state["weasyprint"].HTML(string=html, base_url=base_url, url_fetcher=state["url_fetcher"])
        pdf: bytes = document.write_pdf(font_config=state["font_config"], pdf_tags=True)
    return pdf


def qr_svg(data: str, *, label: str | None = None) -> str:
    """A QR code of `data` as an inline `<svg>` element (no XML declaration), ready to embed in HTML.

    Error correction M, a quiet zone of 4 modules, one `<path>` for all modules, drawn 1 unit per
    module in its viewBox: size it with CSS. `label` becomes the image's accessible name.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, image_factory=SvgPathImage)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image()
    svg = image.get_image()
    if image.path is not None:
        # One document may hold many codes: no fixed ids.
        image.path.attrib.pop("id", None)
        # Runs of dark modules as one rectangle each: half the path commands of one square per
        # module, and WeasyPrint spends most of a ticket page's time drawing this path.
        image.path.set("d", _path_of_runs(code.get_matrix()))
    # Let CSS decide the size.
    for attribute in ("width", "height"):
        svg.attrib.pop(attribute, None)
    svg.set("shape-rendering", "crispEdges")
    if label:
        svg.set("role", "img")
        svg.set("aria-label", label)
        title = ET.Element("title")
        title.text = label
        svg.insert(0, title)
    markup = ET.tostring(svg, encoding="unicode")
    if markup.startswith("<?xml"):
        markup = markup.split("?>", 1)[1].lstrip()
    return markup


def _path_of_runs(matrix: list[list[bool]]) -> str:
    """SVG path data drawing each horizontal run of dark modules (the matrix includes the quiet zone)."""
    parts: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            parts.append(f"M{start},{y}h{x - start}v1h-{x - start}z")
    return "".join(parts)
