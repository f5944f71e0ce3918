"""The scanner pages' Content-Security-Policy: the site's own (`SECURE_CSP`) plus
'wasm-unsafe-eval', for the WebAssembly QR decoder they load when the browser has no
BarcodeDetector (`SCANNER_CSP` in config/settings.py, docs/security.md)."""

from django.conf import settings
from django.views.decorators.csp import csp_override

scanner_csp = csp_override(settings.SCANNER_CSP)
