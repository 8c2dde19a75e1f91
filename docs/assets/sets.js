/* Case sets and sharing (issue 15; scripts/kb/build/share.py, set_pages.py).
   The share box shows the page's full address on the host it was opened
   from and copies it without zero-width spaces. */
(function () {
  function clean(text) { return String(text).replace(/[\u200b\u200c\u200d\u2060\ufeff]/g, "").trim(); }
  function absolute(link) { return clean(new URL(link.getAttribute("href"), window.location.href).href); }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }
  function setup() {
    document.querySelectorAll(".kb-share").forEach(function (box) {
      var link = box.querySelector("[data-kb-share-url]");
      var button = box.querySelector("[data-kb-copy]");
      var status = box.querySelector(".kb-share__status");
      if (!link) return;
      var qr = box.querySelector("[data-kb-qr]");
      // a relative QR address (no site_url at build time): show the full address of this host
      if (!/^[a-z]+:/i.test(qr ? qr.getAttribute("data-kb-qr") : "")) link.textContent = absolute(link);
      if (!button) return;
      button.addEventListener("click", function () {
        var text = clean(link.textContent);
        copyText(text).then(function () {
          if (status) status.textContent = button.getAttribute("data-kb-copied") || "";
        }, function () {
          if (status) status.textContent = text;
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
