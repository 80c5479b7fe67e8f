// Sender ids as hardshell compares them. Only ids the platform assigns and a user cannot
// change are used: never display names or usernames, which anyone can set to the owner's.

const PHONE_PUNCTUATION = /[\s().-]/g;
const E164 = /^\+[1-9]\d{6,14}$/;

export const telegramId = (userId: number | string) => `telegram:${userId}`;
export const slackId = (team: string, user: string) => `slack:${team}/${user}`;
export const discordId = (userId: string) => `discord:${userId}`;
export const webhookId = (source: string) => `webhook:${source}`;

/** `+1 (555) 123-4567` → `+15551234567`; undefined when it is not an E.164 number. */
export function e164(value: string): string | undefined {
  const compact = value.trim().replace(PHONE_PUNCTUATION, '');
  return E164.test(compact) ? compact : undefined;
}

/**
 * An id as written in config (`allowFrom`, `owner`), in the form senders are compared in:
 * phone numbers compacted to E.164, the platform prefix lower-cased, the rest kept exactly
 * (Slack and Discord ids are case-sensitive).
 */
export function normaliseId(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('+')) return e164(trimmed) ?? trimmed;
  const colon = trimmed.indexOf(':');
  if (colon > 0) return `${trimmed.slice(0, colon).toLowerCase()}:${trimmed.slice(colon + 1)}`;
  return trimmed;
}

/** Whether sender appears in a list of configured ids. */
export function listed(sender: string, ids: readonly string[] | undefined): boolean {
  if (!ids || ids.length === 0) return false;
  const me = normaliseId(sender);
  return ids.some((id) => normaliseId(id) === me);
}
