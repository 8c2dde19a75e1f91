"""The preview reloads itself: the editor saves, the open page shows the change.

The preview server (``kb serve``) adds one script to every HTML page it
serves: not to the files, which stay byte for byte a strict build's. The
script asks ``/__kb_preview/generation`` (the number of the served build)
every 0.7 s and reloads the page when the number differs from the one the
page was served with. Only loopback is ever asked.
"""

from __future__ import annotations

import threading

from . import sites

PREFIX = "/__kb_preview/"
SCRIPT = """(function () {
  var mine = (document.currentScript && document.currentScript.src.split("?g=")[1]) || "";
  function tick() {
    fetch("/__kb_preview/generation", { cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (g) { if (g !== mine) location.reload(); else setTimeout(tick, 700); })
      .catch(function () { setTimeout(tick, 2000); });  // the preview restarts: try again
  }
  setTimeout(tick, 700);
})();
"""


class Generation:
    """The number of the build being served, shared by the builder and the server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def bump(self) -> int:
        with self._lock:
            self.value += 1
            return self.value


class PreviewHandler(sites.SiteHandler):
    """Serves the preview's folder; HTML pages get the reload script."""

    generation: Generation = Generation()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = self.path.split("?", 1)[0]
        if path == PREFIX + "generation":
            return self._send(str(self.generation.value).encode(), "text/plain; charset=utf-8")
        if path == PREFIX + "reload.js":
            return self._send(SCRIPT.encode(), "text/javascript; charset=utf-8")
        target = self.translate_path(self.path)
        # the number before the file: a build swapped in between makes the page reload, never stick
        served = self.generation.value
        if path.endswith("/") or path.endswith(".html"):
            page = target if target.endswith(".html") else target.rstrip("/") + "/index.html"
            try:
                with open(page, "rb") as fh:
                    body = fh.read()
            except OSError:
                return super().do_GET()  # a folder listing refused, or the language's 404 page
            tag = f'<script src="{PREFIX}reload.js?g={served}"></script>'.encode()
            at = body.rfind(b"</body>")
            body = body[:at] + tag + body[at:] if at >= 0 else body + tag
            return self._send(body, "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def handler_for(generation: Generation) -> type[PreviewHandler]:
    return type("Handler", (PreviewHandler,), {"generation": generation})
