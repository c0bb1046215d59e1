/** Waiting on what a spawned radassoc process prints (stdout and stderr together). */
import type { ChildProcess } from 'node:child_process';

/** Resolves with everything printed so far once `pattern` appears; rejects with it after `ms`. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`not seen within ${ms} ms: ${pattern}; output so far:\n${seen}`)), ms);
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}
