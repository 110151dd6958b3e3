/*
 * The reader's interface, in Chinese and for every reader (see
 * docs/reader-site.md, "Theme overrides"). mdBook 0.5.4 builds part of its
 * interface in JavaScript (book.js, searcher.js), which a theme cannot
 * translate, and makes some boxes scroll without a way to reach them by
 * keyboard. This file, loaded after them:
 *
 * - makes the sidebar button (a <button> in our index.hbs, since ARIA forbids
 *   aria-expanded on mdBook's <label>) drive mdBook's sidebar checkbox, and
 *   the sidebar's fold toggles (<a> without href) keyboard buttons;
 * - gives every box that scrolls sideways (code, display maths, tables) a
 *   tab stop, a region role and a name, and a shadow on the edge that hides
 *   content (axe `scrollable-region-focusable`; "a box that scrolls shows
 *   that it does");
 * - translates the strings searcher.js writes (a theme cannot override it).
 */
(function () {
    'use strict';

    // 1. The sidebar button toggles mdBook's checkbox; book.js listens to
    //    the checkbox's change event and does the rest (aria-expanded too).
    var toggle = document.getElementById('mdbook-sidebar-toggle');
    var checkbox = document.getElementById('mdbook-sidebar-toggle-anchor');
    if (toggle && checkbox && toggle.tagName === 'BUTTON') {
        toggle.addEventListener('click', function () {
            checkbox.checked = !checkbox.checked;
            checkbox.dispatchEvent(new Event('change'));
        });
    }

    // 1a. toc.js is deferred (index.hbs), so the sidebar's links did not
    //     exist yet when the inline script after the menu bar set the
    //     sidebar's ARIA state: take them out of the tab order here when the
    //     sidebar starts hidden, as that script did (book.js updates them
    //     when the sidebar opens or closes).
    var sidebarVisible = document.documentElement.classList.contains('sidebar-visible');
    document.querySelectorAll('#mdbook-sidebar a').forEach(function (link) {
        link.setAttribute('tabIndex', sidebarVisible ? 0 : -1);
    });

    // 1b. The sidebar's fold toggles are <a> without href (mdBook's
    //     toc.js): neither focusable nor crawlable. Make them buttons.
    function fixToggles() {
        document.querySelectorAll('#mdbook-sidebar a.chapter-fold-toggle:not([role])').forEach(function (a) {
            a.setAttribute('role', 'button');
            a.setAttribute('tabindex', '0');
            a.setAttribute('aria-label', '展开或折叠');
            a.addEventListener('keydown', function (e) {
                if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    a.click();
                }
            });
        });
    }
    fixToggles();
    document.addEventListener('DOMContentLoaded', fixToggles);

    // 2. Boxes that scroll.
    var KINDS = [
        ['pre', '代码'],
        ['pre > code', '代码'],
        ['.katex-display', '公式'],
        ['.table-wrapper', '表格'],
    ];
    // Landmarks need distinct names (axe `landmark-unique`): number them.
    var counts = {};
    // Read every size first, then write: interleaving the two would force
    // a layout per box (long tasks on pages with hundreds of formulas).
    function markAll() {
        var boxes = [];
        KINDS.forEach(function (kind) {
            document.querySelectorAll('main ' + kind[0]).forEach(function (el) {
                boxes.push({
                    el: el,
                    what: kind[1],
                    scrolls: el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
                    atEnd: el.scrollLeft + el.clientWidth >= el.scrollWidth - 1,
                });
            });
        });
        boxes.forEach(function (b) {
            var el = b.el;
            if (b.scrolls) {
                if (!el.hasAttribute('tabindex')) {
                    el.setAttribute('tabindex', '0');
                }
                el.setAttribute('role', 'region');
                if (!el.dataset.zhRegion) {
                    counts[b.what] = (counts[b.what] || 0) + 1;
                    el.dataset.zhRegion = String(counts[b.what]);
                }
                el.setAttribute('aria-label', '可滚动的' + b.what + '（第 ' + el.dataset.zhRegion + ' 处）');
                el.classList.add('zh-scrolls');
                el.classList.toggle('zh-scrolled-end', b.atEnd);
            } else if (el.classList.contains('zh-scrolls')) {
                el.removeAttribute('tabindex');
                el.removeAttribute('role');
                el.removeAttribute('aria-label');
                el.classList.remove('zh-scrolls', 'zh-scrolled-end');
            }
        });
    }
    markAll();
    var pending = null;
    window.addEventListener('resize', function () {
        if (pending === null) {
            pending = window.requestAnimationFrame(function () {
                pending = null;
                markAll();
            });
        }
    });
    document.addEventListener('scroll', function (e) {
        var el = e.target;
        if (el && el.classList && el.classList.contains('zh-scrolls')) {
            var atEnd = el.scrollLeft + el.clientWidth >= el.scrollWidth - 1;
            el.classList.toggle('zh-scrolled-end', atEnd);
        }
    }, true);
    // Fonts change widths: check again once they are in.
    if (document.fonts && document.fonts.ready) {
        document.fonts.ready.then(markAll);
    }

    // 3. Strings written by searcher.js (book.js is ours: book/theme/book.js).
    var header = document.getElementById('mdbook-searchresults-header');
    function translateHeader() {
        var m = /^(?:(\d+)|No) search results? for '([\s\S]*)'[.:]$/.exec(header.innerText);
        if (!m) {
            return;
        }
        header.innerText = m[1] ? '找到 ' + m[1] + ' 条与“' + m[2] + '”相关的结果：'
            : '没有找到与“' + m[2] + '”相关的结果。';
    }
    if (header) new MutationObserver(function (records) {
        records.forEach(function (r) {
            if (r.target === header || r.target.parentNode === header) {
                translateHeader();
            }
        });
    }).observe(header, {subtree: true, childList: true, characterData: true});
})();
