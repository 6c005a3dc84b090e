import type { CommandSpec } from './table.js';

export const transactionCommands: CommandSpec[] = [];
