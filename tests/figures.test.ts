import fc from 'fast-check';
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
    // Money "in" a noun phrase is money of that kind, quoted or not.
    expect(labels('"We need at least $20bn (£10.6bn) in investment," said Mr Maran.')).toEqual(['investment']);
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

describe('key-figure labels: the noun phrase that is grammatically the thing measured, or none', () => {
  const labels = (s: string) => figures(s).map((f) => [f.text, f.label]);

  it('takes the subject of a measure verb whose complement is the figure, through a chain of figures', () => {
    expect(labels('Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the three months to December, from $639m year-earlier.')).toEqual([
      ['76%', 'quarterly profits'],
      ['$1.13bn (£600m)', 'quarterly profits'],
      // Past a comma and an adverbial the chain is not followed: no label rather than a guess.
      ['$639m', null],
    ]);
    expect(labels('TimeWarner said fourth quarter sales rose 2% to $11.1bn from $10.9bn.')).toEqual([
      ['2%', 'fourth quarter sales'],
      ['$11.1bn', 'fourth quarter sales'],
      ['$10.9bn', 'fourth quarter sales'],
    ]);
    // An aside between the subject and its verb is stepped over.
    expect(labels('Next year’s cost-of-living adjustment, or COLA, will be 5.9%, the Social Security Administration said Wednesday.')).toEqual([['5.9%', 'cost-of-living adjustment']]);
    // A name alone (every word capitalised, not at the sentence start) is not taken: it is more often who than what.
    expect(labels('The Consumer Price Index (CPI), which tracks the cost of a variety of consumer goods as well as housing and energy prices, has risen 4.2 percent from a year ago, notably higher than the estimated 3.6 percent.')).toEqual([
      ['4.2 percent', null],
      ['3.6 percent', null],
    ]);
    // An "of" phrase that names someone is dropped from the label.
    expect(labels('The effectiveness of the Pfizer-BioNTech COVID-19 vaccine falls below 50 percent after five months, according to a new study published in The Lancet medical journal on Oct. 4.')).toEqual([['50 percent', 'effectiveness']]);
    // The head keeps a short "of" phrase and drops any other prepositional phrase.
    expect(labels('The global tally of confirmed cases of the coronavirus-borne illness COVID-19 climbed above 221 million on Tuesday, with the U.S. now accounting for more than 40 million, as the highly infectious delta variant continues to spread through the unvaccinated population.')).toEqual([
      ['221 million', 'global tally of confirmed cases'],
      ['40 million', null],
    ]);
  });

  it('takes the counted noun of a count, the noun phrase a determiner opens around the figure, and "in" or "of" phrases', () => {
    expect(labels('The Pandora Papers is a leak of almost 12 million documents that reveals hidden wealth, tax avoidance and, in some cases, money laundering by some of the world\'s rich and powerful.')).toEqual([['12 million', 'documents']]);
    expect(labels('Ethiopia produced 14.27 million tonnes of crops in 2004, 24% higher than in 2003 and 21% more than the average of the past five years, a report says.')).toEqual([
      ['14.27 million', 'crops'],
      ['24%', null],
      ['21%', null],
    ]);
    // What is bought "for" the figure.
    expect(labels('State-owned Rosneft bought the Yugansk unit for $9.3bn in a sale forced by Russia to part settle a $27.5bn tax claim against Yukos.')).toEqual([
      ['$9.3bn', 'Yugansk unit'],
      ['$27.5bn', 'tax claim'],
    ]);
    expect(labels('Pfizer said Tuesday it expects to do $26 billion in sales this year from its two-shot COVID-19 vaccine alone.')).toEqual([['$26 billion', 'sales']]);
    expect(labels('Reporting its results for the three months to 31 December 2004, the airline made a pre-tax profit of £75m ($141m) compared with £125m a year earlier.')[0]).toEqual(['£75m ($141m)', 'pre-tax profit']);
  });

  it('takes the object a verb moves, keeps or sets at the figure, and what "worth" follows', () => {
    expect(labels('New EU rules set compensation at between 250 euros (£173) and 600 euros, depending on the length of the flight.')).toEqual([
      ['250 euros (£173)', 'compensation'],
      ['600 euros', 'compensation'],
    ]);
    expect(labels('The breakneck pace of economic expansion has kept growth above 9% for more than a year.')).toEqual([['9%', 'growth']]);
    expect(labels('India has raised the limit for foreign direct investment in telecoms companies from 49% to 74%.')).toEqual([
      ['49%', 'limit'],
      ['74%', 'limit'],
    ]);
    expect(labels('The UK Film Council has awarded a contract worth £11.5m to Arts Alliance Digital Cinema (AADC), who will set up the network of up to 250 screens.')).toEqual([['£11.5m', 'contract']]);
    // "cost" may take who pays before the figure, but a name alone is never the label.
    expect(labels('The National Audit Office said the Dome cost taxpayers £28.7m to maintain and sell in the four years after it closed.')).toEqual([['£28.7m', null]]);
    expect(labels('Purchase price: €3.6m (£3.1m).')).toEqual([['€3.6m (£3.1m)', 'purchase price']]);
  });

  it('finds the noun phrase past a verb taken for a noun, a relative clause or a possessor', () => {
    // A plural ends a noun phrase, so "suggests" and "figures" close the phrase before "growth".
    expect(labels('On an annual basis, the data suggests annual growth of just 0.2%, suggesting a much more hesitant recovery than had previously been thought.')).toEqual([['0.2%', 'annual growth']]);
    expect(labels('Revised figures indicated growth of just 0.1% - and a similar-sized contraction in the previous quarter.')).toEqual([['0.1%', 'growth']]);
    expect(labels("Sir Cameron Mackintosh's lavish production, which has cost £9m to bring to the stage, was given a 10-minute standing ovation.")).toEqual([['£9m', 'lavish production']]);
    expect(labels('All postcards are priced at £35.')).toEqual([['£35', 'postcards']]);
    expect(labels('Shares of Facebook rose more than 4% on Monday following the rulings, sending the social media company’s market capitalization above $1 trillion for the first time.')).toEqual([
      ['4%', 'shares'],
      ['$1 trillion', 'market capitalization'],
    ]);
    expect(labels('The World Health Organization (WHO) is reporting a 10 percent global decline in new CCP virus cases and deaths.')).toEqual([['10 percent', 'new CCP virus cases and deaths']]);
    // A figure before an adjective measures a quality, not the subject.
    expect(labels("The Pfizer COVID-19 vaccine remains 90% effective at reducing a person's risk of hospitalization from the virus six months after it is administered, a new study has found.")).toEqual([['90%', null]]);
  });

  it('ends a counted noun phrase at its plural head, and takes a people counted by name', () => {
    expect(labels('The report reveals that approximately 15 million mobile phones go out of use every year in the UK.')).toEqual([['15 million', 'mobile phones']]);
    expect(labels('The mandate will be announced Thursday afternoon and is expected to affect as many as 100 million Americans.')).toEqual([['100 million', 'Americans']]);
    expect(labels('The plan includes about $579 billion in new spending and, including expected future spending, would cost $974 billion over five years or $1.2 trillion over eight years, multiple outlets reported.')[0]).toEqual(['$579 billion', 'new spending']);
  });

  it('gives none for a share of a whole, a unit, a vague measure noun or a verb taken for a noun', () => {
    // Units of time and repetition say how, not what, is counted.
    expect(labels('The big picture: Atmospheric CO2 concentrations were higher in 2019 than at any time in at least 2 million years.')).toEqual([['2 million', null]]);
    expect(labels('"That would mean you could see that phrase 7.1 million times."')).toEqual([['7.1 million', null]]);
    // "sold" states a price only with "for": here the company sold goods worth the figure.
    expect(labels('The Sao Paulo, Brazil-based company sold more than $50 billion...')).toEqual([['$50 billion', null]]);
    // A coordination whose head is unknown: none rather than "infrastructure".
    expect(labels("They scramble for ways to pay for President Biden's $3.5 trillion infrastructure and social spending plan.")).toEqual([['$3.5 trillion', null]]);
    expect(labels('More than 25% of the airline\'s flights were canceled on Sunday per the FlightAware tracker.')).toEqual([['25%', null]]);
    expect(labels('In 2003, crop production totalled 11.49 million tonnes, the joint report from the Food and Agriculture Organisation and the World Food Programme said.')).toEqual([['11.49 million', 'crop production']]);
    expect(labels('The drop in patience comes as the number of calls to call centres is growing at a rate of 20% every year.')).toEqual([['20%', null]]);
    expect(labels('The $1.2 trillion bill includes approximately $550 billion in...')).toEqual([
      ['$1.2 trillion', 'bill'],
      ['$550 billion', null],
    ]);
    expect(labels("Joseph O'Connor's Star of the Sea came second and saw sales increase by 350%.")).toEqual([['350%', null]]);
  });

  it('gives none for a currency code or a unit after a count', () => {
    expect(labels('Total nominal GDP of the city in 2010 amounted to 191.766 billion PLN, 111696 PLN per capita, which was 301,1 % of Polish average.')).toEqual([['191.766 billion', null]]);
    expect(labels('The LOC included Launch Complex 39, a Launch Control Center, and a 130 million cubic foot (3.7 million cubic meter) Vertical Assembly Building (VAB) in which the space vehicle was assembled.')).toEqual([
      ['130 million', null],
      ['3.7 million', null],
    ]);
  });

  it('never labels with a pronoun, an auxiliary, a digit, a quote mark or a leading or trailing function word, whatever the words around a figure', () => {
    const word = fc.constantFrom(
      'the', 'a', 'its', 'of', 'in', 'to', 'by', 'from', 'and', 'which', 'that', 'she', 'it', 'they', 'was', 'has', 'will', 'said', 'expect',
      'profits', 'sales', 'trade', 'growth', 'rose', 'fell', 'reached', 'cost', 'raised', 'kept', 'quarterly', 'annual', 'Telewest', 'Jet',
      'analysts', 'family', 'earning', 'a further', ',', '"', '“', '(', ')', '000', '12', 'per year', 'worth', 'at', 'for', 'bought', 'unit',
    );
    const figure = fc.constantFrom('$85m', '16.2%', '2.5 million', '£1.2bn', '5.7 billion ringgit ($1.37 billion)');
    const bad = /^(?:the|a|an|its|of|in|to|by|from|and|which|that|at|for)$|^(?:she|it|they|was|has|will|said|expect)$/i;
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), figure, fc.array(word, { maxLength: 6 }), (pre, fig, post) => {
        const sentence = `${[...pre, fig, ...post].join(' ')}.`;
        for (const q of findQuantities(sentence, 'en')) {
          const label = measureOf(sentence, q);
          if (label === undefined) continue;
          const words = label.split(' ');
          expect(label).not.toMatch(/[\d"“”()$£%]/);
          expect(words.some((w) => /^(?:she|it|they|was|has|will|said|expect|rose|fell|reached|kept|raised|bought|worth)$/i.test(w))).toBe(false);
          expect(bad.test(words[0]) || bad.test(words[words.length - 1])).toBe(false);
        }
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});
