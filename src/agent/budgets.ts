// The limits that keep a runaway agent from burning credits: tokens per turn, tokens and
// cost per day per agent, and the same call repeated in a loop. Each check returns the
// sentence the user is told when a limit is reached, or null.
import type { Budgets } from '../config/schema.ts';
import type { UsageLedger, DayUsage } from '../sessions/usage.ts';
import type { Usage } from './events.ts';

export const DEFAULT_MAX_REPEATED_CALLS = 4;
export const DEFAULT_MAX_CONCURRENT_TURNS = 4;

export interface Price {
  /** US dollars per million tokens. */
  input: number;
  output: number;
}

export function costOf(usage: Usage, price: Price | undefined): number {
  if (!price) return 0;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

export class TurnBudget {
  private readonly budgets: Budgets;
  private readonly agentId: string;
  private readonly ledger: UsageLedger;
  private readonly price: Price | undefined;
  private readonly calls = new Map<string, number>();

  constructor(budgets: Budgets | undefined, agentId: string, ledger: UsageLedger, price: Price | undefined) {
    this.budgets = budgets ?? {};
    this.agentId = agentId;
    this.ledger = ledger;
    this.price = price;
  }

  /** Checked before each model call: the turn's and the day's spending so far. */
  beforeStep(turn: Usage): string | null {
    const { maxTokensPerTurn, maxTokensPerDay, maxCostPerDay } = this.budgets;
    if (maxTokensPerTurn && turn.inputTokens + turn.outputTokens >= maxTokensPerTurn) {
      return `the turn used ${turn.inputTokens + turn.outputTokens} tokens, reaching its budget of ${maxTokensPerTurn} (budgets.maxTokensPerTurn)`;
    }
    if (!maxTokensPerDay && !maxCostPerDay) return null;
    const day = this.ledger.day(this.agentId);
    const tokens = day.inputTokens + day.outputTokens;
    if (maxTokensPerDay && tokens >= maxTokensPerDay) {
      return `agent "${this.agentId}" has used ${tokens} tokens today (UTC), reaching its daily budget of ${maxTokensPerDay} (budgets.maxTokensPerDay)`;
    }
    if (maxCostPerDay && day.costUsd >= maxCostPerDay) {
      return `agent "${this.agentId}" has spent $${day.costUsd.toFixed(4)} today (UTC), reaching its daily budget of $${maxCostPerDay} (budgets.maxCostPerDay)`;
    }
    return null;
  }

  /** Records one model call's usage against the day. */
  spent(step: Usage): void {
    const usage: DayUsage = { ...step, costUsd: costOf(step, this.price) };
    if (usage.inputTokens || usage.outputTokens) this.ledger.record(this.agentId, usage);
  }

  /** Counts a tool call; the same call with the same arguments too often means a loop. */
  repeated(tool: string, args: unknown): string | null {
    const key = `${tool}\u0000${stableJson(args)}`;
    const count = (this.calls.get(key) ?? 0) + 1;
    this.calls.set(key, count);
    const limit = this.budgets.maxRepeatedCalls ?? DEFAULT_MAX_REPEATED_CALLS;
    return count >= limit
      ? `the model called ${tool} with the same arguments ${count} times in one turn, which looks like a loop (budgets.maxRepeatedCalls is ${limit})`
      : null;
  }
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` count as the same call. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
