import { describe, expect, it } from 'vitest';
import { findQuantities, measureOf } from '../src/nlp/quantities.js';
import { guessLanguage } from '../src/nlp/language.js';
import { summarizeText } from '../src/summarize/summarize.js';
import { formatFigure } from '../src/summarize/summary.js';

const figures = (s: string, lang?: string) => findQuantities(s, lang).map((q) => ({ text: q.text, value: q.value, label: measureOf(s, q) ?? null }));

describe('key figures: whole spans, read in the article\'s language', () => {
  it('reads a decimal comma in Portuguese, German, French and Spanish', () => {
    expect(findQuantities('O índice Dow Jones fechou nesta segunda-feira em baixa de 0,68% em mais um pregão.', 'pt').map((q) => [q.text, q.value])).toEqual([['0,68%', 0.68]]);
    expect(findQuantities('Der Umsatz stieg um 1.234,5 Millionen Euro.', 'de').map((q) => [q.text, q.value])).toEqual([['1.234,5 Millionen Euro', 1234.5]]);
    expect(findQuantities('Le chômage a reculé de 7,3 pour cent.', 'fr').map((q) => [q.text, q.value])).toEqual([['7,3 pour cent', 7.3]]);
    expect(findQuantities('La inflación subió un 2,5% en marzo.', 'es-ES').map((q) => [q.text, q.value])).toEqual([['2,5%', 2.5]]);
  });

  it('never gives a piece of a number: "0,68%" read as English is no figure rather than "68%"', () => {
    expect(findQuantities('Dow Jones fechou em baixa de 0,68%.')).toEqual([]);
    expect(findQuantities('Exports rose 1,234.5% and 12,5 percent.', 'en').map((q) => q.text)).toEqual(['1,234.5%']);
  });

  it('keeps a figure stated in several currencies, and a range in one scale, as one span', () => {
    expect(figures('It spent 59.2 trillion rupiah ($6.58bn; £3.5bn) on fuel subsidies in 2004.')).toEqual([{ text: '59.2 trillion rupiah ($6.58bn; £3.5bn)', value: 59.2, label: null }]);
    expect(figures('The government hopes to increase the number of mobile users from 95 million to between 200 and 250 million by 2007.').map((f) => f.text)).toEqual(['95 million', '200 and 250 million']);
  });

  it('labels a figure with the noun phrase naming what is measured', () => {
    expect(figures('Bilateral trade reached 5.7 billion ringgit ($1.37 billion), dominated by palm oil.')).toEqual([{ text: '5.7 billion ringgit ($1.37 billion)', value: 5.7, label: 'bilateral trade' }]);
    expect(figures('For the full-year, TimeWarner posted a profit of $3.36bn, up 27% from its 2003 performance, while revenues grew 6.4% to $42.09bn.').map((f) => [f.text, f.label])).toEqual([
      ['$3.36bn', 'profit'],
      ['27%', null],
      ['6.4%', 'revenues'],
      ['$42.09bn', 'revenues'],
    ]);
    expect(figures('British Airways has blamed high fuel prices for a 40% drop in profits.').map((f) => f.label)).toEqual(['profits']);
    expect(figures('The Telegraph Group says the cuts are needed to fund an £150m investment in new printing facilities.').map((f) => f.label)).toEqual(['investment']);
    expect(figures('Nevertheless it was enough to push down the unemployment rate to 5.2%, its lowest level since September 2001.').map((f) => f.label)).toEqual(['unemployment rate']);
  });

  it('gives no label rather than a pronoun, a clause fragment, a quote or a number piece', () => {
    const labels = (s: string) => figures(s).map((f) => f.label);
    expect(labels('She earned $85m last year.')).toEqual([null]);
    expect(labels('The deal ended up earning the family a further $85m.')).toEqual([null]);
    expect(labels('For Telewest it was £1.2bn.')).toEqual([null]);
    expect(labels('Shares rose because analysts expect Jet to post £30m.')).toEqual([null]);
    expect(labels('"We are still considering if a 30% hike is suitable at the moment.')).toEqual(['hike']);
    expect(labels('"We need at least $20bn (£10.6bn) in investment," said Mr Maran.')).toEqual([null]);
    expect(labels('It raised £250,000 from a sale.')).toEqual([null]);
    expect(labels('IBM is spending $100m (£52m) over the next three years.')).toEqual([null]);
  });

  it('a Portuguese item with no declared language is read as Portuguese, and its key figure is 0,68%', () => {
    const body = 'O índice Dow Jones Industrial fechou nesta segunda-feira em baixa de 0,68% em mais um pregão marcado pela tensão comercial entre os Estados Unidos e a China.';
    expect(guessLanguage(body)).toBe('pt');
    expect(guessLanguage('The Dow Jones industrial average closed 0.68% lower on Monday as trade tensions between the United States and China weighed on shares.')).toBe('en');
    const summary = summarizeText(body, { language: guessLanguage(body) });
    expect(summary.figures.map(formatFigure)).toEqual(['0,68%']);
  });
});
