// The UI server's environment (Next.js route handlers and server pages), validated with zod the
// first time something needs it, so a missing or mistyped DATABASE_URL fails with a clear message
// instead of a driver error deep inside a query. Add new variables to `uiEnvSchema`.
import { z } from 'zod';

export const uiEnvSchema = z.object({
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is not set; point it at the PostgreSQL database the collector writes to' })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgresql:// URL'),
});

export type UiEnv = z.infer<typeof uiEnvSchema>;

export class EnvError extends Error {
  override name = 'EnvError';
}

export function parseUiEnv(env: Record<string, string | undefined> = process.env): UiEnv {
  const result = uiEnvSchema.safeParse(env);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => issue.message).join('; '));
  }
  return result.data;
}
