// Every check, in report order. IDs are stable: never rename one, add a new one instead.
import type { Check } from '../types.ts';
import { configChecks } from './config.ts';
import { gatewayChecks } from './gateway.ts';
import { authChecks } from './auth.ts';
import { networkChecks } from './network.ts';
import { channelChecks } from './channels.ts';
import { toolChecks } from './tools.ts';
import { delegationChecks } from './delegation.ts';
import { sandboxChecks } from './sandbox.ts';
import { egressChecks } from './egress.ts';
import { secretChecks } from './secrets.ts';
import { fsChecks } from './fs.ts';
import { loggingChecks } from './logging.ts';
import { memoryChecks } from './memory.ts';
import { backupChecks, browserChecks, budgetChecks, skillChecks } from './extras.ts';
import { browserRuleChecks } from './browser-rules.ts';
import { deployChecks } from './deploy.ts';
import { hostChecks } from './host.ts';

export const allChecks: Check[] = [
  ...configChecks, ...gatewayChecks, ...authChecks, ...networkChecks, ...channelChecks, ...toolChecks, ...delegationChecks,
  ...sandboxChecks, ...egressChecks, ...secretChecks, ...fsChecks, ...loggingChecks, ...memoryChecks,
  ...skillChecks, ...browserChecks, ...browserRuleChecks, ...budgetChecks, ...backupChecks, ...deployChecks, ...hostChecks,
];
