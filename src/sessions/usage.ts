// What each agent has spent today: tokens and cost, kept in the store so a daily budget
// still holds after a restart.
import type { StatementSync } from 'node:sqlite';
import type { Store } from '../store/db.ts';

export interface DayUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Days are UTC calendar days, so every process agrees where one ends. */
export const today = (now = new Date()): string => now.toISOString().slice(0, 10);

export class UsageLedger {
  private readonly read: StatementSync;
  private readonly add: StatementSync;

  constructor(db: Store) {
    this.read = db.prepare('SELECT input_tokens, output_tokens, cost_usd FROM usage_daily WHERE agent_id = ? AND day = ?');
    this.add = db.prepare(`INSERT INTO usage_daily (agent_id, day, input_tokens, output_tokens, cost_usd) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (agent_id, day) DO UPDATE SET input_tokens = input_tokens + excluded.input_tokens,
        output_tokens = output_tokens + excluded.output_tokens, cost_usd = cost_usd + excluded.cost_usd`);
  }

  day(agentId: string, day = today()): DayUsage {
    const row = this.read.get(agentId, day) as { input_tokens: number; output_tokens: number; cost_usd: number } | undefined;
    return { inputTokens: row?.input_tokens ?? 0, outputTokens: row?.output_tokens ?? 0, costUsd: row?.cost_usd ?? 0 };
  }

  record(agentId: string, usage: DayUsage, day = today()): void {
    this.add.run(agentId, day, usage.inputTokens, usage.outputTokens, usage.costUsd);
  }
}
