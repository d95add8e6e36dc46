/**
 * True on a CI machine: there, tests that need PostgreSQL, Chromium, a pseudo-terminal or
 * root must run or fail, never skip. Any CI value but an empty one, "false" or "0" counts
 * (GitHub Actions and most runners set "true", some set "1").
 */
export const inCI = ((v) => v !== undefined && v !== '' && v !== 'false' && v !== '0')(process.env.CI?.trim().toLowerCase());
