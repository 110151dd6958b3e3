// axe-core (pinned in package.json) over every page of the rendered book, in
// every mdBook theme: WCAG 2.1 A/AA and best-practice rules.
//
// Usage: node .ci/browser/axe.mjs [HTML_DIR]     (default: book/book)
// Env:   AXE_THEMES=light,rust,coal,navy,ayu (default: all five)
//        AXE_PAGES=substring,substring       (only pages whose path contains one)
// Prints each violation (rule, impact, page, theme, first nodes) and exits 1
// if there is any.
import path from 'node:path';
import { ROOT, serve, launch, offlineContext, htmlPages, pageUrl } from './lib.mjs';
import { THEMES, axeViolations, themed } from './axe-lib.mjs';

const htmlDir = path.resolve(process.argv[2] || path.join(ROOT, 'book', 'book'));
const themes = (process.env.AXE_THEMES || THEMES.join(',')).split(',').filter(Boolean);
const only = (process.env.AXE_PAGES || '').split(',').filter(Boolean);

const server = await serve(htmlDir);
const browser = await launch();
const byRule = new Map();
let pagesChecked = 0;
const pairs = new Map();
try {
    let pages = htmlPages(htmlDir);
    if (only.length) pages = pages.filter((p) => only.some((s) => p.includes(s)));
    for (const theme of themes) {
        const { context } = await themed(offlineContext, browser, theme);
        const page = await context.newPage();
        for (const rel of pages) {
            await page.goto(pageUrl(server.url, rel), { waitUntil: 'load' });
            const result = await axeViolations(page);
            pagesChecked++;
            for (const v of result) {
                const entry = byRule.get(v.id) || { impact: v.impact, help: v.help, count: 0, where: [] };
                entry.count += v.nodes.length;
                if (process.env.AXE_PAIRS && v.id === 'color-contrast') {
                    for (const n of v.nodes) {
                        const m = /foreground color: (#\w+), background color: (#\w+)/.exec(n.summary || '');
                        const key = `${theme} ${m ? m[1] + ' on ' + m[2] : '?'} ${n.target.split(' ').slice(-1)[0]}`;
                        pairs.set(key, (pairs.get(key) || 0) + 1);
                    }
                }
                if (entry.where.length < 6) {
                    entry.where.push(`${theme} ${rel}: ${v.nodes.slice(0, 2).map((n) => n.target + ' — ' + (n.summary || '').split('\n').slice(1, 2).join(' ')).join(' | ')}`);
                }
                byRule.set(v.id, entry);
            }
        }
        await context.close();
    }
} finally {
    await browser.close();
    await server.close();
}
for (const [k, n] of [...pairs].sort()) console.log(`pair ${k} x${n}`);
let total = 0;
for (const [id, e] of [...byRule].sort()) {
    total += e.count;
    console.log(`${id} (${e.impact}): ${e.count} nodes — ${e.help}`);
    for (const w of e.where) console.log(`    ${w}`);
}
console.log(`axe: ${pagesChecked} page loads (${themes.length} themes), ${total} violating nodes in ${byRule.size} rules`);
process.exit(total === 0 ? 0 : 1);
