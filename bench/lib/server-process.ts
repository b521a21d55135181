import type { ChildProcess } from 'node:child_process';

/**
 * The GraphQL URL a server child process announces on its standard output (`coopstat API on
 * URL`, as `server/main.ts` prints it); rejects when the process exits first.
 */
export function announcedUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /coopstat API on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (code ${code}): ${out}`)));
  });
}
