/** A brief definition from briefs/ (validated by the loader). */
export interface BriefDefinition {
  name: string;
  /** Heading of the posted brief; defaults to a title made from the name. */
  title?: string;
  /** Five- or six-field cron expression, evaluated in `timezone`. */
  schedule: string;
  /** IANA zone, e.g. 'Europe/London'. */
  timezone: string;
  /** How far back a run looks: a fixed duration, or since the previous run of this brief. */
  window: { kind: 'duration'; ms: number } | { kind: 'since-previous-run'; fallbackMs: number };
  /** Keywords or topics; a story matches when its title or body mentions any. Empty: everything. */
  topics: string[];
  /** Source names or hosts; empty: every source. */
  sources: string[];
  maxStories: number;
  /** 'slack:C0123', 'discord:1234', 'console'. */
  targets: string[];
  /** What to post when the window holds no matching story. */
  whenEmpty: 'skip' | 'notice';
  /** The file it came from, for error messages. */
  file: string;
}
