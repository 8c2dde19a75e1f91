/* The search index separates Chinese words with zero-width spaces (U+200B);
   a reader who copies a search result title must not copy them. */
document.addEventListener("copy", function (event) {
  var text = String(window.getSelection() || "");
  if (text.indexOf("\u200b") === -1 || !event.clipboardData) return;
  event.clipboardData.setData("text/plain", text.replace(/\u200b/g, ""));
  event.preventDefault();
});

/* >>> kb:collection-filter (scripts/kb/build/collection_index.py) >>>
   The cases index is a complete static table; with JavaScript, the filter
   form above it (hidden without JS) hides the rows that do not match. The
   filter is kept in the address (?district=…&theme=…&list=…): a filtered list
   can be sent, a reload keeps it, the back button returns to the previous
   filter. "none" is the choice of the cases whose district is not given. */
(function () {
  var PARAM = { themes: "theme" };  // select name -> address parameter
  function param(sel) { var key = sel.getAttribute("data-kb-filter"); return PARAM[key] || key; }
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
            if (key === "district" && want === "none") return have === "";
            return key === "themes" ? have.split(" ").indexOf(want) !== -1 : have === want;
          });
          row.hidden = !ok;
          if (ok) shown++;
        });
        if (output) output.textContent = countText.replace("{n}", shown);
      }
      function fromAddress() {
        var params = new URLSearchParams(window.location.search);
        Array.prototype.forEach.call(selects, function (sel) {
          var want = params.get(param(sel)) || "";
          var known = Array.prototype.some.call(sel.options, function (o) { return o.value === want; });
          sel.value = known ? want : "";
        });
        apply();
      }
      function toAddress() {
        var params = new URLSearchParams(window.location.search);
        Array.prototype.forEach.call(selects, function (sel) {
          if (sel.value) params.set(param(sel), sel.value); else params.delete(param(sel));
        });
        var query = params.toString();
        var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
        if (url !== window.location.pathname + window.location.search + window.location.hash) {
          window.history.pushState({ kbFilter: true }, "", url);
        }
      }
      form.addEventListener("change", function () { apply(); toAddress(); });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      window.addEventListener("popstate", fromAddress);
      form.hidden = false;
      fromAddress();
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

/* >>> kb:keyboard-phone (issue 18, item 4) >>>
   The menu from the keyboard. The labels that open and close parts of the
   menu are keyboard stops (overrides/partials/nav-item.html, header.html);
   Material clicks a focused label on Enter, this adds Space, Escape (closes
   the drawer and returns to the menu button), aria-expanded on the menu
   button, and moves the focus into the drawer when it opens and closes the
   drawer when the focus leaves it. A section heading on a wide screen opens nothing: no stop there.
   A glossary term (abbr.kb-term) is a stop: Material shows its definition on
   focus as on hover, and describes the term with it (aria-describedby). */
(function () {
  var wide = window.matchMedia("(min-width: 76.25em)");
  function stops() {
    document.querySelectorAll(".md-nav--primary .md-nav__item--section > label.md-nav__link").forEach(function (label) {
      label.setAttribute("tabindex", wide.matches ? "-1" : "0");
    });
    document.querySelectorAll(".md-nav--primary label.md-nav__title[for='__toc']").forEach(function (label) {
      label.setAttribute("tabindex", "0");
    });
    document.querySelectorAll(".md-typeset abbr.kb-term:not([tabindex])").forEach(function (abbr) {
      abbr.setAttribute("tabindex", "0");
    });
  }
  function setup() {
    var drawer = document.getElementById("__drawer");
    var button = document.querySelector(".md-header__button[for='__drawer']");
    function sync() { if (drawer && button) button.setAttribute("aria-expanded", String(drawer.checked)); }
    function onTop(el) {
      var r = el.getBoundingClientRect();
      if (!r.width || !r.height) return false;
      var hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return !!hit && (hit === el || el.contains(hit));
    }
    // opened from the keyboard: the focus moves into the menu (the page beside it is covered)
    if (drawer && button) drawer.addEventListener("change", function () {
      if (!drawer.checked || document.activeElement !== button) return;
      setTimeout(function () { // after the drawer's slide (0.25s)
        var items = document.querySelectorAll("#__kb_drawer a[href], #__kb_drawer label[tabindex='0']");
        for (var i = 0; i < items.length; i++) if (onTop(items[i])) { items[i].focus(); return; }
      }, 300);
    });
    if (drawer) drawer.addEventListener("change", sync);
    // the focus leaving the open drawer (to the page it covers) closes it
    document.addEventListener("focusin", function (event) {
      if (!drawer || !drawer.checked || wide.matches || event.target === button) return;
      var menu = document.getElementById("__kb_drawer");
      if (menu && !menu.contains(event.target)) {
        drawer.checked = false;
        drawer.dispatchEvent(new Event("change"));
      }
    });
    sync();
    stops();
    if (wide.addEventListener) wide.addEventListener("change", stops);
    document.addEventListener("keydown", function (event) {
      var el = document.activeElement;
      if ((event.key === " " || event.key === "Spacebar") && el instanceof HTMLLabelElement && el.hasAttribute("tabindex")) {
        event.preventDefault();
        el.click();
      } else if (event.key === "Escape" && drawer && drawer.checked) {
        drawer.checked = false;
        drawer.dispatchEvent(new Event("change"));
        if (button) button.focus();
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
/* <<< kb:keyboard-phone <<< */

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
    // every tab of the site hears the channel: only this language's worker and this query count
    if (data.lang && (data.lang === "zh") !== zh) return;
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
