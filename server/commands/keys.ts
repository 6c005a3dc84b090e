import type { CommandSpec } from './table.js';

export const keyCommands: CommandSpec[] = [];
