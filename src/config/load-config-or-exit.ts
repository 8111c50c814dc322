import { type Config, ConfigError, loadConfig } from './load-config.js';

/** For process entries: a bad configuration ends the process with the message, not a stack trace. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee the README's Configuration section.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
