// Writing a pulled `.env` file without `vscode`: never through a symbolic link (a link could send the
// variables anywhere, another repository's tracked file say), and readable by its owner only.
import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';

export type EnvFileWrite = { kind: 'written' } | { kind: 'link'; target: string };

/** Where `file` points when it is a symbolic link; undefined when it is not one or does not exist. */
export async function linkTarget(file: string): Promise<string | undefined> {
  const stat = await fs.lstat(file).catch(() => undefined);
  return stat?.isSymbolicLink() ? fs.readlink(file).catch(() => '?') : undefined;
}

/**
 * Writes `text` to `file` (created with mode 0600). A link is refused, checked first with lstat and
 * again by the open itself (O_NOFOLLOW, where the system has it) in case one appears in between.
 */
export async function writeEnvFile(file: string, text: string): Promise<EnvFileWrite> {
  const target = await linkTarget(file);
  if (target !== undefined) {
    return { kind: 'link', target };
  }
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, flags, 0o600);
  } catch (error) {
    const link = (error as NodeJS.ErrnoException).code === 'ELOOP' ? await linkTarget(file) : undefined;
    if (link !== undefined) {
      return { kind: 'link', target: link };
    }
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
  return { kind: 'written' };
}
