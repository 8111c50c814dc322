import { ensureConsoleBuilt } from '../../scripts/build-console.js';

/** The browser tests open /console: build console/dist first when its sources changed (CI starts without one). */
export default async function setup() {
  await ensureConsoleBuilt({ quiet: true });
}
