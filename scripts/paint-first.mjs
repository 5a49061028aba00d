// @ts-check
// Paint first, then load the scripts (issue 15), on the pages whose first screen comes whole with
// the HTML: the trace explorer (`/traces/{id}`), which renders a small trace's waterfall, or a large
// one's first screen, on the server. Next.js puts every chunk a page needs in its <head> as
// `<script src async>`; on a loaded machine (2 cores, one browser, the UI server) their download,
// off-thread compile and evaluation compete with the first frame's layout and raster, so the
// server-rendered waterfall was painted ~130 ms later than the same HTML without scripts. The UI
// server (scripts/ui-server.mjs) therefore rewrites the head of those pages: the script tags become
// one inline loader (with the response's CSP nonce) that appends the same scripts, in the same
// order, once the first contentful paint has been presented (immediately in a hidden tab, which
// never paints; at the latest after LOAD_AFTER_MS). Hydration is not later for it: the scripts
// would have been compiled on the same two cores anyway (measured on an 11-span trace: first row
// painted 252 ms against 388 ms, interactive 809 ms against 826 ms, medians of 9).
// Not on pages that fetch their data from the browser (services, search, logs, map): there the
// scripts start the data, and deferring them deferred it (first API request +143 ms on /logs,
// +142 ms on /traces, +87 ms on /, -51 ms on /service-map; interleaved A/B, 6 loads each) more than
// the earlier paint of their still empty frame is worth.
// Anything else in the page (the body's scripts, the RSC payload, preloads) is left as it is.

/** The pages rewritten: a trace's explorer (not /traces/compare nor /traces/upload). */
const PAINT_FIRST_PAGES = [/^\/traces\/[0-9a-f]{1,32}$/i];

/** The latest the scripts wait for the first paint. */
const LOAD_AFTER_MS = 1000;

const HEAD_END = '</head>';
/** A script element with no inline code: an external script, async or not (deferHeadScripts checks). */
const EXTERNAL_SCRIPT = /<script\b([^>]*)><\/script>/g;

/**
 * @param {string} attributes
 * @param {string} name
 * @returns {string | undefined} the attribute's value ('' when present without one)
 */
function attribute(attributes, name) {
  const match = new RegExp(`(?:^|\\s)${name}(?:="([^"]*)")?(?=\\s|$)`, 'i').exec(attributes);
  return match ? (match[1] ?? '') : undefined;
}

/**
 * The loader: appends `sources` as async scripts after the first contentful paint.
 * @param {string[]} sources
 * @param {string | undefined} nonce
 */
function loaderScript(sources, nonce) {
  const code =
    `(()=>{const s=${JSON.stringify(sources).replace(/</g, '\\u003c')},n=document.currentScript&&document.currentScript.nonce;let d=0;` +
    `const go=()=>{if(d)return;d=1;for(const u of s){const e=document.createElement('script');e.src=u;e.async=true;if(n)e.nonce=n;document.head.appendChild(e)}};` +
    `setTimeout(go,${LOAD_AFTER_MS});` +
    `if(document.visibilityState!=='visible')go();` +
    `else if(self.PerformanceObserver&&(PerformanceObserver.supportedEntryTypes||[]).includes('paint'))new PerformanceObserver((l,o)=>{o.disconnect();go()}).observe({type:'paint',buffered:true});` +
    `else requestAnimationFrame(()=>setTimeout(go,0))})()`;
  return `<script${nonce === undefined ? '' : ` nonce="${nonce}"`}>${code}</script>`;
}

/**
 * The page's head with its async external scripts replaced by the paint-first loader, put where
 * the first of them was. A head without such scripts is returned as it is.
 * @param {string} head HTML up to and including `</head>`
 * @returns {string}
 */
export function deferHeadScripts(head) {
  /** @type {string[]} */
  const sources = [];
  /** @type {string | undefined} */
  let nonce;
  const rest = head.replace(EXTERNAL_SCRIPT, (tag, attributes) => {
    const src = attribute(attributes, 'src');
    const type = attribute(attributes, 'type');
    if (!src || attribute(attributes, 'async') === undefined || attribute(attributes, 'nomodule') !== undefined || (type && type !== 'text/javascript')) return tag;
    nonce ??= attribute(attributes, 'nonce');
    sources.push(src.replace(/&amp;/g, '&'));
    return '\0';
  });
  if (!sources.length) return head;
  const first = rest.indexOf('\0');
  return rest.slice(0, first) + loaderScript(sources, nonce) + rest.slice(first).replace(/\0/g, '');
}

/**
 * Rewrites the head of the HTML `res` sends on a paint-first page (see the top of this file). Call before the request
 * handler, after any compression middleware (this sees the text, compression what it becomes).
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
export function paintFirst(req, res) {
  // Not a HEAD (no body) nor a client navigation's RSC payload (`RSC: 1`, text/x-component).
  if (req.method !== 'GET' || req.headers.rsc) return;
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  if (!PAINT_FIRST_PAGES.some((page) => page.test(pathname))) return;
  const write = res.write;
  const end = res.end;
  const writeHead = res.writeHead;
  let html = false;
  /** @type {Buffer[] | null} null once the head has passed */
  let pending = [];
  let pendingBytes = 0;

  const isHtml = () => /^text\/html\b/i.test(String(res.getHeader('content-type') ?? ''));
  // The body's length changes: drop a Content-Length Next set (its static pages), so the response is chunked.
  res.writeHead = /** @type {typeof res.writeHead} */ (
    function (/** @type {number} */ status, /** @type {any[]} */ ...args) {
      const headers = args.find((a) => a && typeof a === 'object');
      if (headers && !Array.isArray(headers)) {
        for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-type') res.setHeader('content-type', headers[key]);
      }
      html = isHtml();
      if (html) {
        res.removeHeader('content-length');
        if (headers && !Array.isArray(headers)) for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-length') delete headers[key];
      } else restore();
      return writeHead.call(res, status, ...args);
    }
  );
  function restore() {
    res.write = write;
    res.end = end;
    res.writeHead = writeHead;
    pending = null;
  }
  /** Writes what is pending (joined: `pending` as one buffer), its head rewritten. */
  function flush(/** @type {Buffer} */ joined) {
    const text = joined.toString('utf8');
    pending = null;
    const headEnd = text.indexOf(HEAD_END);
    const out = headEnd < 0 ? text : deferHeadScripts(text.slice(0, headEnd + HEAD_END.length)) + text.slice(headEnd + HEAD_END.length);
    return write.call(res, out);
  }
  /** @param {any} chunk @param {any} encoding */
  function toBuffer(chunk, encoding) {
    return Buffer.isBuffer(chunk) ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.from(String(chunk), typeof encoding === 'string' ? /** @type {BufferEncoding} */ (encoding) : 'utf8');
  }
  res.write = /** @type {typeof res.write} */ (
    function (/** @type {any} */ chunk, /** @type {any} */ encoding, /** @type {any} */ callback) {
      if (!res.headersSent) res.writeHead(res.statusCode);
      if (!html || !pending) return write.call(res, chunk, encoding, callback);
      const buffer = toBuffer(chunk, encoding);
      pending.push(buffer);
      pendingBytes += buffer.length;
      const cb = typeof encoding === 'function' ? encoding : callback;
      // The head is complete (or is not coming within 512 KB): rewrite it and pass everything on.
      const joined = pending.length === 1 ? buffer : Buffer.concat(pending, pendingBytes);
      if (pendingBytes > 512 * 1024 || joined.includes(HEAD_END)) {
        const ok = flush(joined);
        if (cb) process.nextTick(cb);
        return ok;
      }
      if (cb) process.nextTick(cb);
      return true;
    }
  );
  res.end = /** @type {typeof res.end} */ (
    function (/** @type {any} */ chunk, /** @type {any} */ encoding, /** @type {any} */ callback) {
      if (typeof chunk === 'function') return res.end(undefined, undefined, chunk);
      if (typeof encoding === 'function') return res.end(chunk, undefined, encoding);
      if (!res.headersSent) res.writeHead(res.statusCode);
      if (html && pending) {
        if (chunk != null) pending.push(toBuffer(chunk, encoding));
        flush(Buffer.concat(pending));
        return end.call(res, callback);
      }
      return end.call(res, chunk, encoding, callback);
    }
  );
}
