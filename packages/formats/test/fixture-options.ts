import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** The options block of a fixture folder's README for one file, so the README and the tests cannot drift apart. */
export function optionsFromReadme(dir: URL, file: string): unknown {
  const readme = readFileSync(new URL('README.md', dir), 'utf8');
  const block = new RegExp('```yaml options=' + file.replace('.', '\\.') + '\\n([\\s\\S]*?)```').exec(readme);
  if (block?.[1] === undefined) throw new Error(`README has no options block for ${file}`);
  return parseYaml(block[1]);
}
