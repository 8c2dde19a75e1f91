/* Urban Party-Building Academy Knowledge Base, offline edition only: the worker's
   side of kb-offline-worker.js. The worker files run in this frame as they would
   in a worker: postMessage answers the page, importScripts loads a script beside
   this file (in order, after the calling script), and the frame says it is ready
   once every script has run. Material's worker asks whether `parent` holds an
   IFrameWorker, which a frame of another origin may not ask (file:// pages are
   each their own origin): `parent` (a replaceable attribute) is hidden from it. */
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var worker = params.get("worker") || "";
  if (!/^[\w.-]+\.js$/.test(worker)) throw new Error("kb-offline-frame: ?worker=<file> missing");
  function load(src) {
    if (!/^[\w./-]+\.js$/.test(src)) throw new Error("kb-offline-frame: refusing script " + src);
    if (document.readyState === "loading") {
      document.write('<script src="' + src + '"><\/script>');
    } else {
      var script = document.createElement("script");
      script.src = src;
      script.async = false;
      document.head.appendChild(script);
    }
  }
  var host = window.parent;
  self.parent = undefined;
  self.postMessage = function (message) { host.postMessage(message, "*"); };
  self.importScripts = function () { Array.prototype.forEach.call(arguments, load); };
  addEventListener("load", function () { host.postMessage({ kbOfflineFrame: "ready" }, "*"); });
  load(worker);
})();
