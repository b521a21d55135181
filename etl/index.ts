/**
 * The ETL as the server uses it: loading an uploaded file (and how its refusal reads), the
 * open-format downloads and the input templates. `server/` imports `etl/` only through this
 * module (`test/import-rules.test.ts` fails otherwise); the command line (`etl/cli.ts`) is the
 * ETL's other way in.
 */
export { buildExportFile, exportContentType } from './export/open-formats.ts';
export { formatFinding, LoadRefusedError } from './load/findings.ts';
export {
  FAMILIES,
  type Family,
  loadFile,
  type LoadReport,
  ProvincesNotAllowedError,
} from './load/load-file.ts';
export { TEMPLATE_FAMILIES, type TemplateFamily } from './template/column-guide.ts';
export { buildInputTemplate } from './template/input-template.ts';
export { templateProvinces } from './template/template-provinces.ts';
