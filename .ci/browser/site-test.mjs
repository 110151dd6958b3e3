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
// pages (maths, example blocks, admonitions) in each theme.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, serve, launch, offlineContext, htmlPages, pageUrl } from './lib.mjs';

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
    page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') {
            problems.push(`${current}: console ${msg.type()}: ${msg.text()}`);
        }
    });
    page.on('pageerror', (err) => problems.push(`${current}: uncaught ${err.message}`));
    page.on('response', (res) => {
        if (res.status() >= 400) {
            problems.push(`${current}: HTTP ${res.status()} ${res.url()}`);
        }
    });

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
    }
    check(Object.values(features).some((f) => f.katex > 0), 'some page has maths');

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
    for (const { q, page: expected } of picked) {
        current = `search ${q}`;
        const before = problems.length;
        await page.goto(pageUrl(server.url, searchFrom), { waitUntil: 'load' });
        await page.keyboard.press('s');
        await page.fill('#mdbook-searchbar', q);
        await page.press('#mdbook-searchbar', 'End');
        let hits = [];
        try {
            await page.waitForFunction(
                () => document.querySelectorAll('#mdbook-searchresults li').length > 0, null, { timeout: 5000 });
            hits = await page.$$eval('#mdbook-searchresults li a', (as) => as.map((a) => a.getAttribute('href')));
        } catch {
            hits = [];
        }
        check(hits.length > 0, `search "${q}" shows hits`);
        if (expected) {
            check(hits.some((h) => decodeURIComponent(h).includes(expected)),
                `search "${q}" finds ${expected} (got ${hits.slice(0, 3).join(', ')})`);
        }
        // A teaser that shows the term must highlight it (cjk-search.js).
        const unmarked = await page.$$eval('#mdbook-searchresults .teaser', (ts, term) => ts.filter(
            (t) => t.textContent.includes(term) && !t.querySelector('em')).length, q);
        check(unmarked === 0, `search "${q}": matches highlighted in teasers`);
        check(problems.length === before, `search "${q}": no console error`);
        if (picked[0].q === q) {
            fs.mkdirSync(shotDir, { recursive: true });
            await page.screenshot({ path: path.join(shotDir, 'search-light.png') });
        }
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

    check(server.notFound.length === 0, `no 404s (${server.notFound.slice(0, 5).join(', ')})`);
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
