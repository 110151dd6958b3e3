// The rendered book in a real browser (Debian's headless Chromium).
//
// Usage: node .ci/browser/site-test.mjs [HTML_DIR]      (default: book/book)
// Env:   SEARCH_TERMS=词1,词2      extra Chinese queries that must find something
//        SCREENSHOT_THEMES=light,navy,coal,ayu,rust   (default: light,navy)
//        SCREENSHOT_DIR=target/screenshots
//
// Serves HTML_DIR on 127.0.0.1 and checks, on every page: no console error or
// warning, no uncaught exception, no 4xx, no request leaving loopback (each
// one is aborted and reported), no KaTeX error, and on pages with maths that
// the KaTeX fonts (self-hosted) actually loaded. Then types Chinese queries
// into mdBook's search bar and expects hits, and saves screenshots of three
// pages (maths, example blocks, admonitions) in each theme. The same Chinese
// queries opened from a shared link (`?search=`) must give the same hits as
// typing them. Search is `guide build`'s own (guide-search/search.js, loaded
// on first use): no page loads any of it until asked; each query, in a fresh
// browser, fetches at most 300 KB of it; `?highlight=` marks the words on
// the page; `/` on a fresh page opens it; "显示更多结果" shows more. Every page, at 360 px, must not scroll sideways, and every box
// that does scroll must be reachable by keyboard. mdBook's interface must be
// in Chinese. Finally axe-core (WCAG 2.1 A/AA + best practice) must find no
// violation on any page in any of the five themes (AXE=0 skips this part).
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, serve, launch, offlineContext, htmlPages, pageUrl } from './lib.mjs';
import { THEMES, axeViolations, themed } from './axe-lib.mjs';

const htmlDir = path.resolve(process.argv[2] || path.join(ROOT, 'book', 'book'));
const shotDir = path.resolve(process.env.SCREENSHOT_DIR || path.join(ROOT, 'target', 'screenshots'));
const themes = (process.env.SCREENSHOT_THEMES || 'light,navy').split(',').filter(Boolean);
const extraTerms = (process.env.SEARCH_TERMS || '').split(',').map((s) => s.trim()).filter(Boolean);

let passed = 0;
const failures = [];
function check(ok, what) {
    if (ok) {
        passed++;
    } else {
        failures.push(what);
        console.log(`FAIL ${what}`);
    }
}

if (!fs.existsSync(path.join(htmlDir, 'index.html'))) {
    console.error(`${htmlDir}/index.html not found: build the book first (cargo run --release -p guide -- build)`);
    process.exit(2);
}

const server = await serve(htmlDir);
const browser = await launch();
const started = Date.now();
try {
    const { context, external } = await offlineContext(browser);
    const page = await context.newPage();
    const problems = [];
    let current = '';
    // An empty search shard is not written: search.js asks for it, gets a
    // 404 and takes it as empty (see crates/guide/src/search.rs).
    const emptyShard = (url) => /\/guide-search\/[^/]+\/s\d+\.js(?:[?#]|$)/.test(url);
    // Every page of every context: console errors and warnings, uncaught
    // exceptions and 4xx go to `problems`; responses under /guide-search/
    // are counted in `searchFiles` (bytes of the body).
    const searchFiles = [];
    const watch = (p) => {
        p.on('console', (msg) => {
            if ((msg.type() === 'error' || msg.type() === 'warning') && !emptyShard(msg.location().url || '')) {
                problems.push(`${current}: console ${msg.type()}: ${msg.text()}`);
            }
        });
        p.on('pageerror', (err) => problems.push(`${current}: uncaught ${err.message}`));
        p.on('response', (res) => {
            if (res.status() >= 400 && !emptyShard(res.url())) {
                problems.push(`${current}: HTTP ${res.status()} ${res.url()}`);
            }
            if (new URL(res.url()).pathname.includes('/guide-search/')) {
                searchFiles.push({ url: res.url(), bytes: res.body().then((b) => b.length, () => 0) });
            }
        });
        return p;
    };
    watch(page);

    // 1. Every page.
    const pages = htmlPages(htmlDir);
    const features = {};
    for (const rel of pages) {
        current = rel;
        const before = problems.length;
        const externalBefore = external.length;
        await page.goto(pageUrl(server.url, rel), { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready.then(() => true));
        const f = await page.evaluate(() => {
            const loaded = (family) => [...document.fonts].some(
                (face) => face.family.replace(/"/g, '') === family && face.status === 'loaded');
            const h1 = document.querySelector('main h1');
            return {
                title: h1 ? h1.textContent.trim() : '',
                katex: document.querySelectorAll('.katex').length,
                katexDisplay: document.querySelectorAll('.katex-display').length,
                katexError: document.querySelectorAll('.katex-error').length,
                katexMainLoaded: loaded('KaTeX_Main') && document.fonts.check('16px KaTeX_Main'),
                exec: document.querySelectorAll('.exec').length,
                figure: document.querySelectorAll('.exec-figure').length,
                caution: document.querySelectorAll('.blockquote-tag-caution').length,
                admonition: document.querySelectorAll('.blockquote-tag').length,
                overflow: document.documentElement.scrollWidth - window.innerWidth,
                stamp: document.querySelector('.zh-build-stamp')?.textContent || '',
            };
        });
        features[rel] = f;
        check(problems.length === before, `${rel}: no console error, exception or 4xx`);
        check(external.length === externalBefore, `${rel}: no request leaves loopback`);
        check(f.katexError === 0, `${rel}: no KaTeX error`);
        if (f.katex > 0) {
            check(f.katexMainLoaded, `${rel}: KaTeX_Main font loaded`);
        }
        check(f.overflow <= 1, `${rel}: no horizontal page overflow (${f.overflow}px)`);
        if (rel !== 'toc.html') {
            check(/^构建于 \d{4}-\d\d-\d\d，提交 \S+，rustc /.test(f.stamp), `${rel}: build stamp (${f.stamp})`);
        }
    }
    check(Object.values(features).some((f) => f.katex > 0), 'some page has maths');
    check(searchFiles.length === 0, `no page loads search before it is used (${searchFiles.slice(0, 3).map((f) => f.url).join(', ')})`);

    // 2. Chinese search through mdBook's search bar.
    const hanzi = /[\u3400-\u4dbf\u4e00-\u9fff]+/g;
    const terms = [];
    for (const [rel, f] of Object.entries(features)) {
        if (rel === 'print.html' || rel === 'index.html' || rel === '404.html' || rel === 'toc.html') {
            continue;
        }
        const run = (f.title.match(hanzi) || []).sort((a, b) => b.length - a.length)[0];
        if (run && run.length >= 2) {
            // A substring from inside the title, not just its start.
            const len = Math.min(3, run.length);
            const at = Math.floor((run.length - len) / 2);
            terms.push({ q: run.substring(at, at + len), page: rel });
        }
    }
    const picked = [];
    for (let i = 0; i < terms.length && picked.length < 4; i += Math.max(1, Math.floor(terms.length / 4))) {
        picked.push(terms[i]);
    }
    for (const q of extraTerms) {
        picked.push({ q, page: null });
    }
    check(picked.length > 0, 'found Chinese titles to search for');
    // Search from a page in a subdirectory if there is one: result links and
    // teasers then go through path_to_root.
    const searchFrom = pages.find((p) => p.includes('/') && features[p].title) || 'index.html';
    const hrefsOf = (p) => p.$$eval('#mdbook-searchresults li a', (as) => as.map((a) => a.getAttribute('href')));
    // Until the header reports on `q` (search.js writes it once the first
    // results are in the list).
    const resultsFor = (p, q) => p.waitForFunction((term) => {
        const h = document.getElementById('mdbook-searchresults-header');
        return h && /^(找到|没有找到)/.test(h.textContent) && h.textContent.includes('“' + term + '”');
    }, q, { timeout: 10000 }).then(() => true, () => false);
    // Each query in a fresh browser context (nothing cached), as a reader
    // who arrives on a page and searches: `/` before search.js is loaded,
    // then typing. Counts the bytes it fetched under /guide-search/.
    const typed = new Map();
    const budget = [];
    for (const { q, page: expected } of picked) {
        current = `search ${q}`;
        const before = problems.length;
        const { context: fresh, external: ext } = await offlineContext(browser);
        const p = watch(await fresh.newPage());
        const firstFile = searchFiles.length;
        await p.goto(pageUrl(server.url, searchFrom), { waitUntil: 'load' });
        const loadedBefore = await p.evaluate(() => !!window.guideSearchCore);
        check(!loadedBefore && searchFiles.length === firstFile, `search "${q}": search.js not loaded before use`);
        await p.keyboard.press('/');
        const focused = await p.evaluate(() => document.activeElement && document.activeElement.id);
        check(focused === 'mdbook-searchbar', `search "${q}": / focuses the search bar (${focused})`);
        await p.keyboard.type(q);
        const answered = await resultsFor(p, q);
        const hits = answered ? await hrefsOf(p) : [];
        check(hits.length > 0, `search "${q}" shows hits`);
        typed.set(q, hits);
        if (expected) {
            check(hits.some((h) => decodeURIComponent(h).includes(expected)),
                `search "${q}" finds ${expected} (got ${hits.slice(0, 3).join(', ')})`);
        }
        // A teaser that shows the term must highlight it.
        const unmarked = await p.$$eval('#mdbook-searchresults .teaser', (ts, term) => ts.filter(
            (t) => t.textContent.includes(term) && !t.querySelector('em')).length, q);
        check(unmarked === 0, `search "${q}": matches highlighted in teasers`);
        const files = searchFiles.slice(firstFile);
        let bytes = 0;
        for (const f of files) {
            bytes += await f.bytes;
        }
        budget.push(bytes);
        console.log(`search "${q}": ${hits.length} shown, ${files.length} files, ${bytes} bytes under /guide-search/`);
        check(bytes <= 307200, `search "${q}": at most 300 KB fetched (${bytes} bytes)`);
        check(problems.length === before, `search "${q}": no console error`);
        check(ext.length === 0, `search "${q}": no request leaves loopback`);
        if (picked[0].q === q) {
            fs.mkdirSync(shotDir, { recursive: true });
            await p.screenshot({ path: path.join(shotDir, 'search-light.png') });
        }
        await fresh.close();
    }
    if (budget.length) {
        const sorted = [...budget].sort((a, b) => a - b);
        console.log(`search bytes per query: median ${sorted[Math.floor((sorted.length - 1) / 2)]}, max ${sorted[sorted.length - 1]} (limit 307200)`);
    }

    // 2a. A result link marks the query on its page (`?highlight=`);
    // clicking a mark removes them all, and the parameter.
    const firstHit = [...typed].find(([, hits]) => hits.length);
    if (firstHit) {
        const [q, hits] = firstHit;
        current = `?highlight=${q}`;
        const before = problems.length;
        await page.goto(new URL(hits[0], pageUrl(server.url, searchFrom)).href, { waitUntil: 'load' });
        const marked = await page.waitForFunction(() => document.querySelectorAll('#mdbook-content main mark').length > 0,
            null, { timeout: 10000 }).then(() => true, () => false);
        const marks = await page.$$eval('#mdbook-content main mark', (ms) => ms.length);
        check(marked && marks > 0, `${hits[0]}: ?highlight= marks the query (${marks} marks)`);
        if (marks > 0) {
            await page.click('#mdbook-content main mark');
            const after = await page.evaluate(() => ({
                marks: document.querySelectorAll('mark').length,
                param: new URL(location.href).searchParams.has('highlight'),
            }));
            check(after.marks === 0 && !after.param, `${hits[0]}: clicking a mark removes them and ?highlight= (${after.marks} left)`);
        }
        check(problems.length === before, `?highlight=${q}: no console error`);
    }

    // 2b. The same queries from a shared link: `?search=` is read by
    // search.js on load, before anyone types.
    for (const [q, hits] of typed) {
        current = `?search=${q}`;
        await page.goto(pageUrl(server.url, searchFrom) + '?search=' + encodeURIComponent(q), { waitUntil: 'load' });
        const got = (await resultsFor(page, q)) ? await hrefsOf(page) : [];
        check(got.length > 0 && JSON.stringify(got) === JSON.stringify(hits),
            `?search=${q} gives the hits of typing it (${got.length} vs ${hits.length})`);
    }

    // 2b'. More than ten hits: the first ten, and a button for the next ten.
    {
        const q = '模型';
        current = `more ${q}`;
        const before = problems.length;
        await page.goto(pageUrl(server.url, searchFrom), { waitUntil: 'load' });
        await page.click('#mdbook-search-toggle');
        await page.keyboard.type(q);
        await resultsFor(page, q);
        const header = await page.$eval('#mdbook-searchresults-header', (h) => h.textContent);
        const total = Number((/^找到 (\d+) 条/.exec(header) || [0, 0])[1]);
        check(total > 10, `search "${q}" has more than 10 hits (${header})`);
        if (total > 10) {
            const first = await hrefsOf(page);
            const button = await page.$eval('#mdbook-searchresults-outer button', (b) => ({ text: b.textContent, hidden: b.hidden }))
                .catch(() => ({ text: '', hidden: true }));
            check(first.length === 10 && !button.hidden && button.text === `显示更多结果（还有 ${total - 10} 条）`,
                `search "${q}": 10 results and a "more" button (${first.length}, "${button.text}")`);
            await page.click('#mdbook-searchresults-outer button');
            const want = Math.min(20, total);
            await page.waitForFunction((n) => document.querySelectorAll('#mdbook-searchresults li').length >= n, want, { timeout: 10000 }).catch(() => {});
            const more = await hrefsOf(page);
            check(more.length === want && JSON.stringify(more.slice(0, 10)) === JSON.stringify(first) && new Set(more).size === more.length,
                `search "${q}": "more" appends the next results (${more.length} of ${want})`);
        }
        check(problems.length === before, `more ${q}: no console error`);
    }

    // 2c. mdBook's own interface, in Chinese.
    current = 'interface';
    await page.goto(pageUrl(server.url, searchFrom), { waitUntil: 'load' });
    const ui = await page.evaluate(() => ({
        placeholder: document.getElementById('mdbook-searchbar')?.getAttribute('placeholder') || '',
        themes: [...document.querySelectorAll('#mdbook-theme-list button')].map((b) => b.textContent.trim()),
        labels: [...document.querySelectorAll('[aria-label], [title]')]
            .map((e) => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || '')),
        help: document.getElementById('mdbook-help-popup')?.textContent || '',
    }));
    const english = /\b(Search|Toggle|Change theme|Print|Previous|Next|Light|Coal|Navy|Auto|Keyboard|Press|Copy)\b/;
    check(/[\u4e00-\u9fff]/.test(ui.placeholder) && !english.test(ui.placeholder), `search placeholder in Chinese (${ui.placeholder})`);
    check(ui.themes.length === 6 && ui.themes.every((t) => /[\u4e00-\u9fff]/.test(t)), `theme names in Chinese (${ui.themes.join(', ')})`);
    const englishLabels = ui.labels.filter((l) => english.test(l));
    check(englishLabels.length === 0, `no English button label (${englishLabels.slice(0, 3).join(' | ')})`);
    check(!english.test(ui.help), 'keyboard help in Chinese');
    if (typed.size) {
        const [q] = typed.keys();
        await page.goto(pageUrl(server.url, searchFrom) + '?search=' + encodeURIComponent(q), { waitUntil: 'load' });
        await page.waitForFunction(() => /[\u4e00-\u9fff]/.test(document.getElementById('mdbook-searchresults-header').innerText), null, { timeout: 5000 }).catch(() => {});
        const header = await page.$eval('#mdbook-searchresults-header', (h) => h.innerText);
        check(/^找到 \d+ 条/.test(header), `search result count in Chinese (${header})`);
    }
    const notFound = fs.existsSync(path.join(htmlDir, '404.html'))
        ? fs.readFileSync(path.join(htmlDir, '404.html'), 'utf8') : '';
    check(/<h1[^>]*>[^<]*[\u4e00-\u9fff]/.test(notFound), '404 page in Chinese');

    // 2d. Phones: at 360 px no page scrolls sideways; a box that scrolls
    // (code, maths, tables) is a named region with a tab stop.
    {
        const { context: phone } = await offlineContext(browser, {
            viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
        });
        const p = await phone.newPage();
        let scrollers = 0;
        for (const rel of pages) {
            await p.goto(pageUrl(server.url, rel), { waitUntil: 'load' });
            await p.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(r))));
            const r = await p.evaluate(() => {
                const wide = [...document.querySelectorAll('main pre, main pre > code, main .katex-display, main .table-wrapper')]
                    .filter((e) => e.scrollWidth > e.clientWidth + 1);
                return {
                    overflow: document.documentElement.scrollWidth - window.innerWidth,
                    wide: wide.length,
                    unreachable: wide.filter((e) => e.getAttribute('tabindex') !== '0' || !e.getAttribute('aria-label')
                        || !e.classList.contains('zh-scrolls')).length,
                };
            });
            scrollers += r.wide;
            check(r.overflow <= 1, `360px ${rel}: no sideways page scroll (${r.overflow}px)`);
            check(r.unreachable === 0, `360px ${rel}: every scrolling box is a named region with a tab stop (${r.unreachable} of ${r.wide} not)`);
        }
        check(scrollers > 0, `360px: some boxes scroll inside themselves (${scrollers})`);
        await phone.close();
    }

    // 3. Screenshots: maths, example blocks, admonitions.
    const choose = (pred, not) => Object.keys(features).find(
        (rel) => rel !== 'print.html' && !not.includes(rel) && pred(features[rel]));
    const shots = [];
    for (const [name, pred, selector] of [
        ['maths', (f) => f.katexDisplay > 0, '.katex-display'],
        ['examples', (f) => f.exec > 0, '.exec'],
        ['admonitions', (f) => f.caution > 0 || f.admonition > 0, '.blockquote-tag'],
    ]) {
        const rel = choose(pred, shots.map((s) => s.rel)) || choose(pred, []) || 'index.html';
        shots.push({ name, rel, selector });
    }
    fs.mkdirSync(shotDir, { recursive: true });
    for (const theme of themes) {
        const { context: themed, external: ext2 } = await offlineContext(browser);
        await themed.addInitScript((t) => {
            localStorage.setItem('mdbook-theme', t);
            localStorage.setItem('mdbook-sidebar', 'visible');
        }, theme);
        const p = await themed.newPage();
        for (const { name, rel, selector } of shots) {
            await p.goto(pageUrl(server.url, rel), { waitUntil: 'load' });
            await p.evaluate(() => document.fonts.ready.then(() => true));
            await p.evaluate((sel) => {
                const el = document.querySelector(sel);
                if (el) {
                    el.scrollIntoView({ block: 'start' });
                    window.scrollBy(0, -90);
                }
            }, selector);
            await p.waitForTimeout(150);
            const file = path.join(shotDir, `${name}-${theme}.png`);
            await p.screenshot({ path: file });
            console.log(`screenshot ${path.relative(ROOT, file)} (${rel})`);
        }
        check(ext2.length === 0, `theme ${theme}: no request leaves loopback`);
        await themed.close();
    }

    // 4. axe-core on every page, in every theme.
    if (process.env.AXE !== '0') {
        let loads = 0;
        for (const theme of THEMES) {
            const { context: ctx } = await themed(offlineContext, browser, theme);
            const p = await ctx.newPage();
            for (const rel of pages) {
                await p.goto(pageUrl(server.url, rel), { waitUntil: 'load' });
                const violations = await axeViolations(p);
                loads++;
                for (const v of violations) {
                    console.log(`axe ${theme} ${rel}: ${v.id} (${v.impact}) ${v.nodes.length} nodes: ${v.nodes[0].target} ${v.nodes[0].summary.split('\n').slice(1, 2).join(' ')}`);
                }
                check(violations.length === 0, `axe ${theme} ${rel}: no violation (${violations.map((v) => v.id).join(', ')})`);
            }
            await ctx.close();
        }
        console.log(`axe: ${loads} page loads in ${THEMES.length} themes`);

        // The search box open with results (header, teasers with
        // highlighted matches, the "more" button), in every theme.
        for (const theme of THEMES) {
            const { context: ctx } = await themed(offlineContext, browser, theme);
            const p = await ctx.newPage();
            await p.goto(pageUrl(server.url, 'index.html') + '?search=' + encodeURIComponent('模型'), { waitUntil: 'load' });
            const shown = await p.waitForFunction(() => document.querySelectorAll('#mdbook-searchresults li .teaser em').length > 0, null, { timeout: 10000 })
                .then(() => true, () => false);
            check(shown, `axe ${theme} search results: results shown`);
            const violations = await axeViolations(p);
            for (const v of violations) {
                console.log(`axe ${theme} search results: ${v.id} (${v.impact}) ${v.nodes.length} nodes: ${v.nodes[0].target} ${v.nodes[0].summary.split('\n').slice(1, 2).join(' ')}`);
            }
            check(violations.length === 0, `axe ${theme} search results: no violation (${violations.map((v) => v.id).join(', ')})`);
            await ctx.close();
        }
    }

    const missing = server.notFound.filter((p) => !emptyShard(p));
    check(missing.length === 0, `no 404s (${missing.slice(0, 5).join(', ')})`);
    if (external.length) {
        console.log('requests leaving loopback (aborted):\n  ' + [...new Set(external)].join('\n  '));
    }
    if (problems.length) {
        console.log('problems:\n  ' + problems.join('\n  '));
    }
    console.log(`visited ${pages.length} pages, ${picked.length} searches in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
    await browser.close();
    await server.close();
}

console.log(`browser: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
