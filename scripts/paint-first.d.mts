// Types of scripts/paint-first.mjs (plain JavaScript: the UI server loads it without a TypeScript loader).
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The page's head with its async external scripts replaced by the paint-first loader. */
export function deferHeadScripts(head: string): string;
/** Rewrites the head of the HTML `res` sends; call after compression, before the request handler. */
export function paintFirst(req: IncomingMessage, res: ServerResponse): void;
