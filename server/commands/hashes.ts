import type { CommandSpec } from './table.js';

export const hashCommands: CommandSpec[] = [];
