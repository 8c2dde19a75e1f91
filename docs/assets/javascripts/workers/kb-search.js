/* Urban Party-Building Academy Knowledge Base: a thin wrapper around Material's
   search worker (whose file name is passed as ?material=...). It changes one
   thing: pages that contain the query as an exact phrase come first.

   Why: Material segments a Chinese query against the index vocabulary but never
   keeps the whole query as one word when shorter words exist, so a term such as
   在职党员到社区报到 is searched as 在职 党员 到 社区 报到 and the page that uses the
   term can rank below pages that merely use those common words. */
(function () {
  "use strict";
  var handlers = [];
  var addListener = self.addEventListener.bind(self);
  var post = self.postMessage.bind(self);
  var pending = [];   // queries in the order they were asked (answers come in order)
  var phraseText = Object.create(null);   // page location -> plain lower-case text

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
      var text = phraseText[loc] || "";
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
        phraseText[loc] = (phraseText[loc] || "") + " " + plain(doc.title) + " " + plain(doc.text);
      });
    } else if (data.type === 2) {
      pending.push(String(data.data || ""));
    }
    handlers.forEach(function (fn) { fn(event); });
  });

  var material = new URLSearchParams(self.location.search).get("material");
  if (!material || !/^[\w.-]+\.js$/.test(material)) throw new Error("kb-search: ?material=<worker file> missing");
  importScripts(material);
})();
