/* Urban Party-Building Academy Knowledge Base: a thin wrapper around Material's
   search worker (whose file name is passed as ?material=...). It changes two
   things: pages that contain the query as an exact phrase come first, and, for
   a large index, the lunr index is built faster with the same results
   (fastLunr, in kb-search-fast.js, loaded only then).

   Why: Material segments a Chinese query against the index vocabulary but never
   keeps the whole query as one word when shorter words exist, so a term such as
   在职党员到社区报到 is searched as 在职 党员 到 社区 报到 and the page that uses the
   term can rank below pages that merely use those common words.

   Issue 14: the query is split the way the pages were split at build time.
   Material segments a Chinese query greedily against the index vocabulary and
   never tries a word that ends at the last character (三事分流 became 三事 分,
   with a false "missing" line). This worker splits every Chinese run of the
   query into the index's words itself (fewest words, known words first), and
   Material sees each word as a run of its own (its `word in index` test is
   answered "no", so it keeps a run whole). A query the term base knows in
   another form (another language, a variant or a misspelling it decides
   against), a Chinese run one character off a term, or an English word of
   five letters or more one edit off an indexed word is rewritten, and the
   page is told ("showing results for ...", BroadcastChannel "kb-search",
   docs/assets/kb.js). The "kb" key of the index config (kb.build.search_words)
   holds the synonyms. */
(function () {
  "use strict";
  var handlers = [];
  var addListener = self.addEventListener.bind(self);
  var post = self.postMessage.bind(self);
  var FAST_FROM = 2000;  // sections in the index (the real site has about 350 per language)
  var pending = [];   // queries in the order they were asked (answers come in order)
  var pageDocs = Object.create(null);     // page location -> its sections
  var phraseText = Object.create(null);   // page location -> plain lower-case text, made when first asked
  var kb = { lang: "", syn: {}, pairs: [] };  // the index's "kb": term base synonyms
  var vocab = Object.create(null);        // lunr's inverted index: term -> postings
  var notes = typeof BroadcastChannel === "function" ? new BroadcastChannel("kb-search") : null;
  var HAN = /[\u3400-\u9fff]+/g;

  function known(word) {  // a word of the index, or a part of one of its compounds
    return Object.prototype.hasOwnProperty.call(vocab, word) || Object.prototype.hasOwnProperty.call(kb.parts || {}, word);
  }
  // A Chinese run as the index's words: the fewest pieces, unknown characters costing double.
  function segment(run) {
    var cost = [0], back = [0];
    for (var i = 1; i <= run.length; i++) {
      cost[i] = Infinity;
      for (var j = Math.max(0, i - 16); j < i; j++) {
        var c = known(run.slice(j, i)) ? 1 : i - j === 1 ? 2 : 0;
        if (c && cost[j] + c < cost[i]) { cost[i] = cost[j] + c; back[i] = j; }
      }
    }
    var words = [];
    for (var k = run.length; k > 0; k = back[k]) words.unshift(run.slice(back[k], k));
    return words;
  }
  function oneOff(a, b) {  // at most one substitution, insertion or deletion
    if (Math.abs(a.length - b.length) > 1 || a === b) return a === b;
    var i = 0, j = 0, edits = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (a.length > b.length) i++; else if (b.length > a.length) j++; else { i++; j++; }
    }
    return edits + (a.length - i) + (b.length - j) <= 1;
  }
  function docsOf(word) {
    var p = vocab[word], n = 0;
    for (var f in p) if (f !== "_index") n = Math.max(n, Object.keys(p[f]).length);
    return n;
  }
  function nearTerm(run) {  // a Chinese run one character off a term base term
    if (run.length < 3 || known(run)) return null;
    for (var i = 0; i < kb.pairs.length; i++) {
      var zh = kb.pairs[i][0];
      if (zh.length >= 3 && oneOff(run, zh)) return zh;
    }
    return null;
  }
  function nearWord(word) {  // an English word one edit off an indexed word
    if (word.length < 5 || !/^[a-z]+$/.test(word)) return null;
    var best = null, most = 0;
    for (var key in vocab) {
      if (key.indexOf(word) === 0) return null;  // found as it is (Material adds a trailing wildcard)
      if (Math.abs(key.length - word.length) <= 1 && /^[a-z]+$/.test(key) && oneOff(word, key)) {
        var n = docsOf(key);
        if (n > most) { best = key; most = n; }
      }
    }
    return best;
  }
  function norm(s) {
    return String(s).replace(/["“”‘’']/g, "").replace(/\s+/g, " ").trim().toLowerCase();
  }
  function otherLanguage(key) {  // a term typed in the other language: this language's term
    var mine = kb.lang === "zh" ? 0 : 1;
    for (var i = 0; i < kb.pairs.length; i++) if (norm(kb.pairs[i][1 - mine]) === key) return kb.pairs[i][mine];
    return null;
  }
  // English words typed on the Chinese site: the Chinese of the terms whose
  // rendering has them all (the part their Chinese terms share, if several).
  function fromEnglish(query) {
    if (kb.lang !== "zh" || !/^[a-z][a-z\s-]*$/.test(query)) return null;
    var words = query.split(/[\s-]+/).filter(Boolean), hits = [];
    kb.pairs.forEach(function (pair) {
      var en = " " + norm(pair[1]).replace(/[^a-z]+/g, " ") + " ";
      if (words.every(function (w) { return en.indexOf(" " + w + " ") !== -1; })) hits.push(pair[0]);
    });
    if (hits.length < 2) return hits[0] || null;
    var first = hits.slice().sort(function (a, b) { return a.length - b.length; })[0];
    for (var len = first.length; len >= 2; len--)
      for (var i = 0; i + len <= first.length; i++) {
        var part = first.slice(i, i + len);
        if (hits.every(function (h) { return h.indexOf(part) !== -1; })) return part;
      }
    return first;
  }
  // The query as Material gets it, and what the reader is told it searched for.
  function rewrite(query) {
    var key = norm(query), synonym = kb.syn[key] || otherLanguage(key) || fromEnglish(key) || null, changed = !!synonym;
    var shown = [], words = (synonym || query).replace(/["“”‘’]/g, " ").split(/\s+/).filter(Boolean).map(function (word) {
      // lunr's query syntax stays on every piece: +word -word field:word word* word~1 word^2
      var m = /^([+-]?(?:[a-z]+:)?)(.*?)([*~^]\d*)?$/i.exec(word), before = m[1], body = m[2], after = m[3] || "";
      var near = before || after ? null : nearWord(body.toLowerCase());
      if (near) { changed = true; shown.push(near); return near; }
      var display = body.replace(HAN, function (run) { var t = nearTerm(run); if (t) changed = true; return t || run; });
      shown.push(before + display + after);
      var pieces = display.replace(HAN, function (run) { return " " + segment(run).join(" ") + " "; }).split(" ").filter(Boolean);
      return pieces.map(function (piece, i) { return before + piece + (i === pieces.length - 1 ? after : ""); }).join(" ");
    });
    var out = words.join(" ").replace(/\s+/g, " ").trim(), pieces = out.split(" "), parts = {};
    // a part of a compound (网格 of 红旗网格) also finds the compound; its matches count for the part
    pieces.forEach(function (piece) {
      (kb.parts && Object.prototype.hasOwnProperty.call(kb.parts, piece) ? kb.parts[piece] : []).forEach(function (whole) {
        if (pieces.indexOf(whole) !== -1) return;
        if (!parts[whole]) { parts[whole] = []; out += " " + whole; }
        parts[whole].push(piece);
      });
    });
    return {
      query: out,
      parts: parts,
      showing: changed ? shown.join(" ").replace(/([\u3400-\u9fff]) (?=[\u3400-\u9fff])/g, "$1") : ""
    };
  }
  // lunr's index as built, kept for segmenting; Material's own segmentation is
  // given an index that "has" no word, so it keeps each run as this worker split it.
  function keepVocabulary(L) {
    return new Proxy(L, {
      apply: function (target, thisArg, args) {
        var index = Reflect.apply(target, thisArg, args);
        vocab = index.invertedIndex;
        index.invertedIndex = new Proxy(vocab, { has: function () { return false; } });
        return index;
      }
    });
  }

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

  // For a term of the term base, the page about it (a title or heading that
  // holds it) comes before the glossary, and the glossary stays in the top five.
  function aboutFirst(items, query) {
    var key = norm(query), term = null;
    kb.pairs.forEach(function (pair) { if (norm(pair[kb.lang === "zh" ? 0 : 1]) === key) term = key; });
    if (!term) return items;
    // the page named by the term comes first, before pages whose title only holds it
    // (练习一：…三事分流): a title that is the term; else a place and the quoted term
    // (柳南区“红色管家”) or the term and a place in brackets (Red Steward (Liunan District))
    var named = -1, near = -1;
    items.forEach(function (group, i) {
      var loc = pageOf(group[0].location);
      var page = (pageDocs[loc] || []).filter(function (doc) { return doc.location === loc; })[0];
      if (!page) return;
      var title = plain(page.title), core = title.replace(/\s*[(（][^)）]*[)）]\s*$/, "");
      var quoted = title.match(/[“"]([^”"]+)[”"]$/);
      if (named < 0 && norm(title) === term) named = i;
      else if (near < 0 && (norm(core) === term || (quoted && norm(quoted[1]) === term))) near = i;
    });
    if (named < 0) named = near;
    if (named > 0) items.unshift(items.splice(named, 1)[0]);
    var glossary = -1, about = -1;
    items.forEach(function (group, i) {
      if (glossary < 0 && pageOf(group[0].location) === "glossary/") glossary = i;
      else if (about < 0 && group.some(function (item) { return norm(plain(item.title)).indexOf(term) !== -1; })) about = i;
    });
    if (glossary < 0) return items;
    var entry = items.splice(glossary, 1)[0];
    var at = Math.min(glossary, 4);  // the top five
    // after the page about the term (which moved one place up if it came after the glossary)
    if (about >= 0 && about < 5) at = about > glossary ? about : Math.max(at, about + 1);
    items.splice(at, 0, entry);
    return items;
  }

  // Every result link carries the terms that matched (Material's ?h=): a page
  // found through its sections only gets theirs (Material gives it none). One
  // character is a term to mark only when the reader typed one character.
  function termsOfLinks(items, characters, parts) {
    items.forEach(function (group) {
      var union = {};
      group.forEach(function (item) {
        for (var whole in item.terms || {}) {
          if (!parts[whole]) continue;  // a compound the worker added: its match is the part's
          if (item.terms[whole]) parts[whole].forEach(function (part) { item.terms[part] = true; });
          delete item.terms[whole];
        }
        for (var term in item.terms || {}) {
          if (!characters && /^[\u3400-\u9fff]$/.test(term)) delete item.terms[term];
          else if (item.terms[term]) union[term] = true;
        }
      });
      group.forEach(function (item) {
        if (item.terms && !Object.keys(item.terms).some(function (t) { return item.terms[t]; })) {
          for (var term in union) item.terms[term] = true;
        }
      });
    });
  }

  self.addEventListener = function (type, fn, options) {
    if (type === "message") handlers.push(fn);
    else addListener(type, fn, options);
  };
  self.postMessage = function (message) {
    if (message && message.type === 3 && pending.length) {
      var asked = pending.shift();
      if (message.data && message.data.items) {
        message.data.items = aboutFirst(rerank(message.data.items, asked.query), asked.showing || asked.original);
        termsOfLinks(message.data.items, asked.original.trim().length <= 1, asked.parts || {});
      }
      if (notes) notes.postMessage({ lang: kb.lang, query: asked.original, showing: asked.showing || "" });
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
      if (data.data.config && data.data.config.kb) kb = data.data.config.kb;
      if (fastBuild(data.data.docs.length)) {
        importScripts("kb-search-fast.js");  // beside this file; before Material's handler calls lunr()
        self.lunr = fastLunr(self.lunr);
      }
      self.lunr = keepVocabulary(self.lunr);
    } else if (data.type === 2) {
      var original = String(data.data || ""), asked = rewrite(original);
      asked.original = original;
      pending.push(asked);
      event = { data: { type: 2, data: asked.query } };
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

