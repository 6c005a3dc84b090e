import type { CommandSpec } from './table.js';

export const zsetCommands: CommandSpec[] = [];
