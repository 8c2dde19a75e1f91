"""The preview reloads itself: the editor saves, the open page shows the change.

The preview server (``kb serve``) adds one script to every HTML page it
serves: not to the files, which stay byte for byte a strict build's. The
script asks ``/__kb_preview/state`` (the number of the served build, and the
messages of a build that failed since) every 0.7 s and reloads the page when
the number differs from the one the page was served with. While the last
build failed, the page shows a bar across its top, in its language: the
preview was not updated, the build's warnings and errors (the first 30, as
the console has them), and what to do next; the save that fixes the page reloads it
without the bar. Only loopback is ever asked.
"""

from __future__ import annotations

import json
import secrets
import threading

from . import sites

PREFIX = "/__kb_preview/"
SCRIPT = """(function () {
  var mine = (document.currentScript && document.currentScript.src.split("?g=")[1]) || "";
  var ID = "kb-preview-failed";
  var SAYS = {
    zh: "预览未更新：最近一次保存后的构建失败，下面仍是上一次通过的构建。请修改后再次保存。",
    en: "The preview was not updated: the build after the last save failed, and this is the last build that passed. Fix the page and save again."
  };
  function show(problems) {
    var bar = document.getElementById(ID);
    if (!problems.length) { if (bar) bar.remove(); return; }
    if (!bar) {
      bar = document.createElement("div");
      bar.id = ID;
      bar.setAttribute("role", "alert");
      bar.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:10000;max-height:50vh;overflow:auto;" +
        "padding:.6rem 1rem;background:#b71c1c;color:#fff;font:14px/1.5 sans-serif;box-shadow:0 2px 6px rgba(0,0,0,.4)";
      document.body.appendChild(bar);
    }
    var text = problems.join("\\n");
    if (bar.dataset.text === text) return;  // unchanged: keep what the reader selected or scrolled
    bar.dataset.text = text;
    var lang = (document.documentElement.lang || "zh").slice(0, 2);
    var head = document.createElement("strong");
    head.textContent = SAYS[lang] || SAYS.en;
    var list = document.createElement("pre");
    list.style.cssText = "margin:.4rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere;" +
      "font:13px/1.4 monospace;color:#fff;background:none";
    list.textContent = text;
    bar.replaceChildren(head, list);
  }
  function tick() {
    fetch("/__kb_preview/state", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.generation !== mine) { location.reload(); return; }
        show(s.problems || []);
        setTimeout(tick, 700);
      })
      .catch(function () { setTimeout(tick, 2000); });  // the preview restarts: try again
  }
  setTimeout(tick, 700);
})();
"""


class Generation:
    """The number of the build being served, and the messages of a build that
    failed after it (empty: none), shared by the builder and the server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0
        self.run = secrets.token_hex(4)  # a restarted preview counts again: its pages still reload
        self.problems: tuple[str, ...] = ()

    def bump(self) -> int:
        """A build passed and is served: open pages reload, without a failure shown."""
        with self._lock:
            self.value += 1
            self.problems = ()
            return self.value

    def fail(self, problems: list[str]) -> None:
        """The last build failed (the one served stays): open pages show why."""
        with self._lock:
            self.problems = tuple(problems)

    def state(self) -> bytes:
        """What the open pages ask for: ``{"generation": "3", "problems": [...]}`` (JSON)."""
        with self._lock:
            return json.dumps({"generation": self.name(), "problems": list(self.problems)}).encode()

    def name(self) -> str:
        """The served build, as a page's script knows it (``?g=``): this run's token and number."""
        return f"{self.run}-{self.value}"


class PreviewHandler(sites.SiteHandler):
    """Serves the preview's folder; HTML pages get the reload script."""

    generation: Generation = Generation()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = self.path.split("?", 1)[0]
        if path == PREFIX + "state":
            return self._send(self.generation.state(), "application/json")
        if path == PREFIX + "reload.js":
            return self._send(SCRIPT.encode(), "text/javascript; charset=utf-8")
        target = self.translate_path(self.path)
        # the number before the file: a build swapped in between makes the page reload, never stick
        served = self.generation.name()
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
