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
  // 6: memory entries with their provenance (held back while quarantined), and the
  // fingerprints of the files loaded into every prompt as hardshell last saw or wrote them.
  `CREATE TABLE memory_entries (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     agent_id TEXT NOT NULL,
     session_id TEXT NOT NULL,
     file TEXT NOT NULL,
     content TEXT NOT NULL,
     tainted_by TEXT,
     status TEXT NOT NULL CHECK (status IN ('written', 'quarantined', 'approved', 'rejected')),
     created_at TEXT NOT NULL,
     decided_at TEXT
   );
   CREATE TABLE bootstrap_files (
     workspace TEXT NOT NULL,
     file TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     accepted_at TEXT NOT NULL,
     PRIMARY KEY (workspace, file)
   );`,
  // 7: clients the edge banned after repeated failed authentication, kept so a restart does not
  // forgive them; strikes stay after a ban ends so the next one is longer.
  `CREATE TABLE edge_bans (
     key TEXT PRIMARY KEY,
     strikes INTEGER NOT NULL,
     until_ms INTEGER NOT NULL,
     reason TEXT NOT NULL,
     first_at TEXT NOT NULL,
     last_at TEXT NOT NULL
   );`,
  // (channels) pairing: codes an unknown sender was given (pending until the owner approves or
  // denies, or they expire), the senders the owner approved, and the webhook deliveries already
  // seen (idempotency keys and signatures), kept so a restart does not accept a replay.
  `CREATE TABLE channel_pairings (
     code TEXT PRIMARY KEY,
     channel TEXT NOT NULL,
     sender TEXT NOT NULL,
     chat_id TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
     created_ms INTEGER NOT NULL,
     expires_ms INTEGER NOT NULL,
     decided_ms INTEGER
   );
   CREATE INDEX channel_pairings_pending ON channel_pairings (channel, status, expires_ms);
   CREATE TABLE channel_senders (
     channel TEXT NOT NULL,
     sender TEXT NOT NULL,
     approved_ms INTEGER NOT NULL,
     approved_by TEXT NOT NULL,
     PRIMARY KEY (channel, sender)
   );
   CREATE TABLE channel_seen (
     channel TEXT NOT NULL,
     key TEXT NOT NULL,
     seen_ms INTEGER NOT NULL,
     PRIMARY KEY (channel, key)
   );`,
  // approvals: requests waiting for a person (they outlive a restart), and the "always"
  // answers, each bound to one exact call (agent, tool, arguments, folder, program file).
  `CREATE TABLE IF NOT EXISTS approvals (
     id TEXT PRIMARY KEY,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     agent_id TEXT NOT NULL,
     session_id TEXT NOT NULL,
     tool_call_id TEXT NOT NULL,
     tool TEXT NOT NULL,
     view TEXT NOT NULL,
     hash TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
     choice TEXT CHECK (choice IN ('once', 'always', 'deny')),
     answered_by TEXT,
     answered_at TEXT
   );
   CREATE INDEX IF NOT EXISTS approvals_status ON approvals (status, created_at);
   CREATE TABLE IF NOT EXISTS approval_rules (
     key TEXT PRIMARY KEY,
     agent_id TEXT NOT NULL,
     tool TEXT NOT NULL,
     view TEXT NOT NULL,
     created_at TEXT NOT NULL,
     created_by TEXT NOT NULL
   );`,
  // provenance of workspace files: the content the agent wrote from a session holding no
  // untrusted content. Read back unchanged, it is not untrusted (it came from the owner's session).
  `CREATE TABLE IF NOT EXISTS written_files (
     workspace TEXT NOT NULL,
     file TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     written_at TEXT NOT NULL,
     PRIMARY KEY (workspace, file)
   );`,
];
