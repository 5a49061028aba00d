'use client';
// One WebSocket to the collector's /live for pages other than the map: each valid message is handed
// to `onMessage` (which updates or invalidates the React Query cache). Reconnects with backoff and
// reports whether the page is live.
import { useEffect, useRef, useState } from 'react';
import { liveSocketUrl, type LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { parseLiveMessage, type LiveMessage } from '@/lib/contracts/live-messages';

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000];

export function useLiveMessages(endpoint: LiveEndpoint, onMessage: (message: LiveMessage) => void): boolean {
  const [live, setLive] = useState(false);
  const handler = useRef(onMessage);
  handler.current = onMessage;
  const key = JSON.stringify(endpoint);
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
      socket.onopen = () => {
        attempts = 0;
        setLive(true);
      };
      socket.onmessage = (event) => {
        const message = parseLiveMessage(String(event.data));
        if (message) handler.current(message);
      };
      socket.onclose = () => {
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
  return live;
}
