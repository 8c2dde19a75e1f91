/* Urban Party-Building Academy Knowledge Base, offline edition only (kb/build/offline.py).
   Chromium starts no Web Worker from a file:// page. On such a page this stand-in
   for Worker runs the same worker files (our kb-search.js and Material's) in a
   hidden frame, kb-offline-frame.html beside them, and passes the messages both
   ways. Material's bundle only posts messages and listens for "message". */
(function () {
  "use strict";
  if (location.protocol !== "file:" || typeof window.Worker !== "function") return;

  function FrameWorker(url) {
    var target = new EventTarget();
    var worker = new URL(String(url), document.baseURI);
    var name = worker.pathname.split("/").pop();
    var params = new URLSearchParams(worker.search);
    params.set("worker", name);
    var frame = document.createElement("iframe");
    var queue = [];
    var ready = false;
    frame.hidden = true;
    frame.setAttribute("aria-hidden", "true");
    frame.setAttribute("tabindex", "-1");
    frame.title = "search";
    frame.src = new URL("kb-offline-frame.html?" + params.toString(), worker).href;
    window.addEventListener("message", function (event) {
      if (event.source !== frame.contentWindow) return;
      var data = event.data;
      if (data && data.kbOfflineFrame === "ready") {
        ready = true;
        queue.splice(0).forEach(function (message) { frame.contentWindow.postMessage(message, "*"); });
        return;
      }
      var copy = new MessageEvent("message", { data: data });
      if (typeof target.onmessage === "function") target.onmessage(copy);
      target.dispatchEvent(copy);
    });
    target.postMessage = function (message) {
      if (ready) frame.contentWindow.postMessage(message, "*");
      else queue.push(message);
    };
    target.terminate = function () { frame.remove(); };
    (document.body || document.documentElement).appendChild(frame);
    return target;
  }
  window.Worker = FrameWorker;
})();
