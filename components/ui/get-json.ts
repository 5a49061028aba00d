// How the UI's data hooks fetch JSON from the API: a non-2xx answer becomes an HttpError carrying
// the status and the API's own message (Jaeger's error envelope), so hooks can decide on retries.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { errors?: { msg: string }[] };
      message = body.errors?.[0]?.msg ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new HttpError(response.status, message);
  }
  return (await response.json()) as T;
}
