/*
 * Chinese search for mdBook's built-in search box.
 *
 * `guide build` rewrites searchindex-*.js (crates/guide/src/search.rs): each
 * run of Hanzi is indexed as overlapping bigrams (plus single characters),
 * other text as lower-cased words, with an empty elasticlunr pipeline, and the
 * index carries a top-level `cjk_bigrams` key. This file replaces
 * elasticlunr's tokenizer, which elasticlunr looks up at query time, with the
 * query-side twin of `tokenize_query` in search.rs: a run of two or more
 * Hanzi becomes its bigrams only, so that with `use-boolean-and = true` every
 * substring of two or more Hanzi is found.
 *
 * Keep the character classes below identical to `is_cjk`/`is_word` in
 * search.rs (crates/guide/tests/site.rs runs both on the same queries).
 *
 * An index without the `cjk_bigrams` key (one mdBook wrote itself, under
 * `mdbook serve` or a plain `mdbook build`) is rebuilt the same way in the
 * browser when it is loaded (see "An index mdBook wrote itself" below).
 *
 * It also gives Chinese results a useful teaser: searcher.js cuts teasers at
 * spaces, so a Chinese section shows as one unhighlighted block. After each
 * search the teaser is replaced by a window of the section around the first
 * match, with the matches in <em>.
 */
(function () {
    'use strict';

    if (typeof elasticlunr === 'undefined' || !elasticlunr.tokenizer) {
        return; // search disabled
    }

    var MAX_WORD_CHARS = 80;
    var TEASER_CHARS = 120;

    function isCjk(cp) {
        return cp === 0x3005 || cp === 0x3007 ||
            (cp >= 0x3040 && cp <= 0x309F) ||
            (cp >= 0x30A0 && cp <= 0x30FA) || (cp >= 0x30FC && cp <= 0x30FF) ||
            (cp >= 0x3400 && cp <= 0x4DBF) ||
            (cp >= 0x4E00 && cp <= 0x9FFF) ||
            (cp >= 0xAC00 && cp <= 0xD7AF) ||
            (cp >= 0xF900 && cp <= 0xFAFF);
    }

    var WORD_CHAR = /^[\p{Alphabetic}\p{N}_]$/u;

    function isWord(ch, cp) {
        return cp < 0x10000 && WORD_CHAR.test(ch);
    }

    // Words and CJK runs of lower-cased `text`, as `runs` in search.rs.
    function runs(text) {
        var out = [];
        var word = [];
        var cjk = [];
        function flushWord() {
            if (word.length) {
                if (word.length <= MAX_WORD_CHARS) {
                    out.push({word: word.join('')});
                }
                word = [];
            }
        }
        function flushCjk() {
            if (cjk.length) {
                out.push({cjk: cjk});
                cjk = [];
            }
        }
        for (var ch of String(text).toLowerCase()) {
            var cp = ch.codePointAt(0);
            if (isCjk(cp)) {
                flushWord();
                cjk.push(ch);
            } else if (isWord(ch, cp)) {
                flushCjk();
                word.push(ch);
            } else {
                flushWord();
                flushCjk();
            }
        }
        flushWord();
        flushCjk();
        return out;
    }

    function tokenizeQuery(text) {
        var tokens = [];
        function push(t) {
            if (tokens.indexOf(t) < 0) {
                tokens.push(t);
            }
        }
        runs(text).forEach(function (run) {
            if (run.word !== undefined) {
                push(run.word);
            } else if (run.cjk.length === 1) {
                push(run.cjk[0]);
            } else {
                for (var i = 0; i + 1 < run.cjk.length; i++) {
                    push(run.cjk[i] + run.cjk[i + 1]);
                }
            }
        });
        return tokens;
    }

    function indexIsCjk() {
        return !!(window.search && window.search.cjk_bigrams);
    }

    var original = elasticlunr.tokenizer;
    var tokenizer = function (str) {
        if (!indexIsCjk()) {
            return original.apply(this, arguments);
        }
        if (!arguments.length || str === null || str === undefined) {
            return [];
        }
        if (Array.isArray(str)) {
            str = str.filter(function (s) { return s !== null && s !== undefined; }).join(' ');
        }
        return tokenizeQuery(str);
    };
    // Keep elasticlunr's helpers (seperator, setSeperator, …) reachable.
    Object.keys(original).forEach(function (key) {
        tokenizer[key] = original[key];
    });
    elasticlunr.tokenizer = tokenizer;

    // ---- An index mdBook wrote itself ------------------------------------
    //
    // `guide build` rewrites the index after rendering. `mdbook serve` and a
    // plain `mdbook build` have no step after the renderer, so their index is
    // stock. When searcher.js loads such an index, build the bigram index
    // here instead, from the section texts the index already carries (its
    // `documentStore`), with the tokens `tokenize_index` in search.rs gives
    // (words, and each Hanzi run as its single characters and bigrams). It
    // happens once per page, the first time search is opened.

    function tokenizeIndex(text) {
        var tokens = [];
        runs(text).forEach(function (run) {
            if (run.word !== undefined) {
                tokens.push(run.word);
                return;
            }
            run.cjk.forEach(function (c) { tokens.push(c); });
            for (var i = 0; i + 1 < run.cjk.length; i++) {
                tokens.push(run.cjk[i] + run.cjk[i + 1]);
            }
        });
        return tokens;
    }

    var building = false;
    var queryTokenizer = elasticlunr.tokenizer;
    elasticlunr.tokenizer = function (str) {
        if (!building) {
            return queryTokenizer.apply(this, arguments);
        }
        if (str === null || str === undefined) {
            return [];
        }
        return tokenizeIndex(Array.isArray(str) ? str.join(' ') : String(str));
    };
    Object.keys(original).forEach(function (key) {
        elasticlunr.tokenizer[key] = original[key];
    });

    function rebuild(stock) {
        var idx = new elasticlunr.Index();
        // An empty pipeline: elasticlunr's trimmer deletes every Hanzi.
        idx.setRef(stock.ref);
        stock.fields.forEach(function (f) { idx.addField(f); });
        idx.saveDocument(true);
        var docs = stock.documentStore.docs;
        building = true;
        try {
            Object.keys(docs).forEach(function (ref) { idx.addDoc(docs[ref]); });
        } finally {
            building = false;
        }
        return idx;
    }

    var load = elasticlunr.Index.load;
    elasticlunr.Index.load = function (serialised) {
        if (window.search && !window.search.cjk_bigrams && serialised &&
            serialised.documentStore && serialised.documentStore.docs) {
            var idx = rebuild(serialised);
            window.search.cjk_bigrams = {single_chars: true, version: 1, built_in_browser: true};
            return idx;
        }
        return load.apply(this, arguments);
    };

    // For tests (crates/guide/tests/site.rs, .ci/browser).
    window.cjkSearch = {tokenizeQuery: tokenizeQuery, tokenizeIndex: tokenizeIndex};

    // ---- Teasers ---------------------------------------------------------

    function escapeHtml(s) {
        return s.replace(/[&<>'"]/g, function (c) {
            return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\'': '&#39;'}[c];
        });
    }

    // Ranges [start, end) of `body` matching any query term: a whole term if
    // it occurs, else its bigrams.
    function matches(body, query) {
        var lower = body.toLowerCase();
        var needles = [];
        query.toLowerCase().split(/\s+/).forEach(function (term) {
            if (!term) {
                return;
            }
            if (lower.indexOf(term) >= 0) {
                needles.push(term);
            } else {
                tokenizeQuery(term).forEach(function (t) { needles.push(t); });
            }
        });
        var ranges = [];
        needles.forEach(function (n) {
            for (var at = lower.indexOf(n); at >= 0 && n.length; at = lower.indexOf(n, at + n.length)) {
                ranges.push([at, at + n.length]);
            }
        });
        ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
        var merged = [];
        ranges.forEach(function (r) {
            var last = merged[merged.length - 1];
            if (last && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.push([r[0], r[1]]);
            }
        });
        return merged;
    }

    function teaser(body, query) {
        var ranges = matches(body, query);
        var start = 0;
        if (ranges.length) {
            start = Math.max(0, ranges[0][0] - Math.floor(TEASER_CHARS / 4));
        }
        var end = Math.min(body.length, start + TEASER_CHARS);
        var html = start > 0 ? '…' : '';
        var at = start;
        ranges.forEach(function (r) {
            var a = Math.max(r[0], start);
            var b = Math.min(r[1], end);
            if (a >= b || a < at) {
                return;
            }
            html += escapeHtml(body.substring(at, a)) + '<em>' + escapeHtml(body.substring(a, b)) + '</em>';
            at = b;
        });
        html += escapeHtml(body.substring(at, end)) + (end < body.length ? '…' : '');
        return html;
    }

    function docRefOf(link) {
        var urls = window.search && window.search.doc_urls;
        if (!urls) {
            return null;
        }
        // href is path_to_root + page + '?highlight=…' + '#' + anchor.
        var href = link.getAttribute('href') || '';
        var root = typeof path_to_root === 'string' ? path_to_root : '';
        if (href.indexOf(root) === 0) {
            href = href.substring(root.length);
        }
        var hash = href.indexOf('#');
        var anchor = hash >= 0 ? href.substring(hash + 1) : '';
        var page = href.replace(/[?#].*$/, '');
        var url = anchor ? page + '#' + anchor : page;
        var ref = urls.indexOf(url);
        return ref >= 0 ? ref : null;
    }

    function improveTeasers() {
        if (!indexIsCjk()) {
            return;
        }
        var bar = document.getElementById('mdbook-searchbar');
        var list = document.getElementById('mdbook-searchresults');
        var docs = window.search.index && window.search.index.documentStore &&
            window.search.index.documentStore.docs;
        if (!bar || !list || !docs) {
            return;
        }
        var query = bar.value.trim();
        Array.prototype.forEach.call(list.children, function (li) {
            var link = li.querySelector('a');
            var span = li.querySelector('.teaser');
            if (!link || !span || span.dataset.cjk === query) {
                return;
            }
            var ref = docRefOf(link);
            if (ref === null || !docs[ref]) {
                return;
            }
            span.innerHTML = teaser(docs[ref].body || '', query);
            span.dataset.cjk = query;
        });
    }

    var results = document.getElementById('mdbook-searchresults');
    if (results && typeof MutationObserver !== 'undefined') {
        new MutationObserver(improveTeasers).observe(results, {childList: true});
    }
})();
