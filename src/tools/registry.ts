// Every tool hardshell implements. Which of them an agent is offered is policy's business.
import type { ToolDef } from './types.ts';
import { fileTools } from './files.ts';
import { memoryTools } from './memory.ts';
import { webFetchTool } from './web-fetch.ts';
import { execTool } from './exec.ts';
import { browserTool } from './browser.ts';
import { messageTool } from './message.ts';
import { sessionsSpawnTool } from './sessions-spawn.ts';

export const allTools: ToolDef[] = [...fileTools, ...memoryTools, webFetchTool, execTool, browserTool, messageTool, sessionsSpawnTool];
