// gati watch [dir]: rebuild on every save; only what an edit touched is re-analyzed and re-emitted.
import { watchApp } from '../../driver/watcher.js';
import type { Terminal } from '../terminal.js';
import { RebuildLoop } from './rebuild-loop.js';

export async function watchCommand(root: string, term: Terminal): Promise<number> {
  const loop = new RebuildLoop(root, term);
  await loop.initial();
  void loop.checkTypes();
  const watcher = watchApp(root, (changed) => void loop.rebuild(changed).then(() => loop.checkTypes()));
  term.info('watching for changes (Ctrl-C to stop)');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  watcher.close();
  await loop.dispose();
  return 0;
}
