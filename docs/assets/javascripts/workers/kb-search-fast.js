/* Urban Party-Building Academy Knowledge Base: loaded by kb-search.js for a
   large search index only. */

/* A faster build of the same lunr index.

   Why: at 2,000 page pairs Material's worker spends about 3 s building its
   lunr index before the first query can run, most of it recording where every
   token occurs (a position array per term, field and section, plus a table of
   token spans per field). Those positions only serve to highlight the results
   of a query. This build makes the same terms, postings, term indexes, field
   vectors and token set, in the same order (so scores, ties and results are
   identical), but records no positions; after a search it computes them, and
   Material's span tables, for the sections in the results only (and once).

   Material's search calls the global `lunr(config)`; the proxy answers that
   call and passes everything else (lunr.Builder, lunr.zh, ...) through. When
   the configuration is not one this build reproduces exactly (another
   tokenizer, a segmenter, unknown pipeline functions, repeated locations),
   Material's own build runs instead. */
function fastLunr(L) {
  "use strict";
  var NO_METADATA = Object.freeze(Object.create(null));  // shared, so never written to (see fill)
  var PURE = /^(trimmer|stopWordFilter|stemmer)(-[\w-]+)?$/;  // lunr's per-token pipeline functions

  function build(config) {
    var builder = new L.Builder();
    builder.pipeline.add(L.trimmer, L.stopWordFilter, L.stemmer);  // as lunr() itself
    builder.searchPipeline.add(L.stemmer);
    var added = [];
    builder.add = function (doc, attributes) { added.push([doc, attributes]); };
    config.call(builder, builder);
    delete builder.add;
    if (!reproducible(builder, added)) {
      self.kbSearchBuild = "material";  // which build ran, for the test
      added.forEach(function (a) { builder.add(a[0], a[1]); });
      return builder.build();
    }
    self.kbSearchBuild = "fast";
    return fastBuild(builder, added);
  }

  function reproducible(builder, added) {
    var white = builder.metadataWhitelist, source = String(builder.tokenizer);
    // Material's tokenizer (it fills lunr.tokenizer.table), no segmenter, positions only
    if (source.indexOf("tokenizer.table") === -1 || source.indexOf("tokenizer.separator") === -1) return false;
    if (L.segmenter !== undefined || !(L.tokenizer.separator instanceof RegExp)) return false;
    if (white.length !== 1 || white[0] !== "position") return false;
    if (!builder.pipeline._stack.every(function (fn) { return PURE.test(fn.label || ""); })) return false;
    var fields = Object.keys(builder._fields);
    if (!fields.every(function (name) { return typeof builder._fields[name].extractor === "function"; })) return false;
    var seen = Object.create(null);
    return added.every(function (a) {
      var doc = a[0], ref = doc[builder._ref];
      if (typeof ref !== "string" || seen[ref]) return false;
      seen[ref] = true;
      return fields.every(function (name) { return doc[name] === undefined || strings(doc[name]); });
    });
  }

  function strings(value) {
    return typeof value === "string" || (Array.isArray(value) && value.every(function (v) { return typeof v === "string"; }));
  }

  // Material's tokenize() (its extract() and split()) without Token objects:
  // pushes each token as sliced (not yet lower-cased) to `out`; with a table,
  // also fills Material's span table and pushes each token's position.
  function scan(value, re, out, table, positions) {
    var inputs = Array.isArray(value) ? value : [value];
    for (var i = 0; i < inputs.length; i++) {
      var s = inputs[i], total = table ? table.length : 0, block = 0, start = 0, end = 0, stack = 0;
      for (; end < s.length; end++) {
        var c = s.charCodeAt(end);
        if (c === 60 /* < */ && end > start) {
          text(s, block + total, start, end, re, out, table, positions);
          start = end;
        } else if (c === 62 /* > */) {
          if (s.charCodeAt(start + 1) === 47 /* / */) {
            if (--stack === 0) { if (table) span(table, block + total, start, end + 1, 2); block++; }
          } else if (s.charCodeAt(end - 1) !== 47 && stack++ === 0) {
            if (table) span(table, block + total, start, end + 1, 0);
          }
          start = end + 1;
        }
      }
      if (end > start) text(s, block + total, start, end, re, out, table, positions);
    }
  }
  function span(table, block, start, end, type) {
    (table[block] || (table[block] = [])).push(start << 12 | end - start << 2 | type);
  }
  function text(s, block, start, end, re, out, table, positions) {
    var section = s.slice(start, end), index = 0, match, row;
    if (table) row = table[block] || (table[block] = []);
    re.lastIndex = 0;
    do {
      match = re.exec(section);
      var until = match ? match.index : section.length;
      if (index < until) {
        out.push(section.slice(index, until));
        if (table) {
          row.push(start + index << 12 | until - index << 2 | 1);
          positions.push(block << 20 | row.length - 1);
        }
      }
      if (match) {
        index = match.index + match[0].length;
        if (match[0].length === 0) re.lastIndex = match.index + 1;
      }
    } while (match);
  }

  function fastBuild(builder, added) {
    var fields = Object.keys(builder._fields), ref = builder._ref;
    var re = new RegExp(L.tokenizer.separator, "g");
    var pipeline = builder.pipeline, inverted = builder.invertedIndex;
    var entries = new Map();  // term -> { term, posting, index, docs, stamp, count, mark, found }
    var memo = new Map();     // token as sliced -> number of its list of entries (pipeline functions are per token)
    var lists = [];           // number -> the entries of a token's terms (often one, none for a stop word)
    var ids = new Int32Array(1 << 20), used = 0;  // every token's list number, in order, for fill()
    function listOf(raw) {
      var id = memo.get(raw);
      if (id !== undefined) return id;
      memo.set(raw, id = lists.length);
      lists.push(pipeline.run([new L.Token(raw.toLowerCase(), {})]).map(function (token) {
        var term = String(token), e = entries.get(term);
        if (e === undefined) {
          var posting = inverted[term] = Object.create(null);
          posting._index = builder.termIndex++;
          for (var p = 0; p < fields.length; p++) posting[fields[p]] = Object.create(null);
          entries.set(term, e = { term: term, posting: posting, index: posting._index, docs: 0, idf: undefined, stamp: -1, count: 0, mark: -1, found: null });
        }
        return e;
      }));
      return id;
    }

    var sections = Object.create(null);  // ref -> { doc, fields: field -> { table, start, end, positions } }
    var records = [];                    // per section and field, in lunr's order
    var sums = Object.create(null), counts = Object.create(null), raw = [], stamp = 0;
    for (var d = 0; d < added.length; d++) {
      var doc = added[d][0], docRef = doc[ref];
      builder._documents[docRef] = added[d][1] || {};
      builder.documentCount += 1;
      var section = sections[docRef] = { doc: doc, fields: Object.create(null) };
      for (var f = 0; f < fields.length; f++) {
        var field = fields[f];
        L.tokenizer.table = undefined;
        var value = builder._fields[field].extractor(doc);
        raw.length = 0;
        if (value !== undefined) scan(value, re, raw, null, null);
        if (used + raw.length > ids.length) {
          var grown = new Int32Array(Math.max(2 * ids.length, used + raw.length));
          grown.set(ids);
          ids = grown;
        }
        // Material's extractor registered this table for highlighting; fill() fills it
        section.fields[field] = { table: L.tokenizer.table, start: used, end: used + raw.length, positions: null };
        var list = [], length = 0;
        stamp++;
        for (var r = 0; r < raw.length; r++) {
          var es = lists[ids[used++] = listOf(raw[r])];
          length += es.length;
          for (var k = 0; k < es.length; k++) {
            var e = es[k];
            if (e.stamp !== stamp) { e.stamp = stamp; e.count = 0; list.push(e); }
            e.count++;
          }
        }
        var tfs = new Array(list.length);
        for (var j = 0; j < list.length; j++) {
          list[j].posting[field][docRef] = NO_METADATA;
          list[j].docs++;
          tfs[j] = list[j].count;
        }
        records.push({ field: field, ref: docRef, length: length, entries: list, tfs: tfs });
        sums[field] = (sums[field] || 0) + length;
        counts[field] = (counts[field] || 0) + 1;
      }
    }
    var average = {};  // as calculateAverageFieldLengths
    for (var name in sums) average[name] = sums[name] / counts[name];

    var index = new L.Index({
      invertedIndex: inverted,
      fieldVectors: fieldVectors(builder, records, average),
      tokenSet: L.TokenSet.fromArray(Object.keys(inverted).sort()),
      fields: fields,
      pipeline: builder.searchPipeline
    });
    var search = index.search, mark = 0;
    index.search = function (query) {
      var results = search.call(this, query);
      for (var i = 0; i < results.length; i++) fill(results[i].matchData.metadata, sections[results[i].ref]);
      return results;
    };

    // The positions lunr would have recorded for a result's matched terms.
    function fill(metadata, section) {
      var wanted = Object.create(null);  // field -> terms
      for (var term in metadata)
        for (var field in metadata[term]) (wanted[field] || (wanted[field] = [])).push(term);
      for (field in wanted) {
        var rec = section.fields[field], terms = wanted[field], t;
        if (!rec.positions) rec.positions = positionsOf(section.doc[field], rec);
        mark++;
        for (t = 0; t < terms.length; t++) { var e = entries.get(terms[t]); e.mark = mark; e.found = []; }
        for (var i = rec.start; i < rec.end; i++) {
          var es = lists[ids[i]];
          for (var k = 0; k < es.length; k++) if (es[k].mark === mark) es[k].found.push(rec.positions[i - rec.start]);
        }
        // a new object each time: lunr shares the metadata objects it was given
        for (t = 0; t < terms.length; t++) metadata[terms[t]][field] = { position: entries.get(terms[t]).found };
      }
    }
    // One scan of a field, as Material's tokenizer would have done it at build
    // time: fills its span table and gives each token's position.
    function positionsOf(value, rec) {
      var positions = [], raw = [];
      rec.table.length = 0;
      scan(value, re, raw, rec.table, positions);
      if (raw.length !== rec.end - rec.start) throw new Error("kb-search: tokens changed");
      return positions;
    }
    return index;
  }

  // lunr's createFieldVectors: the same arithmetic (lunr.idf's too, from the
  // counts kept above), elements sorted once instead of inserted one by one
  function fieldVectors(builder, records, average) {
    var vectors = {}, k1 = builder._k1, b = builder._b, n = builder.documentCount;
    var scores = new Float64Array(builder.termIndex), scratch = new Uint32Array(1024);
    for (var i = 0; i < records.length; i++) {
      var rec = records[i], list = rec.entries, tfs = rec.tfs;
      var fieldBoost = builder._fields[rec.field].boost || 1, docBoost = builder._documents[rec.ref].boost || 1;
      if (list.length > scratch.length) scratch = new Uint32Array(2 * list.length);
      var indexes = scratch.subarray(0, list.length);
      for (var j = 0; j < list.length; j++) {
        var e = list[j], tf = tfs[j];
        if (e.idf === undefined) e.idf = Math.log(1 + Math.abs((n - e.docs + 0.5) / (e.docs + 0.5)));
        var score = e.idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (rec.length / average[rec.field])) + tf);
        score *= fieldBoost;
        score *= docBoost;
        scores[e.index] = Math.round(score * 1000) / 1000;
        indexes[j] = e.index;
      }
      indexes.sort();
      var elements = new Array(2 * indexes.length);
      for (var m = 0; m < indexes.length; m++) { elements[2 * m] = indexes[m]; elements[2 * m + 1] = scores[indexes[m]]; }
      vectors[rec.field + L.FieldRef.joiner + rec.ref] = new L.Vector(elements);
    }
    return vectors;
  }

  return new Proxy(L, { apply: function (target, thisArg, args) { return build(args[0]); } });
}
