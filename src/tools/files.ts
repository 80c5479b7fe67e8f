// The file tools, in the order they are offered. Each goes through safe-fs for every access.
import type { ToolDef } from './types.ts';
import { readTool } from './read.ts';
import { writeTool } from './write.ts';
import { editTool } from './edit.ts';
import { grepTool } from './grep.ts';
import { findTool } from './find.ts';

export const fileTools: ToolDef[] = [readTool, writeTool, editTool, grepTool, findTool];
