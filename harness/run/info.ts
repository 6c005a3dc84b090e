/** One field of an INFO reply (`name:value` lines), trimmed; undefined when absent. */
export function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}
