// The search evaluation (docs/search.md): for a rendered site, the bytes a
// reader downloads to run one query, and the ranking on a labelled query set
// (every glossary term whose entry names the page that introduces it).
//
// Usage: node benches/search/eval.mjs MODE SITE [QUERIES.json]
//   MODE guide    : our search box and sharded index (guide-search/, `guide build`)
//   MODE stock    : mdBook's own search (`guide build --stock-search`)
//   MODE pagefind : SITE/pagefind/ (written by pagefind-index), through pagefind.js
// Bytes are response bodies as served (the test server does not compress).
// Prints one JSON line: { mode, queries, bytes: {median, max}, hit1, hit5, mrr }.
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, offlineContext } from '../../.ci/browser/lib.mjs';

const [mode, site, queriesFile] = process.argv.slice(2);
const queries = queriesFile ? JSON.parse(fs.readFileSync(queriesFile, 'utf8')) : [];
const server = await serve(path.resolve(site));
const browser = await launch();

const SEARCH_ASSET = {
    pagefind: (u) => u.includes('/pagefind/'),
    guide: (u) => u.includes('/guide-search/'),
    stock: (u) => /\/(searchindex|elasticlunr|searcher|mark\.min)[^/]*\.js/.test(u),
}[mode];
if (!SEARCH_ASSET) {
    throw new Error(`unknown mode ${mode}: guide, stock or pagefind`);
}

async function runQuery(q) {
    // A fresh context per query: nothing cached from the one before.
    const { context } = await offlineContext(browser);
    const page = await context.newPage();
    let bytes = 0;
    const pending = [];
    page.on('requestfinished', (req) => {
        if (SEARCH_ASSET(req.url())) {
            pending.push(req.sizes().then((s) => { bytes += s.responseBodySize; }));
        }
    });
    await page.goto(server.url + 'index.html', { waitUntil: 'load' });
    let urls = [];
    if (mode === 'pagefind') {
        urls = await page.evaluate(async (query) => {
            const pf = await import('/pagefind/pagefind.js');
            await pf.options({ baseUrl: '/' });
            const r = await pf.search(query);
            const top = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
            return top.map((d) => d.url);
        }, q);
    } else {
        await page.keyboard.press('s');
        await page.fill('#mdbook-searchbar', q);
        await page.press('#mdbook-searchbar', 'End');
        await page.waitForFunction(() => document.querySelectorAll('#mdbook-searchresults li').length > 0
            || /No search results|没有找到/.test(document.getElementById('mdbook-searchresults-header').innerText),
        null, { timeout: 20000 }).catch(() => {});
        urls = await page.$$eval('#mdbook-searchresults li a', (as) => as.map((a) => a.getAttribute('href')));
    }
    await page.waitForTimeout(50);
    await Promise.all(pending);
    await context.close();
    return { bytes, urls: urls.map((u) => decodeURIComponent(u).replace(/^\.?\//, '').split('#')[0].split('?')[0]) };
}

const results = [];
const list = queries.length ? queries : [{ q: '注意力', page: null }];
for (const { q, page } of list) {
    const r = await runQuery(q);
    const rank = page ? r.urls.slice(0, 10).findIndex((u) => u === page || u.endsWith('/' + page)) + 1 : 0;
    results.push({ q, page, bytes: r.bytes, rank, hits: r.urls.length });
}
await browser.close();
await server.close();

const sorted = results.map((r) => r.bytes).sort((a, b) => a - b);
const labelled = results.filter((r) => r.page);
const out = {
    mode,
    site: path.basename(path.resolve(site)),
    queries: results.length,
    bytes: { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] },
    noHits: results.filter((r) => r.hits === 0).map((r) => r.q),
};
if (labelled.length) {
    out.hit1 = +(labelled.filter((r) => r.rank === 1).length / labelled.length).toFixed(3);
    out.hit5 = +(labelled.filter((r) => r.rank >= 1 && r.rank <= 5).length / labelled.length).toFixed(3);
    out.mrr = +(labelled.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / labelled.length).toFixed(3);
}
console.log(JSON.stringify(out));
