/**
 * `npm start`: the API on http://127.0.0.1:$PORT (default 3000) with a demo organisation and API key, and the
 * playground page (playground/) at `/` on the same server, running the handlers from their TypeScript sources.
 * `npm run start:assets` (start-assets.ts) does the same with the bundles `cdk synth` makes.
 */
import { serveLocalStack } from './serve.ts';

await serveLocalStack();
