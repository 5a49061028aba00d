// Stylesheets inlined into the HTML instead of linked. A `<link rel="stylesheet">` blocks the first
// paint until the browser has asked the same busy server for it and got it back; inlined, the
// rules arrive with the HTML and the rows paint as soon as they are parsed. Inlined are the app
// shell's stylesheet (root layout, every page) and the trace page's (the page that must open
// fastest: issue 15); the other pages link theirs as before.
//
// The Content-Security-Policy allows exactly these texts by their SHA-256 (`style-src 'sha256-…'`),
// not by the per-request nonce: a hash stays valid when the trace page arrives by client-side
// navigation, whose payload was rendered for another request than the document's CSP.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Each inlined stylesheet and its source files, in cascade order. */
export const INLINE_STYLESHEETS = {
  shell: ['app/globals.css'],
  trace: ['components/logs/logs.css', 'components/trace/trace-explorer.css'],
} as const;

export type InlineStylesheet = keyof typeof INLINE_STYLESHEETS;

export interface InlinedCss {
  css: string;
  /** `'sha256-…'`, a CSP source expression for exactly this text. */
  source: string;
}

const loaded = new Map<InlineStylesheet, InlinedCss>();

/** The stylesheet's text (its files read once, from the app's directory) and its CSP hash source. */
export function inlineStylesheet(name: InlineStylesheet): InlinedCss {
  let entry = loaded.get(name);
  if (!entry) {
    const css = INLINE_STYLESHEETS[name].map((file) => readFileSync(path.join(process.cwd(), file), 'utf8')).join('\n');
    entry = { css, source: styleHashSource(css) };
    loaded.set(name, entry);
  }
  return entry;
}

/** The CSP source that allows a `<style>` element with exactly this text. */
export function styleHashSource(css: string): string {
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
}

/** Every inlined stylesheet's hash source, for the pages' `style-src`. */
export function inlineStyleSources(): string[] {
  return (Object.keys(INLINE_STYLESHEETS) as InlineStylesheet[]).map((name) => inlineStylesheet(name).source);
}
