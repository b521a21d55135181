import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { openReader } from '../../warehouse/store/warehouse-store.ts';
import { TEMPLATE_FAMILIES, type TemplateFamily } from '../template/column-guide.ts';
import { buildInputTemplate } from '../template/input-template.ts';
import { templateProvinces } from '../template/template-provinces.ts';

/** What `coopstat template` was asked for. */
export interface TemplateCommand {
  readonly family: string | undefined;
  readonly lang: 'vi' | 'en';
  readonly year: string | undefined;
  readonly output: string | undefined;
  readonly dbPath: string;
}

/** A mistake in the command's arguments, said in one line. */
export class TemplateUsageError extends Error {}

/**
 * `coopstat template aggregates|register`: writes the input workbook of the family with the
 * provinces valid in the year (default: last year) read from the warehouse. Returns the file path.
 */
export async function runTemplate(command: TemplateCommand): Promise<string> {
  const family = command.family;
  if (!(TEMPLATE_FAMILIES as readonly string[]).includes(family ?? '')) {
    throw new TemplateUsageError(
      `needs the family, ${TEMPLATE_FAMILIES.join(' or ')}, but got '${family ?? ''}'`,
    );
  }
  const year = command.year === undefined ? new Date().getUTCFullYear() - 1 : Number(command.year);
  if (
    !/^\d{4}$/.test(String(year)) ||
    (command.year !== undefined && !/^\d{4}$/.test(command.year))
  ) {
    throw new TemplateUsageError(`--year must be a year such as 2025, but got '${command.year}'`);
  }
  const db = await openReader(command.dbPath);
  let provinces;
  try {
    provinces = await templateProvinces(db, year);
  } finally {
    db.close();
  }
  if (provinces.length === 0) {
    throw new TemplateUsageError(
      `--year must be a year with provinces in the warehouse (${command.dbPath}), but got ${year}`,
    );
  }
  const output = command.output ?? `coopstat-${family}-${year}-${command.lang}.xlsx`;
  if ((await stat(output).catch(() => undefined))?.isDirectory())
    throw new TemplateUsageError(
      `-o must name the workbook to write, but got a folder at ${output}`,
    );
  // Its folder is made when missing, as `coopstat export -o` makes its own.
  await mkdir(dirname(output), { recursive: true });
  await writeFile(
    output,
    await buildInputTemplate({
      family: family as TemplateFamily,
      lang: command.lang,
      year,
      provinces,
    }),
  );
  return output;
}
