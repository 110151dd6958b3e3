// A static file server that serves the built site the way GitHub Pages (our
// host, .github/workflows/pages.yml) does, so that Lighthouse measures what a
// reader downloads: text types gzip-compressed when the browser asks for it,
// `Cache-Control: max-age=600` with an ETag and Last-Modified on every file
// (and 304 for a conditional request that still matches), `index.html` for a
// directory, and the site's 404.html with status 404. Not reproduced: Pages
// answers over HTTP/2 from a CDN; this is plain HTTP/1.1 on 127.0.0.1 (and
// Lighthouse's simulated throttling supplies the latency and bandwidth).
//
// Node's built-in http and zlib only: no npm dependency.
// Usage: node serve.mjs DIR [PORT]   (PORT defaults to 8765; binds 127.0.0.1)
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";

const root = resolve(process.argv[2] ?? ".");
const port = Number(process.argv[3] ?? 8765);

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".mjs": "application/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml",
  ".md": "text/markdown; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".zip": "application/zip",
};
// What Pages compresses: text. woff2, images and zips are compressed already.
const COMPRESSIBLE = new Set([".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml", ".md"]);

// path -> { mtimeMs, size, body, gz, etag }; the site does not change while
// Lighthouse runs, and compressing once keeps the CPU (shared) for Chrome.
const cache = new Map();

async function load(file) {
  const st = await stat(file);
  if (!st.isFile()) return null;
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
  const body = await readFile(file);
  const ext = extname(file).toLowerCase();
  const entry = {
    mtimeMs: st.mtimeMs,
    size: st.size,
    mtime: st.mtime.toUTCString(),
    body,
    gz: COMPRESSIBLE.has(ext) ? gzipSync(body, { level: 6 }) : null,
    etag: `"${createHash("sha1").update(body).digest("hex").slice(0, 16)}"`,
    type: TYPES[ext] ?? "application/octet-stream",
  };
  cache.set(file, entry);
  return entry;
}

// The file a URL path names, or null if it leaves the root.
function fileFor(urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath.split("?")[0].split("#")[0]);
  } catch {
    return null;
  }
  if (p.endsWith("/")) p += "index.html";
  const file = normalize(join(root, p));
  return file === root || file.startsWith(root + sep) ? file : null;
}

async function find(urlPath) {
  const file = fileFor(urlPath);
  if (!file) return null;
  try {
    const st = await stat(file);
    if (st.isDirectory()) return { redirect: urlPath.split("?")[0] + "/" };
    return { entry: await load(file) };
  } catch {
    return null;
  }
}

function send(req, res, status, entry) {
  const headers = {
    "Content-Type": entry.type,
    "Cache-Control": "max-age=600",
    "Last-Modified": entry.mtime,
    ETag: entry.etag,
  };
  if (entry.gz) headers.Vary = "Accept-Encoding";
  if (status === 200 && req.headers["if-none-match"] === entry.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  let body = entry.body;
  if (entry.gz && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
    headers["Content-Encoding"] = "gzip";
    body = entry.gz;
  }
  headers["Content-Length"] = body.length;
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

const server = createServer(async (req, res) => {
  try {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" });
      res.end();
      return;
    }
    const found = await find(req.url);
    if (found?.redirect) {
      res.writeHead(301, { Location: found.redirect });
      res.end();
    } else if (found?.entry) {
      send(req, res, 200, found.entry);
    } else {
      const notFound = await find("/404.html");
      if (notFound?.entry) {
        send(req, res, 404, notFound.entry);
      } else {
        res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
        res.end("404\n");
      }
    }
  } catch (e) {
    res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(String(e) + "\n");
  }
});

server.listen(port, "127.0.0.1", () => {
  console.log(`serving ${root} on http://127.0.0.1:${port}/`);
});
