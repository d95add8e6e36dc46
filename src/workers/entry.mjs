// A worker thread's first module when the workers' bundle cannot be built (bundle.ts). The app
// runs TypeScript without a build step (tsx), and a worker does not inherit the loader of the
// thread that made it, so it registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
