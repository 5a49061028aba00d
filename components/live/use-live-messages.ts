'use client';
// One WebSocket to the collector's /live for pages other than the map: each valid message is handed
// to `onMessage` (which updates or invalidates the React Query cache). Reconnects with backoff and
// reports whether the page is live. `subscription` (the logs' live tail) is sent on every (re)connect
// and again whenever it changes; `null` sends nothing.
import { useEffect, useRef, useState } from 'react';
import { liveSocketUrl, type LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { parseLiveMessage, type LiveMessage } from '@/lib/contracts/live-messages';
import type { LiveClientMessage } from '@/lib/contracts/log-tail';

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000];

export function useLiveMessages(
  endpoint: LiveEndpoint,
  onMessage: (message: LiveMessage) => void,
  subscription: LiveClientMessage | null = null,
): boolean {
  const [live, setLive] = useState(false);
  const handler = useRef(onMessage);
  handler.current = onMessage;
  const outgoing = useRef(subscription);
  outgoing.current = subscription;
  const openSocket = useRef<WebSocket | undefined>(undefined);
  const key = JSON.stringify(endpoint);
  const subscriptionKey = JSON.stringify(subscription);
  useEffect(() => {
    let socket: WebSocket | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let closed = false;
    const connect = () => {
      try {
        socket = new WebSocket(liveSocketUrl(endpoint, window.location));
      } catch {
        return;
      }
      const opened = socket;
      socket.onopen = () => {
        attempts = 0;
        openSocket.current = opened;
        if (outgoing.current) opened.send(JSON.stringify(outgoing.current));
        setLive(true);
      };
      socket.onmessage = (event) => {
        const message = parseLiveMessage(String(event.data));
        if (message) handler.current(message);
      };
      socket.onclose = () => {
        if (openSocket.current === opened) openSocket.current = undefined;
        setLive(false);
        if (closed) return;
        retry = setTimeout(connect, BACKOFF_MS[Math.min(attempts++, BACKOFF_MS.length - 1)]);
      };
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(retry);
      socket?.close();
    };
    // Reconnect only when the endpoint changes (the handler is read through a ref).
  }, [key]);
  const sent = useRef(subscriptionKey);
  useEffect(() => {
    // A changed subscription goes over the open socket (onopen sends the current one).
    if (sent.current === subscriptionKey) return;
    sent.current = subscriptionKey;
    const socket = openSocket.current;
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(outgoing.current ?? { type: 'unsubscribe-logs' }));
  }, [subscriptionKey]);
  return live;
}
