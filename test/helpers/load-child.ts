// Loads one file in a child process, so a test can kill it part-way: `node --import tsx load-child.ts DB FILE`.
import { loadFile } from '../../etl/load/load-file.ts';

const [db, file] = process.argv.slice(2);
const report = await loadFile(file!, {
  db: db!,
  onProgress: (stage) => process.stdout.write(`${stage}\n`),
});
process.stdout.write(`done ${report.outcome} ${report.dataVersion}\n`);
