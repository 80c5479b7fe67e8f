// Schema changes, in order. Never edit a shipped entry: add a new one.
export const migrations: string[] = [
  // 1: sessions and their transcripts. Every item says where its content came from.
  `CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     key TEXT NOT NULL,
     agent_id TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     UNIQUE (agent_id, key)
   );
   CREATE TABLE transcript_items (
     session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
     provenance TEXT NOT NULL CHECK (provenance IN ('owner', 'user', 'tool', 'web', 'agent')),
     content TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (session_id, seq)
   );`,
  // 2: gateway tokens, kept only as SHA-256 hashes.
  `CREATE TABLE tokens (
     name TEXT PRIMARY KEY,
     sha256 TEXT NOT NULL UNIQUE,
     scopes TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT
   );`,
  // 3: sessions are listed most recent first.
  `CREATE INDEX sessions_updated ON sessions (updated_at DESC);`,
  // 4: what each agent spent each day (UTC), so daily budgets hold across restarts.
  `CREATE TABLE usage_daily (
     agent_id TEXT NOT NULL,
     day TEXT NOT NULL,
     input_tokens INTEGER NOT NULL DEFAULT 0,
     output_tokens INTEGER NOT NULL DEFAULT 0,
     cost_usd REAL NOT NULL DEFAULT 0,
     PRIMARY KEY (agent_id, day)
   );`,
  // 5: where untrusted content came from (file:<path>, web:<url>, tool:<name>); NULL = trusted.
  `ALTER TABLE transcript_items ADD COLUMN source TEXT;`,
];
