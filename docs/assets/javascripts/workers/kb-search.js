/* Urban Party-Building Academy Knowledge Base: a thin wrapper around Material's
   search worker (whose file name is passed as ?material=...). It changes two
   things: pages that contain the query as an exact phrase come first, and, for
   a large index, the lunr index is built faster with the same results
   (fastLunr, in kb-search-fast.js, loaded only then).

   Why: Material segments a Chinese query against the index vocabulary but never
   keeps the whole query as one word when shorter words exist, so a term such as
   在职党员到社区报到 is searched as 在职 党员 到 社区 报到 and the page that uses the
   term can rank below pages that merely use those common words. */
(function () {
  "use strict";
  var handlers = [];
  var addListener = self.addEventListener.bind(self);
  var post = self.postMessage.bind(self);
  var FAST_FROM = 2000;  // sections in the index (the real site has about 350 per language)
  var pending = [];   // queries in the order they were asked (answers come in order)
  var pageDocs = Object.create(null);     // page location -> its sections
  var phraseText = Object.create(null);   // page location -> plain lower-case text, made when first asked

  function plain(s) {
    return String(s || "").replace(/<[^>]*>/g, "").replace(/\u200b/g, "").replace(/\s+/g, " ").toLowerCase();
  }
  function pageOf(location) {
    return String(location).split("#")[0];
  }
  function rerank(items, query) {
    var phrase = plain(query).trim();
    if (!phrase) return items;
    var hit = [], rest = [];
    items.forEach(function (group) {
      var loc = group && group[0] && pageOf(group[0].location);
      var text = phraseText[loc];
      if (text === undefined) {  // lazily: making it for every page delayed the first results
        text = phraseText[loc] = (pageDocs[loc] || []).map(function (doc) {
          return " " + plain(doc.title) + " " + plain(doc.text);
        }).join("");
      }
      (text.indexOf(phrase) !== -1 ? hit : rest).push(group);
    });
    return hit.concat(rest);
  }

  self.addEventListener = function (type, fn, options) {
    if (type === "message") handlers.push(fn);
    else addListener(type, fn, options);
  };
  self.postMessage = function (message) {
    if (message && message.type === 3 && pending.length) {
      var query = pending.shift();
      if (message.data && message.data.items) message.data.items = rerank(message.data.items, query);
    }
    post(message);
  };
  addListener("message", function (event) {
    var data = event.data || {};
    if (data.type === 0 && data.data && data.data.docs) {
      data.data.docs.forEach(function (doc) {
        var loc = pageOf(doc.location);
        (pageDocs[loc] || (pageDocs[loc] = [])).push(doc);
      });
      if (fastBuild(data.data.docs.length)) {
        importScripts("kb-search-fast.js");  // beside this file; before Material's handler calls lunr()
        self.lunr = fastLunr(self.lunr);
      }
    } else if (data.type === 2) {
      pending.push(String(data.data || ""));
    }
    handlers.forEach(function (fn) { fn(event); });
  });

  var params = new URLSearchParams(self.location.search);
  var material = params.get("material");
  if (!material || !/^[\w.-]+\.js$/.test(material)) throw new Error("kb-search: ?material=<worker file> missing");
  importScripts(material);

  // The faster index build pays from a few thousand sections on (a second or
  // more of Material's build at 2,000 page pairs); below that Material's build
  // takes a fraction of a second and the extra file would only add bytes to a
  // reader's first search. ?lunr=fast and ?lunr=material force one build: for
  // the tests that compare them, never linked.
  function fastBuild(sections) {
    var choice = params.get("lunr");
    if (choice === "material" || typeof self.lunr !== "function") return false;
    return choice === "fast" || sections >= FAST_FROM;
  }
})();

