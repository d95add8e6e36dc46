import { stemmer } from 'stemmer';

/** Words of English that carry no topic; questions and search terms drop them. */
export const STOPWORDS = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below between both but by
can could did do does doing don't down during each few for from further had has have having he her here hers herself him himself his how
i if in into is isn't it it's its itself just let's me more most my myself no nor not now of off on once only or other ought our ours ourselves
out over own same she should so some such than that that's the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves
s t did said says say tell told us one also get got may might must shall whose upon per via yet ever`.split(/\s+/),
);

/** Lowercased word tokens (letters, digits, inner apostrophes/hyphens/dots in numbers). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’.,-][\p{L}\p{N}]+)*/gu) ?? [];
}

export function stem(word: string): string {
  return word.length > 3 ? stemmer(word) : word;
}

/** Content terms: lowercased, stopwords removed, stemmed. Numbers are kept whole. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    for (const part of /\p{N}/u.test(w) ? [w.replace(/[’']/g, '')] : w.split(/['’-]/)) {
      if (part.length === 0 || STOPWORDS.has(part)) continue;
      out.push(/\p{N}/u.test(part) ? part : stem(part));
    }
  }
  return out;
}
