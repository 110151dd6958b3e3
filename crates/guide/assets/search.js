/*
 * The book's Chinese full-text search, in the browser.
 *
 * `guide build` writes this file to <site>/guide-search/search.js, next to
 * the index it reads (crates/guide/src/search.rs writes the index and
 * implements the same tokens and ranking in Rust; docs/search.md gives the
 * format; the site test compares both on every glossary term). index.hbs has
 * a tiny loader that inserts this script only when the reader first wants
 * search (the search button, S or /, or a `?search=` / `?highlight=` link),
 * so pages cost nothing until then.
 *
 * Every data file is a script calling `window.__guideSearch.put(key, value)`
 * (JSONP, so that search also works from file://, where fetch() of local
 * files is refused):
 *   guide-search/index.js          "index"  the manifest (version, dir, v, shards, docs, prefix search)
 *   guide-search/data/s<k>.js      "s<k>"   postings of the tokens hashed into shard k
 *   guide-search/data/words.js     "words"  the sorted word tokens, for prefix search
 *   guide-search/data/d<n>.js      "d<n>"   section n: url, title, breadcrumbs, body
 * A query loads the manifest, the few shards its tokens hash to, and the
 * sections it shows: its cost does not grow with the book.
 *
 * Two parts: a pure core (tokenizer, hashing, BM25F ranking) that needs no
 * DOM, so that node can run it in a `vm` context and compare it with the
 * Rust side (window.guideSearchCore); and the interface, which drives
 * mdBook's search bar (the ids of mdBook 0.5.4's index.hbs, which ours keeps)
 * and replaces mdBook's searcher.js, elasticlunr and mark.js.
 */
(function (window) {
    'use strict';

    // ---- Core: tokens ----------------------------------------------------

    // Longer "words" are noise (hashes, base64), and both sides drop them.
    const MAX_WORD_CHARS = 80;

    // Characters indexed as CJK: each alone and each overlapping pair
    // (Chinese has no spaces, so a bigram index finds any substring of two
    // or more characters). Keep identical to `is_cjk` in search.rs.
    function isCjk(cp) {
        return cp === 0x3005 || cp === 0x3007 ||
            (cp >= 0x3040 && cp <= 0x309F) ||
            (cp >= 0x30A0 && cp <= 0x30FA) || (cp >= 0x30FC && cp <= 0x30FF) ||
            (cp >= 0x3400 && cp <= 0x4DBF) ||
            (cp >= 0x4E00 && cp <= 0x9FFF) ||
            (cp >= 0xAC00 && cp <= 0xD7AF) ||
            (cp >= 0xF900 && cp <= 0xFAFF);
    }

    const WORD_CHAR = /^[\p{Alphabetic}\p{N}_]$/u;

    // Astral characters (emoji, rare Hanzi) separate words, as in search.rs.
    function isWord(ch, cp) {
        return cp < 0x10000 && WORD_CHAR.test(ch);
    }

    // The lower-cased text as runs: {word: 'softmax'} or {cjk: ['注', '意']}.
    function runs(text) {
        const out = [];
        let word = [];
        let cjk = [];
        const flushWord = () => {
            if (word.length) {
                if (word.length <= MAX_WORD_CHARS) {
                    out.push({word: word.join('')});
                }
                word = [];
            }
        };
        const flushCjk = () => {
            if (cjk.length) {
                out.push({cjk: cjk});
                cjk = [];
            }
        };
        // for…of walks code points, so an astral character is one separator.
        for (const ch of String(text).toLowerCase()) {
            const cp = ch.codePointAt(0);
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

    // The tokens of a query: a run of two or more CJK characters gives its
    // bigrams only (single characters would match nearly every section),
    // so that all of them together behave like a substring search.
    function tokenizeQuery(text) {
        const tokens = [];
        const seen = new Set();
        const push = (t) => {
            if (!seen.has(t)) {
                seen.add(t);
                tokens.push(t);
            }
        };
        for (const run of runs(text)) {
            if (run.word !== undefined) {
                push(run.word);
            } else if (run.cjk.length === 1) {
                push(run.cjk[0]);
            } else {
                for (let i = 0; i + 1 < run.cjk.length; i++) {
                    push(run.cjk[i] + run.cjk[i + 1]);
                }
            }
        }
        return tokens;
    }

    // ---- Core: shards ----------------------------------------------------

    // FNV-1a 32-bit over the UTF-8 bytes. The UTF-8 encoding is done by
    // hand: TextEncoder is not there in a bare vm context.
    function fnv1a(str) {
        let h = 0x811c9dc5;
        const byte = (b) => {
            h = Math.imul(h ^ b, 0x01000193) >>> 0;
        };
        for (const ch of String(str)) {
            const cp = ch.codePointAt(0);
            if (cp < 0x80) {
                byte(cp);
            } else if (cp < 0x800) {
                byte(0xC0 | (cp >> 6));
                byte(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                byte(0xE0 | (cp >> 12));
                byte(0x80 | ((cp >> 6) & 0x3F));
                byte(0x80 | (cp & 0x3F));
            } else {
                byte(0xF0 | (cp >> 18));
                byte(0x80 | ((cp >> 12) & 0x3F));
                byte(0x80 | ((cp >> 6) & 0x3F));
                byte(0x80 | (cp & 0x3F));
            }
        }
        return h >>> 0;
    }

    // `shards` is a power of two.
    function shardOf(token, shards) {
        return fnv1a(token) & (shards - 1);
    }

    // ---- Core: query plan and ranking --------------------------------------

    // First index i with words[i] >= w (words are sorted by UTF-16 code
    // units, which is how `<` compares strings).
    function lowerBound(words, w) {
        let lo = 0;
        let hi = words.length;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (words[mid] < w) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // Whether the query's last token is a word, whose prefix expansion
    // needs the word list (data/words.js, loaded only then).
    function needsWords(query) {
        const tokens = tokenizeQuery(query);
        return tokens.length > 0 && !isCjk(tokens[tokens.length - 1].codePointAt(0));
    }

    // UTF-16 code unit order, as Rust's `encode_utf16().cmp()`; `<` on
    // strings is the same order.
    function byLengthThenUnits(a, b) {
        return (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0);
    }

    // One group per query token: the alternatives that satisfy it, each
    // [token, factor]. Every token must occur as it is, except the query's
    // last one when it is a word: it also stands for up to max_expansions
    // longer words it begins, shortest first, at a lower weight (typing
    // "atten" finds "attention"). A word of fewer than min_prefix characters
    // is not expanded ("k" would stand for hundreds of words). `words` is
    // the list of data/words.js, needed only when needsWords(query).
    function groupsOf(manifest, query, words) {
        const tokens = tokenizeQuery(query);
        return tokens.map((token, at) => {
            if (at + 1 < tokens.length || isCjk(token.codePointAt(0))) {
                return [[token, 1]];
            }
            const list = words || [];
            const group = [];
            let i = lowerBound(list, token);
            if (i < list.length && list[i] === token) {
                group.push([token, 1]);
                i++;
            }
            if ([...token].length >= manifest.min_prefix) {
                const longer = [];
                for (; i < list.length && list[i].startsWith(token); i++) {
                    longer.push(list[i]);
                }
                longer.sort(byLengthThenUnits);
                for (const w of longer.slice(0, manifest.max_expansions)) {
                    group.push([w, manifest.prefix_weight]);
                }
            }
            return group;
        });
    }

    // The shards a query needs, ascending: the browser loads them before it
    // ranks (in parallel), node's getShard reads them from disk.
    function shardsFor(manifest, query, words) {
        const shards = new Set();
        for (const group of groupsOf(manifest, query, words)) {
            for (const [token] of group) {
                shards.add(shardOf(token, manifest.shards));
            }
        }
        return [...shards].sort((a, b) => a - b);
    }

    // The posting list of `token` ([d, tt, tb, tc, d, …]), or null.
    function postingsOf(manifest, getShard, token) {
        const shard = getShard(shardOf(token, manifest.shards));
        if (!shard || !Object.prototype.hasOwnProperty.call(shard, token)) {
            return null;
        }
        const list = shard[token];
        return Array.isArray(list) && list.length ? list : null;
    }

    // BM25F of every section in a posting list [d, w, d, w, …]: Map
    // section -> score. The index holds each section's length-normalised,
    // field-weighted term weight w (in thousandths); the query side adds
    // the token's idf, which depends on how many sections hold it.
    function bm25(manifest, list) {
        const n = manifest.docs;
        const df = list.length / 2;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        const scores = new Map();
        for (let i = 0; i + 1 < list.length; i += 2) {
            scores.set(list[i], idf * list[i + 1] / 1000);
        }
        return scores;
    }

    // Scores are compared rounded to 9 significant digits (as round_score
    // in search.rs), so that the last bits of `ln`, which may differ between
    // Rust's libm and V8, do not reorder ties; ties go to the earlier section.
    function roundScore(s) {
        if (s === 0 || !isFinite(s)) {
            return s;
        }
        const scale = Math.pow(10, 8 - Math.floor(Math.log10(Math.abs(s))));
        return Math.round(s * scale) / scale;
    }

    // The ranked section numbers (all hits) for `query`. getShard(k) returns
    // shard k's object, or null when the shard is missing (an empty shard
    // is not written).
    function search(manifest, query, getShard, words) {
        const groups = groupsOf(manifest, query, words);
        if (!groups.length) {
            return [];
        }
        let total = null; // Map section -> score, over the groups so far
        for (const group of groups) {
            // Best factor * bm25 over the group's alternatives, per section.
            const best = new Map();
            for (const [token, factor] of group) {
                const list = postingsOf(manifest, getShard, token);
                if (!list) {
                    continue;
                }
                for (const [d, s] of bm25(manifest, list)) {
                    const v = factor * s;
                    const old = best.get(d);
                    if (old === undefined || v > old) {
                        best.set(d, v);
                    }
                }
            }
            if (!best.size) {
                return []; // boolean AND: a token nothing matches
            }
            if (total === null) {
                total = best;
            } else {
                const next = new Map();
                for (const [d, s] of total) {
                    const v = best.get(d);
                    if (v !== undefined) {
                        next.set(d, s + v);
                    }
                }
                total = next;
                if (!total.size) {
                    return [];
                }
            }
        }
        const hits = [...total].map(([d, s]) => [d, roundScore(s)]);
        hits.sort((x, y) => (y[1] - x[1]) || (x[0] - y[0]));
        return hits.map((h) => h[0]);
    }

    // For the site test, which runs this file in node and compares the
    // ranking with the Rust model (crates/guide/tests/site.rs).
    window.guideSearchCore = {
        tokenizeQuery: tokenizeQuery,
        search: search,
    };

    // ---- Matching for teasers and page highlights ------------------------

    // toLowerCase() that keeps every index where it was (a few characters,
    // like 'İ', lower-case to two code units): offsets found in the result
    // are offsets in the original.
    function lowerKeepingIndices(s) {
        const lower = s.toLowerCase();
        if (lower.length === s.length) {
            return lower;
        }
        let out = '';
        for (const ch of s) {
            const l = ch.toLowerCase();
            out += l.length === ch.length ? l : ch;
        }
        return out;
    }

    // What to highlight for `query` in text whose lower-cased form is
    // `lowerText`: each whitespace-separated term as a whole where the text
    // has it, else the term's tokens (a Chinese phrase split across a line
    // break still shows its bigrams).
    function needlesFor(lowerText, query) {
        const needles = [];
        for (const term of query.toLowerCase().split(/\s+/)) {
            if (!term) {
                continue;
            }
            if (lowerText.includes(term)) {
                needles.push(term);
            } else {
                needles.push(...tokenizeQuery(term));
            }
        }
        return needles;
    }

    // Sorted, merged [start, end) ranges of the needles in lowerText.
    function rangesOf(lowerText, needles) {
        const ranges = [];
        for (const n of needles) {
            if (!n) {
                continue;
            }
            for (let at = lowerText.indexOf(n); at >= 0; at = lowerText.indexOf(n, at + n.length)) {
                ranges.push([at, at + n.length]);
            }
        }
        ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
        const merged = [];
        for (const r of ranges) {
            const last = merged[merged.length - 1];
            if (last && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.push([r[0], r[1]]);
            }
        }
        return merged;
    }

    // ---- Interface ---------------------------------------------------------

    // Without a DOM (node's vm), the core is all there is.
    if (typeof document === 'undefined') {
        return;
    }

    const RESULTS_PER_PAGE = 10;
    const TEASER_CHARS = 120;
    const DEBOUNCE_MS = 100;
    const SEARCH_PARAM = 'search';
    const MARK_PARAM = 'highlight';

    const root = typeof path_to_root === 'string' ? path_to_root : ''; // eslint-disable-line no-undef
    const base = root + 'guide-search/';

    // ---- Loading data files ------------------------------------------------

    // key -> {promise, resolve, value, done}: each file is loaded at most once.
    const files = new Map();

    function entry(key) {
        let e = files.get(key);
        if (!e) {
            e = {done: false, value: null, started: false};
            e.promise = new Promise((resolve) => {
                e.resolve = resolve;
            });
            files.set(key, e);
        }
        return e;
    }

    function settle(key, value) {
        const e = entry(key);
        if (!e.done) {
            e.done = true;
            e.value = value;
            e.resolve(value);
        }
    }

    // Called by every data file.
    const api = window.__guideSearch || {};
    api.put = (key, value) => settle(String(key), value);
    window.__guideSearch = api;

    // Resolves to the file's value, or null when it failed to load (a
    // missing shard is an empty one) or did not call put().
    function load(key, src) {
        const e = entry(key);
        if (!e.started && !e.done) {
            e.started = true;
            const script = document.createElement('script');
            script.src = src;
            script.async = true;
            // A script's load event comes after it ran: put() was called by
            // then if it ever will be.
            script.onload = () => {
                settle(key, null);
                script.remove();
            };
            script.onerror = () => {
                settle(key, null);
                script.remove();
            };
            document.head.appendChild(script);
        }
        return e.promise;
    }

    let manifest = null;

    function loadManifest() {
        return load('index', base + 'index.js').then((m) => {
            if (!m || m.version !== 2 || !m.dir || !m.shards) {
                throw new Error('no search index of version 2');
            }
            manifest = m;
            return m;
        });
    }

    // Data URLs carry the manifest's hash (`?v=`): a browser that cached
    // files of an earlier build does not mix them with this build's.
    function dataUrl(key) {
        return base + manifest.dir + '/' + key + '.js?v=' + encodeURIComponent(manifest.v);
    }

    function loadShard(k) {
        return load('s' + k, dataUrl('s' + k));
    }

    function loadSection(n) {
        return load('d' + n, dataUrl('d' + n));
    }

    // The word list, for the prefix search of a query's last word.
    let words = null;

    function loadWords(query) {
        if (words || !needsWords(query)) {
            return Promise.resolve(words);
        }
        return load('words', dataUrl('words')).then((w) => {
            words = w || [];
            return words;
        });
    }

    // The loaded shard k (null when missing): getShard for the core, once
    // shardsFor() have all been loaded.
    function loadedShard(k) {
        const e = files.get('s' + k);
        return e && e.done ? e.value : null;
    }

    // ---- The page's elements -------------------------------------------------

    const el = (id) => document.getElementById(id);
    let wrapper, outer, searchbar, resultsOuter, header, results, toggle, content, more;

    function hasFocus() {
        return !!searchbar && searchbar === document.activeElement;
    }

    // book.js asks whether the search bar has the focus before it handles
    // its own keys (arrows turn pages).
    window.search = window.search || {};
    window.search.hasFocus = hasFocus;

    // ---- URL parameters --------------------------------------------------------

    function param(name) {
        return new URL(window.location.href).searchParams.get(name);
    }

    // ?search= follows what is typed: the first search of a visit adds a
    // history entry (Back returns to the page as it was), later keystrokes
    // replace it. An empty query removes the parameter.
    function setSearchParam(query, how) {
        const url = new URL(window.location.href);
        const first = !url.searchParams.has(SEARCH_PARAM);
        url.searchParams.delete(MARK_PARAM);
        if (query) {
            url.searchParams.set(SEARCH_PARAM, query);
            url.hash = '';
        } else {
            url.searchParams.delete(SEARCH_PARAM);
        }
        if (url.href === window.location.href) {
            return;
        }
        if (how === 'push' || (how === 'auto' && first && query)) {
            window.history.pushState({}, document.title, url.href);
        } else {
            window.history.replaceState({}, document.title, url.href);
        }
    }

    // ---- Showing and hiding ------------------------------------------------

    function isOpen() {
        return !wrapper.classList.contains('hidden');
    }

    function showSearch(yes) {
        wrapper.classList.toggle('hidden', !yes);
        if (toggle) {
            toggle.setAttribute('aria-expanded', yes ? 'true' : 'false');
        }
        if (!yes) {
            for (const li of results.querySelectorAll('li.focus')) {
                li.classList.remove('focus');
            }
        }
    }

    function openAndFocus() {
        showSearch(true);
        window.scrollTo(0, 0);
        searchbar.focus();
        searchbar.select();
    }

    function showResults(yes) {
        resultsOuter.classList.toggle('hidden', !yes);
    }

    // ---- Searching -----------------------------------------------------------

    let generation = 0; // bumped by every search: older async work is stale
    let shownQuery = null; // the query whose results are on screen
    let requested = null; // the query last searched for (maybe still loading)
    let hits = []; // its ranked section numbers
    let shown = 0; // how many of them are in the list
    let timer = null;
    let loadingMore = false;

    function setBusy(yes) {
        outer.classList.toggle('searching', yes);
    }

    function clearResults() {
        results.textContent = '';
        header.textContent = '';
        more.hidden = true;
        hits = [];
        shown = 0;
    }

    function onInput(e) {
        // While an input method composes (pinyin), the box holds Latin
        // letters that are not the query yet: wait for compositionend.
        if (e && e.isComposing) {
            return;
        }
        window.clearTimeout(timer);
        timer = window.setTimeout(() => {
            timer = null;
            const query = searchbar.value.trim();
            setSearchParam(query, 'auto');
            unmark();
            runSearch(query);
        }, DEBOUNCE_MS);
    }

    function runSearch(query) {
        if (query === requested) {
            return Promise.resolve();
        }
        requested = query;
        const gen = ++generation;
        searchbar.classList.toggle('active', query !== '');
        if (!query) {
            shownQuery = '';
            clearResults();
            showResults(false);
            setBusy(false);
            return Promise.resolve();
        }
        setBusy(true);
        return (manifest ? Promise.resolve(manifest) : loadManifest())
            .then((m) => loadWords(query).then((w) => Promise.all(shardsFor(m, query, w).map(loadShard))))
            .then(() => {
                if (gen !== generation) {
                    return null;
                }
                const ranked = search(manifest, query, loadedShard, words);
                return loadSections(ranked.slice(0, RESULTS_PER_PAGE)).then(() => ranked);
            })
            .then((ranked) => {
                if (ranked === null || gen !== generation) {
                    return;
                }
                shownQuery = query;
                hits = ranked;
                shown = 0;
                results.textContent = '';
                header.textContent = ranked.length
                    ? '找到 ' + ranked.length + ' 条与“' + query + '”相关的结果：'
                    : '没有找到与“' + query + '”相关的结果。';
                appendResults(RESULTS_PER_PAGE);
                showResults(true);
                setBusy(false);
            })
            .catch(() => {
                if (gen !== generation) {
                    return;
                }
                shownQuery = null;
                requested = null;
                clearResults();
                header.textContent = '搜索索引加载失败，请刷新页面重试。';
                showResults(true);
                setBusy(false);
            });
    }

    function loadSections(numbers) {
        return Promise.all(numbers.map(loadSection));
    }

    // Appends the next `count` hits (their sections are loaded) and updates
    // the "more" button.
    function appendResults(count) {
        const end = Math.min(hits.length, shown + count);
        for (let i = shown; i < end; i++) {
            const e = files.get('d' + hits[i]);
            const doc = e && e.value;
            if (doc) {
                results.appendChild(resultItem(doc, shownQuery));
            }
        }
        shown = end;
        const left = hits.length - shown;
        more.hidden = left <= 0;
        more.textContent = '显示更多结果（还有 ' + left + ' 条）';
    }

    function showMore() {
        const gen = generation;
        const next = hits.slice(shown, shown + RESULTS_PER_PAGE);
        if (!next.length) {
            return;
        }
        if (loadingMore) {
            return; // a second click while the first one loads
        }
        loadingMore = true;
        const first = results.children.length;
        setBusy(true);
        loadSections(next).then(() => {
            loadingMore = false;
            setBusy(false);
            if (gen !== generation) {
                return;
            }
            const wasFocused = document.activeElement === more;
            appendResults(RESULTS_PER_PAGE);
            // Keep keyboard users where they were: on the button, or on the
            // first new result when the button went away.
            const li = results.children[first];
            if (li && wasFocused && more.hidden) {
                focusItem(li);
            }
        });
    }

    // <li><a href="…?highlight=q#anchor">breadcrumbs</a><span class="teaser">…</span></li>,
    // built with DOM calls: nothing from the index is parsed as HTML.
    function resultItem(doc, query) {
        const url = String(doc.url || '');
        const hash = url.indexOf('#');
        const pagePart = hash >= 0 ? url.substring(0, hash) : url;
        const anchor = hash >= 0 ? url.substring(hash + 1) : '';
        const li = document.createElement('li');
        const a = document.createElement('a');
        a.setAttribute('href', root + pagePart + '?' + MARK_PARAM + '=' + encodeURIComponent(query)
            + (anchor ? '#' + anchor : ''));
        a.textContent = doc.breadcrumbs || doc.title || pagePart;
        const teaser = document.createElement('span');
        teaser.className = 'teaser';
        appendTeaser(teaser, String(doc.body || ''), query);
        li.appendChild(a);
        li.appendChild(teaser);
        return li;
    }

    // About TEASER_CHARS characters of the body around the first match,
    // the matches in <em>, '…' where the body was cut.
    function appendTeaser(span, body, query) {
        const lower = lowerKeepingIndices(body);
        const ranges = rangesOf(lower, needlesFor(lower, query));
        let start = 0;
        if (ranges.length) {
            // A quarter of the window before the match, for context.
            start = Math.max(0, ranges[0][0] - Math.floor(TEASER_CHARS / 4));
        }
        let end = Math.min(body.length, start + TEASER_CHARS);
        start = Math.max(0, Math.min(start, end - TEASER_CHARS));
        // Never cut a surrogate pair in half.
        const low = (i) => i > 0 && i < body.length && (body.charCodeAt(i) & 0xFC00) === 0xDC00;
        if (low(start)) {
            start--;
        }
        if (low(end)) {
            end++;
        }
        const text = (s) => span.appendChild(document.createTextNode(s));
        if (start > 0) {
            text('…');
        }
        let at = start;
        for (const [a0, b0] of ranges) {
            const a = Math.max(a0, at);
            const b = Math.min(b0, end);
            if (a >= b) {
                continue;
            }
            if (a > at) {
                text(body.substring(at, a));
            }
            const em = document.createElement('em');
            em.textContent = body.substring(a, b);
            span.appendChild(em);
            at = b;
        }
        if (end > at) {
            text(body.substring(at, end));
        }
        if (end < body.length) {
            text('…');
        }
    }

    // ---- Keyboard ----------------------------------------------------------

    function focusItem(li) {
        for (const other of results.querySelectorAll('li.focus')) {
            other.classList.remove('focus');
        }
        li.classList.add('focus');
        const a = li.querySelector('a');
        if (a) {
            a.focus();
        }
    }

    function focusedItem() {
        const active = document.activeElement;
        const li = active && active.closest ? active.closest('#mdbook-searchresults > li') : null;
        return li || results.querySelector('li.focus');
    }

    function somethingElseHasFocus(e) {
        if (typeof mdbook_something_else_has_focus === 'function') { // eslint-disable-line camelcase
            return mdbook_something_else_has_focus(e); // eslint-disable-line no-undef
        }
        const target = (e.composedPath && e.composedPath()[0]) || e.target;
        return /^(?:input|select|textarea)$/i.test(target.nodeName) || !!target.isContentEditable;
    }

    function onKeydown(e) {
        if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.isComposing) {
            return;
        }
        const inBar = hasFocus();
        const inResults = !inBar && resultsOuter.contains(document.activeElement);
        if (!inBar && !inResults && somethingElseHasFocus(e)) {
            return;
        }
        if (e.key === 'Escape') {
            if (!isOpen() && !document.querySelector('mark.guide-mark')) {
                return;
            }
            e.preventDefault();
            window.clearTimeout(timer);
            searchbar.classList.remove('active');
            setSearchParam('', 'replace');
            if (inBar || inResults) {
                searchbar.blur();
                if (document.activeElement && document.activeElement !== document.body) {
                    document.activeElement.blur();
                }
            }
            showSearch(false);
            unmark();
        } else if (!inBar && !inResults && (e.key === 's' || e.key === '/')) {
            e.preventDefault();
            openAndFocus();
        } else if (inBar && (e.key === 'ArrowDown' || e.key === 'Enter')) {
            e.preventDefault();
            const first = results.firstElementChild;
            if (!first) {
                return; // nothing to open
            }
            if (e.key === 'Enter') {
                const a = first.querySelector('a');
                if (a) {
                    window.location.assign(a.href);
                }
            } else {
                focusItem(first);
            }
        } else if (inResults && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
            if (document.activeElement === more) {
                // The "more" button comes after the last result.
                if (e.key === 'ArrowUp' && results.lastElementChild) {
                    e.preventDefault();
                    focusItem(results.lastElementChild);
                }
                return;
            }
            const li = focusedItem();
            if (!li) {
                return;
            }
            e.preventDefault();
            if (e.key === 'ArrowDown') {
                if (li.nextElementSibling) {
                    focusItem(li.nextElementSibling);
                } else if (!more.hidden) {
                    li.classList.remove('focus');
                    more.focus();
                }
            } else {
                li.classList.remove('focus');
                if (li.previousElementSibling) {
                    focusItem(li.previousElementSibling);
                } else {
                    searchbar.focus();
                    searchbar.select();
                }
            }
        }
        // Enter on a focused result is the link's own: the browser opens it.
    }

    // ---- ?highlight= on the page ---------------------------------------------

    // Elements whose text is not marked: SVG text does not render inside
    // <mark>, and KaTeX's HTML is positioned glyph by glyph.
    const SKIP = 'script, style, svg, noscript, textarea, .katex, mark';

    function mark(query) {
        const main = content && (content.querySelector('main') || content);
        if (!main || !query.trim()) {
            return;
        }
        const needles = needlesFor(lowerKeepingIndices(main.textContent), query);
        if (!needles.length) {
            return;
        }
        const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
            acceptNode: (node) => (node.parentElement && node.parentElement.closest(SKIP)
                ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
        });
        const nodes = [];
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            nodes.push(n);
        }
        const marks = [];
        for (const node of nodes) {
            const textValue = node.nodeValue;
            const ranges = rangesOf(lowerKeepingIndices(textValue), needles);
            if (!ranges.length) {
                continue;
            }
            const frag = document.createDocumentFragment();
            let at = 0;
            for (const [a, b] of ranges) {
                if (a > at) {
                    frag.appendChild(document.createTextNode(textValue.substring(at, a)));
                }
                const m = document.createElement('mark');
                m.className = 'guide-mark';
                m.textContent = textValue.substring(a, b);
                frag.appendChild(m);
                marks.push(m);
                at = b;
            }
            if (at < textValue.length) {
                frag.appendChild(document.createTextNode(textValue.substring(at)));
            }
            node.parentNode.replaceChild(frag, node);
        }
        // Clicking a highlight dismisses them all, and the parameter, so
        // that moving around the page does not bring them back.
        for (const m of marks) {
            m.addEventListener('click', () => {
                unmark();
                const url = new URL(window.location.href);
                if (url.searchParams.has(MARK_PARAM)) {
                    url.searchParams.delete(MARK_PARAM);
                    window.history.replaceState({}, document.title, url.href);
                }
            });
        }
    }

    function unmark() {
        const parents = new Set();
        for (const m of document.querySelectorAll('mark.guide-mark')) {
            const parent = m.parentNode;
            parent.replaceChild(document.createTextNode(m.textContent), m);
            parents.add(parent);
        }
        for (const p of parents) {
            p.normalize();
        }
    }

    // ?search= opens the search with that query (a shared link, Back and
    // Forward); ?highlight= marks the words on the page.
    function fromUrl(onLoad) {
        const query = (param(SEARCH_PARAM) || '').trim();
        if (query) {
            showSearch(true);
            searchbar.value = query;
            if (onLoad) {
                searchbar.focus({preventScroll: true}); // arrows reach the results
            }
            runSearch(query);
        } else if (!onLoad) {
            showSearch(false);
        }
        const words = param(MARK_PARAM);
        if (words && !document.querySelector('mark.guide-mark')) {
            mark(words);
        }
    }

    // ---- Start ---------------------------------------------------------------

    function start() {
        wrapper = el('mdbook-search-wrapper');
        outer = el('mdbook-searchbar-outer');
        searchbar = el('mdbook-searchbar');
        resultsOuter = el('mdbook-searchresults-outer');
        header = el('mdbook-searchresults-header');
        results = el('mdbook-searchresults');
        toggle = el('mdbook-search-toggle');
        content = el('mdbook-content');
        if (!wrapper || !outer || !searchbar || !resultsOuter || !header || !results) {
            return; // search is off in this book
        }

        // The loader in index.hbs handled the first click or key, and may
        // have opened the box already: from now on this file does it all.
        const pending = window.__guideSearchPending || {};
        if (typeof pending.detach === 'function') {
            pending.detach();
        }
        window.__guideSearchPending = {ready: true};

        // The button that shows the next results, after the list.
        more = document.createElement('button');
        more.type = 'button';
        more.id = 'guide-search-more';
        more.className = 'guide-search-more';
        more.hidden = true;
        more.addEventListener('click', showMore);
        results.insertAdjacentElement('afterend', more);

        if (toggle) {
            toggle.addEventListener('click', () => {
                if (isOpen()) {
                    showSearch(false);
                } else {
                    openAndFocus();
                }
            });
        }
        searchbar.addEventListener('input', onInput);
        searchbar.addEventListener('compositionend', () => onInput());
        // Screen readers announce the number of results.
        header.setAttribute('aria-live', 'polite');
        document.addEventListener('keydown', onKeydown);
        // Enter in the search bar must not reload the page.
        outer.addEventListener('submit', (e) => e.preventDefault());
        window.addEventListener('popstate', () => fromUrl(false));
        // A result link clicked with the mouse is the one "focused".
        results.addEventListener('focusin', (e) => {
            const li = e.target.closest && e.target.closest('#mdbook-searchresults > li');
            if (li) {
                for (const other of results.querySelectorAll('li.focus')) {
                    if (other !== li) {
                        other.classList.remove('focus');
                    }
                }
                li.classList.add('focus');
            }
        });

        if (pending.open && !isOpen()) {
            openAndFocus();
        }
        setBusy(false);
        fromUrl(true);
        // Whatever was typed while this file was loading.
        const typed = searchbar.value.trim();
        if (isOpen() && typed && typed !== requested) {
            setSearchParam(typed, 'auto');
            runSearch(typed);
        }
    }

    // Wait for the deferred scripts (highlight.js rewrites code blocks: marks
    // put in before it would be lost, and it warns about the HTML).
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
})(typeof window !== 'undefined' ? window : this);
