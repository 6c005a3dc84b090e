import { ACL_CATEGORIES, type AclCommand, type CommandIndex } from './command-index.js';
import { type KeyPattern, Selector } from './selector.js';
import type { User } from './user.js';

/** `~p`, `%R~p` or `%W~p` (Redis's sdsCatPatternString). */
export function keyPatternText(k: KeyPattern): string {
  if (k.read && k.write) return `~${k.pattern}`;
  if (k.read) return `%R~${k.pattern}`;
  return `%W~${k.pattern}`;
}

function countCategory(index: CommandIndex, s: Selector, bit: number): { on: number; off: number } {
  let on = 0;
  let off = 0;
  for (const cmd of index.all) {
    if (!(cmd.categories & bit)) continue;
    if (s.allowed.has(cmd.id)) on++;
    else off++;
  }
  return { on, off };
}

/**
 * The command rules that rebuild a selector's permissions (Redis's
 * ACLDescribeSelectorCommandRules): start from +@all or -@all, apply the category that best fits
 * what is left to explain (more commands in common than different, fewest differences), and
 * finish with single commands, subcommands and first arguments. The rules are applied to a
 * scratch selector as they are emitted, so the result reproduces the permissions exactly.
 */
export function describeCommandRules(s: Selector, index: CommandIndex): string {
  const rules: string[] = [];
  const additive = !s.future;
  const fake = new Selector(false, false);
  fake.setAll(index, !additive);
  rules.push(additive ? '-@all' : '+@all');
  const temp = new Selector(false, false);
  temp.allowed = new Set(s.allowed);
  const applied = new Set<number>();
  for (;;) {
    let best = -1;
    let mindiff = Number.MAX_SAFE_INTEGER;
    let maxsame = 0;
    for (let j = 0; j < ACL_CATEGORIES.length; j++) {
      if (applied.has(j)) continue;
      const { on, off } = countCategory(index, temp, 1 << j);
      const diff = additive ? off : on;
      const same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
        best = j;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best === -1) break;
    const bit = 1 << best;
    fake.setCategory(index, bit, additive);
    temp.setCategory(index, bit, !additive);
    rules.push(`${additive ? '+' : '-'}@${ACL_CATEGORIES[best]}`);
    applied.add(best);
  }
  const singles = (cmds: readonly AclCommand[]): void => {
    for (const cmd of cmds) {
      const userbit = s.allowed.has(cmd.id);
      if (userbit !== fake.allowed.has(cmd.id)) {
        rules.push(`${userbit ? '+' : '-'}${cmd.fullname}`);
        fake.changePerm(cmd, userbit);
      }
      singles(cmd.subcommands);
      const firsts = s.firstArgs?.get(cmd.id);
      if (!userbit && firsts) for (const a of firsts) rules.push(`+${cmd.fullname}|${a}`);
    }
  };
  singles(index.top);
  return rules.join(' ');
}

/** A selector as ACL LIST shows it: keys, channels, commands (Redis's ACLDescribeSelector). */
export function describeSelector(s: Selector, index: CommandIndex): string {
  let res = '';
  if (s.allKeys) res += '~* ';
  else for (const k of s.keys) res += keyPatternText(k) + ' ';
  if (s.allChannels) res += '&* ';
  else {
    res += 'resetchannels ';
    for (const ch of s.channels) res += `&${ch} `;
  }
  return res + describeCommandRules(s, index);
}

/** The rules that recreate a user, as ACL LIST and ACL SAVE write them (Redis's ACLDescribeUser). */
export function describeUser(u: User, index: CommandIndex): string {
  if (u.description !== null) return u.description;
  let res = u.enabled ? 'on ' : 'off ';
  if (u.nopass) res += 'nopass ';
  if (u.sanitize === 'skip') res += 'skip-sanitize-payload ';
  if (u.sanitize === 'sanitize') res += 'sanitize-payload ';
  for (const p of u.passwords) res += `#${p} `;
  for (const s of u.selectors) {
    const d = describeSelector(s, index);
    res += s.root ? d : ` (${d})`;
  }
  u.description = res;
  return res;
}
