/**
 * What a key figure measures: a noun phrase that is grammatically the thing measured,
 * or nothing. Briefs print it as `Key figure: <label>: <figure>`, so a wrong label
 * misleads and an absent one does not: every rule here abstains unless the phrase is
 * bounded on both sides by closed-class words (determiners, prepositions,
 * conjunctions, auxiliaries, pronouns) or punctuation, in one of these positions:
 *
 *  - the noun phrase a determiner opens before the figure and closes after it
 *    ("a $900m loan", "a 40% drop in profits" → "profits");
 *  - the noun counted by a count ("2.5 billion people", "12 million documents");
 *  - "<figure> in <noun phrase>" ("$26 billion in sales");
 *  - "<noun phrase> of <figure>" ("a pre-tax profit of £75m"), never for a share ("62% of voters");
 *  - the subject of a verb that states a measure ("reached", "rose to", "was",
 *    "cost", "sold for"), whose complement is the figure ("Bilateral trade reached 5.7 billion");
 *  - the object of a verb that moves a measure, "to"/"by" the figure ("push down the unemployment rate to 5.2%").
 *
 * Part-of-speech tagging (wink-nlp's English model) was measured for this and left out:
 * about 0.1 ms of CPU per sentence, so several times the per-article ingest budget
 * for an article with a handful of figures, and it runs on the answer path too.
 */
import { allMatches } from './matches.js';

interface Tok {
  text: string;
  lower: string;
  start: number;
  end: number;
  word: boolean;
}

// Abbreviations with dots ("U.S."), hyphenated words with digits ("COVID-19"), words, numbers, any other character.
const TOKEN = /(?:\p{L}\.){2,}|[\p{L}\p{M}](?:[\p{L}\p{M}\d'’-]*[\p{L}\p{M}\d])?|\d[\d.,]*\d|\d|\S/gu;

/** Typographic apostrophes as ASCII ones; most tokens have none, and a test is cheaper than a replace that finds nothing. */
const apostrophes = (s: string) => (s.includes('’') ? s.replace(/’/g, "'") : s);

function tokens(text: string, offset: number): Tok[] {
  const out: Tok[] = [];
  for (const m of allMatches(TOKEN, text)) {
    const t = m[0];
    // An acronym is a name, never the closed-class word it spells ("US", "IT").
    const lower = /^\p{Lu}{2,}$/u.test(t) ? t : apostrophes(t.toLowerCase());
    out.push({ text: t, lower, start: offset + m.index, end: offset + m.index + t.length, word: /^\p{L}/u.test(t) });
  }
  return out;
}

const set = (words: string) => new Set(words.split(/\s+/).filter(Boolean));

// Closed classes of English.
const DETERMINERS = set('a an the this that these those its their his her our your my some any every each no another');
const PREPOSITIONS = set(`of in on at by for from to with without into onto over under about around between among through during against toward towards across
  beyond behind including like amid despite following plus per via than since until upon within as after before above below near off up down out`);
const CONJUNCTIONS = set('and or but nor so yet');
const SUBORDINATORS = set('that which who whom whose where when while because although though if unless whether');
const PRONOUNS = set('i you he she it we they me him us them this that these those who whom which what there someone something anyone everyone everybody one itself themselves himself herself none all both either neither');
const AUXILIARIES = set('is are was were be been being am has have had having do does did will would could should can may might must shall');
// Verbs of saying and thinking: a phrase holding one is a clause ("analysts expect Jet").
// Only words that are never nouns: "claim", "estimate" and "hope" are often what a figure measures.
const REPORTING = set('say says said tell tells told according expect expects expected believe believes think thinks reckon reckons suggest suggests predict predicts warn warns');
// Words of time and place manner that end a noun phrase after a figure ("a $3.5 trillion budget blueprint early Wednesday").
const ADVERBIAL = set(`today yesterday tomorrow now then already still also just only even again ever never soon early late earlier later ago annually daily weekly monthly yearly
  overall alone worldwide nationwide globally overseas abroad apiece each instead too either altogether respectively
  monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december`);
// What can stand between a verb or "of" and its figure ("rose by as much as 30%", "a profit of about $3bn").
const HEDGES = set('about around roughly approximately some nearly almost just only over under more less than up as much many little at least most close an a estimated record further extra additional below above beyond barely well');
// Units a count is stated in: what is counted follows "of" ("14.27 million tonnes of crops").
const UNITS = set('foot inch inches yards metre meter kilometre kilometer mile ton tonne years months weeks days hours minutes seconds decades centuries times tonnes tons barrels barrel pounds pound kilograms kilos kilogram litres liters gallons gallon miles kilometres kilometers acres acre hectares square cubic metres meters feet units pieces');
// Single nouns that name a kind of value rather than what it measures ("a peak of 88%", "a rate of 20%").
const VAGUE = set('rate level peak high low record total sum amount figure average maximum minimum share proportion percentage part portion majority minority half number value increase rise fall drop decline gain jump cut');
const CHANGE_NOUNS = set('rise fall drop increase decrease gain growth decline jump cut hike reduction slump surge improvement boost');

// Verbs whose subject is what the figure measures when the figure is their complement.
// Agentive verbs ("posted", "earned", "raised", "spent") are not here: their subject is who, not what.
const MEASURE_VERBS = set(`reach reaches reached reaching rise rises rose risen rising fall falls fell fallen falling jump jumps jumped jumping climb climbs climbed climbing
  drop drops dropped dropping decline declines declined declining grow grows grew grown growing increase increases increased increasing
  decrease decreases decreased decreasing total totals totalled totaled totalling totaling stand stands stood standing hit hits hitting
  amount amounts amounted come comes came surge surges surged surging slump slumps slumped soar soars soared soaring plunge plunges plunged plunging
  top tops topped topping exceed exceeds exceeded exceeding slide slides slid sliding slip slips slipped slipping tumble tumbles tumbled tumbling
  gain gains gained lose loses lost double doubles doubled triple triples tripled halve halves halved remain remains remained stay stays stayed
  cost costs costing sell sells sold fetch fetches fetched valued worth is are was were be been edge edges edged dip dips dipped sink sinks sank shrink shrinks shrank shrunk
  underreported overstated understated`);
// Verbs whose object is what the figure measures, moved "to" or "by" it ("raised the limit ... to 74%").
const MOVE_VERBS = set(`raise raises raised raising cut cuts cutting lower lowers lowered lowering increase increases increased increasing reduce reduces reduced reducing
  slash slashes slashed slashing push pushes pushed pushing boost boosts boosted boosting lift lifts lifted lifting set sets setting put puts putting
  send sends sent sending drive drives drove driving take takes took taking
  extend extends extended extending hike hikes hiked hiking trim trims trimmed trimming revise revises revised revising bring brings brought bringing`);
// Between a verb and its figure: auxiliaries, adverbs and the raising verbs of "was expected to be $20".
const VERB_LINKS = set('to be by at from above below around under over expected forecast projected estimated set due likely seen valued priced put');

// Adverbs that stand between a subject and its verb ("has recently jumped"); "alone" or "worldwide" end a noun phrase instead.
const preVerbAdverb = (w: string) => ['also', 'still', 'now', 'already', 'just', 'only', 'even', 'again', 'ever', 'never', 'soon'].includes(w) || lyAdverb(w);
// Verbs of trade state a price only with "for" ("has sold for $57.5 million"); "sold $50 billion" is goods.
const TRADE_MEASURES = set('sell sells sold selling');
// Quantifiers that open a subject like a determiner ("All postcards are priced at £35").
const QUANTIFIERS = set('all both most many few several');
const POSTMODIFIERS = set('worth valued priced costing totalling totaling');
const SUBJECT_PREPOSITIONS = set('in at for on among across within');
const closed = (w: string) =>
  DETERMINERS.has(w) || PREPOSITIONS.has(w) || CONJUNCTIONS.has(w) || SUBORDINATORS.has(w) || PRONOUNS.has(w) || AUXILIARIES.has(w) || REPORTING.has(w);
// -ly words that are not adverbs.
const LY_NOUNS = set('family supply july italy rally ally assembly monopoly reply anomaly homily belly jelly bully lily holly');
// Plural nouns, not nouns that merely end in s ("news", "sales" is a plural that compounds).
const plural = (w: string) => /[^su'’]s$/.test(w) && !['sales', 'news', 'series', 'species', 'means', 'goods', 'earnings', 'savings', 'arms', 'us'].includes(w) && w.length > 3;
const lyAdverb = (w: string) => /ly$/.test(w) && w.length > 4 && !LY_NOUNS.has(w);
const adverb = (w: string) => ADVERBIAL.has(w) || lyAdverb(w) || /wide$/.test(w);
// Words that open a verb's object: a word right before one is a verb ("Americans quit their jobs").
const OBJECT_OPENERS = set('a an the its their his our my your these those them him us me');
const possessive = (t: Tok | undefined) => !!t && t.word && /['’]s$|s['’]$/.test(t.text);
const content = (t: Tok | undefined) => !!t && t.word && !closed(t.lower) && !adverb(t.lower) && !possessive(t);

const inFigure = (t: Tok, others: readonly FigureSpan[]) => others.some((o) => t.start >= o.index && t.end <= o.index + o.text.length);

export interface FigureSpan {
  text: string;
  index: number;
  kind?: 'money' | 'percent' | 'count';
}

/**
 * What a figure measures, as a noun phrase ("Bilateral trade reached 5.7 billion
 * ringgit" → "bilateral trade"; "posted a profit of $3.36bn" → "profit"), or
 * undefined when the sentence does not name it as one: never a pronoun, a clause
 * fragment, a quote or a piece of a number.
 */
export function labelFigure(sentence: string, q: FigureSpan, others: readonly FigureSpan[] = []): string | undefined {
  const before = tokens(sentence.slice(0, q.index), 0);
  const end = q.index + q.text.length;
  const after = tokens(sentence.slice(end), end);
  const kind = q.kind ?? kindOf(q.text);
  // A share of a whole ("62% of voters", "half of") names the whole, not what is measured.
  if (kind === 'percent' && after[0]?.lower === 'of') return undefined;
  const figure: Figure = { sentence, before, after, kind, others };
  for (const [rule, name] of RULES) {
    const label = tidy(rule(figure), sentence, name);
    if (label) return label;
  }
  return undefined;
}

/** A figure in its sentence, as the rules read it. */
interface Figure {
  sentence: string;
  before: Tok[];
  after: Tok[];
  kind: FigureSpan['kind'];
  others: readonly FigureSpan[];
}

// The rules in the order they are tried, made once (labelFigure runs for every figure at ingest), each with
// whether a capitalised word alone may be its label: what a count counts may be "Americans".
const RULES: [(f: Figure) => string | undefined, boolean][] = [
  [(f) => changeIn(f.before, f.after), false],
  [(f) => (f.kind === 'count' ? counted(f.after) : undefined), true],
  [(f) => modified(f.before, f.after), false],
  [(f) => (f.kind !== 'percent' ? inPhrase(f.after) : undefined), false],
  [(f) => nounOf(f.before), false],
  // "remains 90% effective", "24% higher": the figure measures a quality, not the subject.
  [(f) => (adjectival(f.after) ? undefined : subjectOf(f.sentence, f.before, f.others)), false],
  [(f) => heading(f.before), false],
  [(f) => objectOf(f.before, f.others), false],
];

function adjectival(after: Tok[]): boolean {
  const w = after[0];
  return !!w && w.word && (/(?:er|ive|able|ible|ful|ous)$/.test(w.lower) || ['more', 'less', 'likely', 'cheaper', 'up', 'down', 'off'].includes(w.lower)) && !content(after[1]);
}

function kindOf(text: string): FigureSpan['kind'] {
  if (/%|per\s?cent|percent|percentage/i.test(text)) return 'percent';
  if (/[$£€¥₹₦₩]|dollar|euro|pound|yen|yuan|rupee|ringgit|CFA|USD|EUR|GBP/i.test(text)) return 'money';
  return 'count';
}

/** Skips the hedge words right before a figure ("of just 0.2%", "a roughly $3.5 trillion"): the index of the word before them. */
function skipHedges(before: Tok[]): number {
  let i = before.length - 1;
  for (;;) {
    const w = before[i]?.lower ?? '';
    if (w === 'to' && before[i - 1]?.lower === 'up') i -= 2;
    else if (HEDGES.has(w) && !(DETERMINERS.has(w) && !HEDGES.has(before[i + 1]?.lower ?? ''))) i--;
    else return i;
  }
}

/** The opener of a noun phrase before the figure: a determiner or a possessive ("Biden's 52% approval"). */
function openedBefore(before: Tok[]): boolean {
  let i = before.length - 1;
  // "a roughly $3.5 trillion budget", "an estimated $60 million estate"
  while (i >= 0 && (adverb(before[i].lower) || ['estimated', 'nearly', 'almost', 'about', 'roughly', 'approximately', 'some', 'record', 'further', 'extra', 'additional', 'new'].includes(before[i].lower))) i--;
  const t = before[i];
  return !!t && (['a', 'an', 'the', 'its', 'their', 'his', 'her', 'our', 'this', 'that'].includes(t.lower) || possessive(t));
}

/**
 * A noun phrase starting at after[from]: content words up to the first closed-class word,
 * adverb or punctuation. A word followed by a determiner or pronoun is a verb taking an
 * object ("Americans quit their jobs"), and a participle after the first word starts a
 * clause ("documents detailing"), so the phrase ends before them.
 */
function phraseAt(after: Tok[], from: number, max = 4): { words: Tok[]; next: number } {
  const words: Tok[] = [];
  let i = from;
  for (; i < after.length && words.length < max; i++) {
    const t = after[i];
    const next = after[i + 1];
    // An -ly word first, before a noun, is an adjective ("a $1bn quarterly profit").
    const modifier = words.length === 0 && /ly$/.test(t.lower) && !ADVERBIAL.has(t.lower) && !closed(t.lower) && content(next);
    if (!content(t) && !modifier) break;
    if (next && next.word && OBJECT_OPENERS.has(next.lower)) break;
    // A word right before a number takes it as its object ("the bill includes $550 billion").
    let k = i + 1;
    while (after[k] && (HEDGES.has(after[k].lower) || adverb(after[k].lower))) k++;
    if (after[k] && !after[k].word && /^[\d$£€¥₹]/u.test(after[k].text)) break;
    // A participle after the head starts a clause ("the $204m announced by"); "new spending" is a noun.
    if ((/ed$/.test(t.lower) && (words.length > 0 || !content(next))) || (/ing$/.test(t.lower) && words.length === 0 && !content(next))) break;
    words.push(t);
    // A plural ends a noun phrase: the words of a compound before its head are singular ("mobile phones go out").
    if (plural(t.lower)) {
      i++;
      // "new CCP virus cases and deaths": a plural coordinated with another plural.
      if (after[i]?.lower === 'and' && content(after[i + 1]) && plural(after[i + 1].lower) && !content(after[i + 2])) {
        words.push(after[i], after[i + 1]);
        i += 2;
      }
      break;
    }
  }
  // "$3.5 trillion infrastructure and social spending plan": a coordination whose head is unknown gives no phrase.
  if (after[i]?.lower === 'and' && content(after[i + 1]) && words.length && !plural(words[words.length - 1].lower)) return { words: [], next: from };
  // A phrase cut by the length limit did not end where the noun phrase does.
  if (words.length === max && content(after[i])) return { words: [], next: from };
  return { words, next: i };
}

const text = (sentence: Tok[]) => sentence.map((t) => t.text).join(' ');

/** "a 40% drop in profits", "a 5.9% boost in benefits": what rose or fell. */
function changeIn(before: Tok[], after: Tok[]): string | undefined {
  let i = 0;
  while (i < after.length - 1 && content(after[i]) && !CHANGE_NOUNS.has(after[i].lower) && i < 2) i++;
  if (!CHANGE_NOUNS.has(after[i]?.lower ?? '') || !['in', 'of'].includes(after[i + 1]?.lower ?? '')) return undefined;
  if (!openedBefore(before) && before.length > 0) return undefined;
  let from = i + 2;
  if (after[from]?.lower === 'the') from++;
  const { words } = phraseAt(after, from);
  return words.length ? text(words) : undefined;
}

/** "2.5 billion people", "14.27 million tonnes of crops", "225 million of those trees": what a count counts. */
function counted(after: Tok[]): string | undefined {
  let from = 0;
  if (after[0]?.lower === 'of' && ['those', 'the', 'these', 'them'].includes(after[1]?.lower ?? '')) from = 2;
  else if (UNITS.has(after[0]?.lower ?? '') && after[1]?.lower === 'of') from = 2;
  // "11.49 million tonnes": a unit alone is how, not what, it counts.
  if (from === 0 && UNITS.has(after[0]?.lower ?? '')) return undefined;
  const { words } = phraseAt(after, from);
  // An acronym alone after a count is a currency or a unit ("191.766 billion PLN"), not what is counted.
  if (words.length === 1 && /^\p{Lu}{2,}$/u.test(words[0].text)) return undefined;
  return words.length ? text(words) : undefined;
}

/** "a $900m (£479m) loan", "the $3.5 trillion budget blueprint": the noun phrase a determiner opens before the figure and closes after it. */
function modified(before: Tok[], after: Tok[]): string | undefined {
  if (!openedBefore(before)) return undefined;
  const { words, next } = phraseAt(after, 0);
  // "a 130 million cubic foot building": a unit is how the figure is stated.
  if (!words.length || UNITS.has(words[0].lower)) return undefined;
  // "the $3.5 trillion makeover of the American social safety net": a single vague head takes its "of" phrase.
  if (after[next]?.lower === 'of' && words.length === 1) {
    let from = next + 1;
    if (after[from]?.lower === 'the') from++;
    const of = phraseAt(after, from);
    if (of.words.length && !content(after[of.next])) return `${text(words)} of ${after[from - 1].lower === 'the' ? 'the ' : ''}${text(of.words)}`;
  }
  return text(words);
}

/** "$26 billion in sales", "540bn yen in fresh financial backing": money or a count stated in something. */
function inPhrase(after: Tok[]): string | undefined {
  if (after[0]?.lower !== 'in') return undefined;
  const first = after[1];
  // "in London", "in 2004", "in a sale": a place, a time or a new noun phrase, not what the money is.
  if (!first || !content(first) || /^\p{Lu}/u.test(first.text)) return undefined;
  const { words, next } = phraseAt(after, 1, 3);
  if (!words.length || words.some((w) => /^\p{Lu}/u.test(w.text) && !/^(?:\p{Lu}+|\p{Lu}[\p{L}]*-\d+)$/u.test(w.text))) return undefined;
  // A noun phrase in a time expression ("in the fourth quarter"), or followed by its own "of" ("in terms of"), is no amount.
  if (after[next]?.lower === 'of') return undefined;
  return text(words);
}

/** "a pre-tax profit of £75m", "an annual income of $80,000": the noun phrase before "of". */
function nounOf(before: Tok[]): string | undefined {
  const i = skipHedges(before);
  // "The demand for $280bn": "for" names what a noun asks or stands for only in a subject at the clause start.
  const link = before[i]?.lower;
  if (link !== 'of' && link !== 'for') return undefined;
  const words: Tok[] = [];
  let j = i - 1;
  for (; j >= 0 && words.length < 4; j--) {
    if (!content(before[j])) break;
    words.unshift(before[j]);
  }
  // The phrase must be opened by a determiner, a possessive, a preposition, punctuation or the sentence start.
  const opener = before[j];
  if (words.length === 0 || (opener && opener.word && !DETERMINERS.has(opener.lower) && !PREPOSITIONS.has(opener.lower) && !possessive(opener) && !CONJUNCTIONS.has(opener.lower) && !REPORTING.has(opener.lower))) return undefined;
  if (link === 'for' && !(opener && DETERMINERS.has(opener.lower) && clauseStart(before, j - 1))) return undefined;
  // A plural ends a noun phrase, so one before the head closes an earlier phrase ("the data suggests annual growth of", "figures indicated growth of").
  let closedAt = -1;
  for (let k = 0; k < words.length - 1; k++) if (plural(words[k].lower)) closedAt = k;
  if (closedAt !== -1) words.splice(0, closedAt + 1);
  // A verb's past form or participle at the start governs the phrase ("indicated growth of").
  while (words.length > 1 && /(?:ed|ing)$/.test(words[0].lower)) words.shift();
  return text(words);
}

/**
 * "Bilateral trade reached 5.7 billion", "Quarterly profits ... jumped 76% to $1.13bn from
 * $639m", "The salary range is $120,000 to $170,000": the subject of a measure verb whose
 * complement is the figure (other figures of the same chain may stand between).
 */
function subjectOf(sentence: string, before: Tok[], others: readonly FigureSpan[]): string | undefined {
  // Walk back from the figure over its links to the verb: prepositions, hedges, adverbs, auxiliaries, other figures.
  let i = before.length - 1;
  let verb = -1;
  let steps = 0;
  for (; i >= 0 && steps < 12; i--, steps++) {
    const t = before[i];
    if (inFigure(t, others)) continue;
    if (TRADE_MEASURES.has(t.lower) && before[i + 1]?.lower !== 'for') return undefined;
    if (MEASURE_VERBS.has(t.lower) || (t.lower === 'at' && /^(?:valued|priced|estimated|put|set)$/.test(before[i - 1]?.lower ?? ''))) {
      verb = i;
      // "was expected to be $20": keep going back to the finite verb.
      if (AUXILIARIES.has(t.lower) || t.lower === 'be') {
        let k = i - 1;
        while (k >= 0 && (VERB_LINKS.has(before[k].lower) || adverb(before[k].lower) || AUXILIARIES.has(before[k].lower))) k--;
        verb = k + 1;
      }
      break;
    }
    // "the Dome cost taxpayers £28.7m": the one who pays stands between "cost" and the figure.
    if (steps === 0 && (content(t) || PRONOUNS.has(t.lower)) && ['cost', 'costs', 'costing'].includes(before[i - 1]?.lower ?? '')) continue;
    // "remains at a breakneck 9.1%": an adjective between an article and the figure.
    if (steps === 0 && content(t) && ['a', 'an'].includes(before[i - 1]?.lower ?? '')) continue;
    if (!(VERB_LINKS.has(t.lower) || HEDGES.has(t.lower) || adverb(t.lower) || AUXILIARIES.has(t.lower) || t.text === '-' || t.text === '–' || t.lower === 'and' || t.lower === 'year-on-year' || t.lower === 'year-over-year')) return undefined;
  }
  if (verb < 0) return undefined;
  // Back over auxiliaries and adverbs ("has recently jumped", "will be") to the subject's last word.
  let j = verb - 1;
  while (j >= 0 && (AUXILIARIES.has(before[j].lower) || preVerbAdverb(before[j].lower) || before[j].lower === 'to' || VERB_LINKS.has(before[j].lower))) j--;
  // "The Consumer Price Index (CPI), which tracks ..., has risen": the subject stands before a parenthesis or a relative clause.
  for (let k = -2; k !== j && j >= 0; ) {
    k = j;
    j = backOverAside(before, j);
  }
  if (j < 0) return undefined;
  const words: Tok[] = [];
  for (; j >= 0; j--) {
    const t = before[j];
    if (MEASURE_VERBS.has(t.lower) || MOVE_VERBS.has(t.lower)) break;
    if (DETERMINERS.has(t.lower) && (before[j - 1]?.lower === 'of' || SUBJECT_PREPOSITIONS.has(before[j - 1]?.lower ?? '')) && words.length > 0) {
      words.unshift(t);
      continue;
    }
    // A prepositional phrase inside the subject ("profits at US media giant TimeWarner"); headOf cuts it.
    if (SUBJECT_PREPOSITIONS.has(t.lower) && words.length > 0 && content(before[j - 1])) {
      words.unshift(t);
      continue;
    }
    // An -ly word before a noun of the subject modifies it ("Quarterly profits", "highly infectious variant").
    const modifier = words.length > 0 && /ly$/.test(t.lower) && !ADVERBIAL.has(t.lower) && !closed(t.lower);
    if (content(t) || modifier || (t.lower === 'of' && words.length > 0) || (possessive(t) && words.length > 0) || (t.lower === 'and' && words.length > 0 && content(before[j - 1]) && !/^\p{Lu}/u.test(before[j - 1].text))) {
      words.unshift(t);
      if (words.length > 14) return undefined;
      continue;
    }
    break;
  }
  const opener = before[j];
  // The subject starts at the clause start: the sentence start, punctuation, a determiner, a conjunction or subordinator.
  // "Sir Cameron Mackintosh's lavish production, which has cost £9m": the subject of a relative clause is the noun phrase before it.
  if (!words.length && ['which', 'that'].includes(before[j]?.lower ?? '') && before[j - 1]?.text === ',') {
    let k = j - 2;
    const head: Tok[] = [];
    for (; k >= 0 && (content(before[k]) || (possessive(before[k]) && head.length > 0)); k--) head.unshift(before[k]);
    if (head.length && clauseStart(before, k)) {
      words.push(...head);
      j = k;
    }
  }
  // After a noun phrase, "worth" or "valued at" modifies it wherever it stands ("awarded a contract worth £11.5m").
  const modifies = POSTMODIFIERS.has(before[verb].lower) && DETERMINERS.has(before[j]?.lower ?? '');
  if (!clauseStart(before, j) && !modifies) return undefined;
  // A possessive opening the subject is its determiner ("Next year's cost-of-living adjustment").
  const owner = words.slice(0, -1).findIndex((w, k) => possessive(w) && !words.slice(k + 1).some((x) => x.lower === 'of' || possessive(x)));
  if (owner !== -1 && !words.slice(0, owner).some((w) => w.lower === 'of')) words.splice(0, owner + 1);
  while (words.length && (words[0].lower === 'of' || words[0].lower === 'and')) words.shift();
  return headOf(words, sentence);
}

/** "Purchase price: €3.6m": a short noun phrase that is all the sentence says before a colon and the figure. */
function heading(before: Tok[]): string | undefined {
  if (before.length < 2 || before[before.length - 1].text !== ':' || before.length > 5) return undefined;
  const words = before.slice(0, -1);
  return words.every((w) => content(w)) ? text(words) : undefined;
}

/** Whether a clause starts at before[j]: the sentence start, punctuation, a conjunction, a subordinator, a verb of saying, or a determiner after one of those. */
function clauseStart(before: Tok[], j: number): boolean {
  const t = before[j];
  if (!t) return true;
  if (!t.word) return /^[,;:(—–"“-]$/.test(t.text);
  if (CONJUNCTIONS.has(t.lower) || SUBORDINATORS.has(t.lower) || REPORTING.has(t.lower)) return true;
  // "as the number of calls ... is growing": "as" starts a clause before a determiner; "identifying as white" is a preposition.
  return (DETERMINERS.has(t.lower) || QUANTIFIERS.has(t.lower)) && (before[j - 1]?.lower === 'as' || clauseStart(before, j - 1));
}

/** Skips back over "(CPI)" or ", which ... ," or ", or COLA," between a subject and its verb: the index of the subject's last word. */
function backOverAside(before: Tok[], j: number): number {
  if (before[j]?.text === ')') {
    const open = before.map((t) => t.text).lastIndexOf('(', j);
    return open > 0 ? open - 1 : -1;
  }
  if (before[j]?.text === ',') {
    let k = j - 1;
    while (k >= 0 && before[k].text !== ',') k--;
    const aside = before[k + 1];
    if (k > 0 && aside && ['which', 'who', 'or'].includes(aside.lower)) return k - 1;
    return -1;
  }
  return j;
}

/**
 * The head of a subject and its first "of" phrase when that is short and names no one
 * ("global tally of confirmed cases", but "art collection" of "... Gianni Versace");
 * any other prepositional phrase is cut ("Allied Domecq shares in London" → "Allied Domecq shares").
 */
function headOf(words: Tok[], _sentence: string): string | undefined {
  const head: Tok[] = [];
  let i = 0;
  for (; i < words.length && !PREPOSITIONS.has(words[i].lower); i++) head.push(words[i]);
  if (words[i]?.lower === 'of') {
    const of: Tok[] = [];
    for (let k = i + 1; k < words.length && words[k].lower !== 'of' && !(PREPOSITIONS.has(words[k].lower)); k++) of.push(words[k]);
    const named = of.some((w, k) => /^\p{Lu}/u.test(w.text) && !(k === 0 && DETERMINERS.has(w.lower)));
    if (of.length && of.length <= 4 && !named) head.push(words[i], ...of);
  }
  return head.length ? text(head) : undefined;
}

// Prepositions that link a moved or kept measure to its figure, and those between figures of one move ("from 49% to 74%").
const OBJECT_LINKS = set('to by from at above below between and');
// Verbs that keep a measure at a figure ("kept growth above 9%", "set compensation at 250 euros").
const KEEP_VERBS = set('keep keeps kept keeping hold holds held holding leave leaves left leaving');
// Verbs whose object is bought or sold "for" the figure.
const TRADE_VERBS = set('buy buys bought buying sell sells sold selling acquire acquires acquired acquiring purchase purchases purchased purchasing auction auctions auctioned');

/**
 * "push down the unemployment rate to 5.2%", "raised the limit for foreign direct investment ...
 * from 49% to 74%", "kept growth above 9%", "bought the Yugansk unit for $9.3bn": the object of a
 * verb that moves, keeps or trades a measure, linked to the figure by a preposition.
 */
function objectOf(before: Tok[], others: readonly FigureSpan[]): string | undefined {
  let i = before.length - 1;
  let link: string | undefined;
  for (; i >= 0; i--) {
    const t = before[i];
    if (inFigure(t, others)) continue;
    if (OBJECT_LINKS.has(t.lower) || t.lower === 'for') link = t.lower;
    else if (!HEDGES.has(t.lower)) break;
    if (t.lower === 'for') {
      i--;
      break;
    }
  }
  if (!link || link === 'and') return undefined;
  const words: Tok[] = [];
  for (; i >= 0 && words.length < 8; i--) {
    const t = before[i];
    if (content(t) || ((t.lower === 'for' || t.lower === 'of' || t.lower === 'in') && words.length > 0)) words.unshift(t);
    else break;
  }
  const governs = (k: number) => {
    const verb = before[k]?.lower ?? '';
    if (link === 'for') return TRADE_VERBS.has(verb);
    return MOVE_VERBS.has(verb) || KEEP_VERBS.has(verb) || ((verb === 'down' || verb === 'up') && MOVE_VERBS.has(before[k - 1]?.lower ?? ''));
  };
  // The object follows its verb directly ("kept growth"), or a determiner or possessive after it ("raised the limit").
  let inside = -1;
  words.forEach((w, k) => {
    if (governs(before.indexOf(w))) inside = k;
  });
  if (inside !== -1) words.splice(0, inside + 1);
  else {
    // "sending the social media company's market capitalization above $1 trillion": past the determiner or the possessor to the verb.
    let k = i;
    if (possessive(before[k])) {
      k--;
      while (k >= 0 && content(before[k])) k--;
      if (!DETERMINERS.has(before[k]?.lower ?? '')) k++;
    }
    if (!(['the', 'its', 'their', 'his', 'her', 'our'].includes(before[k]?.lower ?? '') || possessive(before[k])) || !governs(k - 1)) return undefined;
  }
  if (!words.length) return undefined;
  // The noun phrase is its head and a "for"/"of" phrase; "in" starts an adverbial.
  const cut = words.findIndex((w) => w.lower === 'in');
  return headOf(cut === -1 ? words : words.slice(0, cut), '');
}

// Past forms of the measure, move, keep and trade verbs, and "worth": never in a noun phrase ("increase" or "cut" may be nouns, "rose" is not).
const PAST_FORMS = set('rose risen fell fallen grew grown came stood slid sank shrank shrunk lost took sent drove kept held left sold bought brought put worth');
const verbForm = (w: string) => PAST_FORMS.has(w) || (/ed$/.test(w) && (MEASURE_VERBS.has(w) || MOVE_VERBS.has(w) || KEEP_VERBS.has(w) || TRADE_VERBS.has(w)));

/** The label as a reader sees it, or undefined when it is not a noun phrase. */
function tidy(raw: string | undefined, sentence: string, name = false): string | undefined {
  if (!raw) return undefined;
  const label = raw.replace(/\s+/g, ' ').replace(/\s+([’'])/g, '$1').trim();
  // Digits outside a hyphenated name ("COVID-19"), quotes, brackets or symbols: a piece of a number or of a quote.
  if (/[\d"“”()[\]$£€¥%/]/u.test(label.replace(/\p{L}-\d+/gu, '')) || !/\p{L}/u.test(label)) return undefined;
  const words = label.split(' ');
  if (words.length > 8) return undefined;
  const lower = words.map((w) => w.toLowerCase().replace(/['’]s$/, ''));
  if (lower.some((w) => PRONOUNS.has(w) || AUXILIARIES.has(w) || REPORTING.has(w) || verbForm(w))) return undefined;
  if (closed(lower[0]) || closed(lower[lower.length - 1])) return undefined;
  if (words.length === 1 && VAGUE.has(lower[0])) return undefined;
  // Names alone (every word capitalised, not just the sentence's first) are who, not what is measured.
  const atStart = sentence.trimStart().startsWith(label);
  if (!name && words.every((w) => /^\p{Lu}/u.test(w)) && (!atStart || words.length > 1 || /^\p{Lu}{2,}$/u.test(label))) return undefined;
  // Sentence-initial capitals are not names: "Bilateral trade" -> "bilateral trade", but "TimeWarner" stays.
  return atStart && /^\p{Lu}\p{Ll}+(?:\s|$)/u.test(label) && !/^\p{Lu}\p{Ll}+\s\p{Lu}/u.test(label) ? label[0].toLowerCase() + label.slice(1) : label;
}
