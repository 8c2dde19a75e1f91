/* The search index separates Chinese words with zero-width spaces (U+200B);
   a reader who copies a search result title must not copy them. */
document.addEventListener("copy", function (event) {
  var text = String(window.getSelection() || "");
  if (text.indexOf("\u200b") === -1 || !event.clipboardData) return;
  event.clipboardData.setData("text/plain", text.replace(/\u200b/g, ""));
  event.preventDefault();
});

/* >>> kb:collection-filter (scripts/kb/collections.py) >>>
   The cases index is a complete static table; with JavaScript, the filter
   form above it (hidden without JS) hides the rows that do not match. */
(function () {
  function setup() {
    var forms = document.querySelectorAll("form[data-kb-filter-form]");
    Array.prototype.forEach.call(forms, function (form) {
      var wrap = form.nextElementSibling;
      var table = wrap && wrap.querySelector("table[data-kb-filter-table]");
      if (!table) return;
      var selects = form.querySelectorAll("select[data-kb-filter]");
      var output = form.querySelector("[data-kb-filter-count]");
      var countText = table.getAttribute("data-kb-count-text") || "{n}";
      function apply() {
        var shown = 0;
        Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
          var ok = Array.prototype.every.call(selects, function (sel) {
            var key = sel.getAttribute("data-kb-filter"), want = sel.value;
            if (!want) return true;
            var have = row.getAttribute("data-" + key) || "";
            return key === "themes" ? have.split(" ").indexOf(want) !== -1 : have === want;
          });
          row.hidden = !ok;
          if (ok) shown++;
        });
        if (output) output.textContent = countText.replace("{n}", shown);
      }
      form.addEventListener("change", apply);
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      form.hidden = false;
      apply();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
/* <<< kb:collection-filter <<< */

/* --- Accessibility (issue 7) -------------------------------------------
   Task-list checkboxes (pymdownx.tasklist) are wrapped in an empty <label>:
   give each the text of its item as its accessible name (axe: label). */
(function () {
  function itemText(li) {
    var text = "";
    for (var node = li.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 1 && /^(UL|OL|LABEL)$/.test(node.tagName)) continue;
      text += node.textContent;
    }
    return text.replace(/\s+/g, " ").trim();
  }
  function name() {
    document.querySelectorAll(".task-list-item > .task-list-control > input[type=checkbox]").forEach(function (box) {
      var text = itemText(box.closest(".task-list-item"));
      if (text && !box.hasAttribute("aria-label")) box.setAttribute("aria-label", text);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", name);
  else name();
})();

/* >>> kb:citations (scripts/kb/build/citations.py) >>>
   On a touch screen there is no hover: the first tap on a citation shows its
   source sentence, a second tap follows the link; a tap elsewhere closes it. */
document.addEventListener("click", function (event) {
  var touch = window.matchMedia && window.matchMedia("(hover: none)").matches;
  var link = event.target.closest ? event.target.closest(".kb-cite a") : null;
  document.querySelectorAll(".kb-cite a.kb-cite--open").forEach(function (open) {
    if (open !== link) open.classList.remove("kb-cite--open");
  });
  if (!link || !touch || link.classList.contains("kb-cite--open")) return;
  link.classList.add("kb-cite--open");
  event.preventDefault();
});
/* <<< kb:citations <<< */

/* >>> kb:search-note (docs/assets/javascripts/workers/kb-search.js) >>>
   When the search worker searched for another form of the query (the term
   base's term for a variant, a misspelling or the other language's
   rendering), it says so; the line goes below Material's result count. */
(function () {
  if (typeof BroadcastChannel !== "function") return;
  var zh = (document.documentElement.lang || "zh").indexOf("en") !== 0;
  new BroadcastChannel("kb-search").onmessage = function (event) {
    var data = event.data || {};
    var input = document.querySelector("input.md-search__input");
    var result = document.querySelector(".md-search-result");
    if (!input || !result || String(data.query).trim() !== input.value.trim()) return;
    var note = result.querySelector(".kb-search-note");
    if (!data.showing) {
      if (note) note.remove();
      return;
    }
    if (!note) {
      note = document.createElement("p");
      note.className = "md-search-result__meta kb-search-note";
      result.insertBefore(note, result.firstElementChild.nextSibling);
    }
    note.textContent = zh ? "以下是“" + data.showing + "”的搜索结果" : "Showing results for " + data.showing;
  };
})();
/* <<< kb:search-note <<< */
