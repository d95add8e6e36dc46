/**
 * Sentence splitting for news text. Lines are hard boundaries (scraped articles and
 * feeds put one paragraph per line); inside a line, a terminator followed by space
 * and a capital, digit or quote ends a sentence unless it closes a known
 * abbreviation or an initial ("Nov. 23", "U.S. officials", "J. Smith").
 */
import { squashSpaces } from './spaces.js';
import { allMatches } from './matches.js';

const ABBREVIATIONS = new Set(
  [
    'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'ft', 'gen', 'col', 'lt', 'sgt', 'capt', 'cmdr', 'adm', 'gov', 'sen', 'rep', 'rev', 'hon', 'pres',
    'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
    'inc', 'ltd', 'co', 'corp', 'plc', 'bros', 'dept', 'univ', 'assn', 'est', 'approx',
    'no', 'nos', 'vol', 'fig', 'p', 'pp', 'vs', 'v', 'etc', 'al', 'cf', 'ca', 'ave', 'blvd', 'rd',
  ],
);

export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = squashSpaces(rawLine);
    if (line) splitLine(line, out);
  }
  return out;
}

// A candidate boundary: terminator(s), optional closing quotes/brackets, whitespace.
const BOUNDARY = /([.!?]+)(["'”’)\]]*)\s+(?=["'“‘(\[]?[\p{Lu}\p{N}])/gu;

function splitLine(line: string, out: string[]): void {
  let start = 0;
  for (const m of allMatches(BOUNDARY, line)) {
    const end = m.index + m[1].length + m[2].length;
    if (m[1] === '.' && !m[2] && isAbbreviation(line.slice(start, m.index))) continue;
    const sentence = line.slice(start, end).trim();
    if (sentence) out.push(sentence);
    start = m.index + m[0].length;
  }
  const rest = line.slice(start).trim();
  if (rest) out.push(rest);
}

function isAbbreviation(before: string): boolean {
  // Only the last word matters; an anchored regex over the whole line prefix would make long lines quadratic.
  const word = /([\p{L}.]+)$/u.exec(before.slice(-24))?.[1];
  if (!word) return false;
  if (/^\p{Lu}$/u.test(word)) return true; // an initial
  if (/^(\p{L}\.)+\p{L}$/u.test(word)) return true; // U.S, e.g, a.m
  return ABBREVIATIONS.has(word.toLowerCase());
}
