// A service on the shared lifecycle that uses no server: for test/unit/foundation/service-lifecycle.test.ts.
// LIFECYCLE_FAIL=config|start makes it fail there; otherwise it prints its stop steps as they run.
import { z } from 'zod';
import { TransientError } from '../../shared/contracts/src/errors/tierflow-error';
import { parseEnv } from '../../shared/runtime/src/config/config-env';
import { runService } from '../../shared/runtime/src/service/service-main';

await runService({
  name: 'lifecycle-test',
  config: () => parseEnv({ LIFECYCLE_NUMBER: z.coerce.number().int().default(1), LIFECYCLE_FAIL: z.enum(['config', 'start']).optional() }),
  start: async ({ config, onStop }) => {
    if (config.LIFECYCLE_FAIL === 'start') throw new TransientError('NETWORK', 'cannot reach the thing');
    const alive = setInterval(() => undefined, 1_000); // what a real service's sockets do
    onStop(() => clearInterval(alive));
    for (const step of ['first', 'second', 'third']) onStop(() => void process.stdout.write(`stop ${step}\n`));
    onStop(() => {
      throw new Error('a failing step does not stop the others');
    });
    process.stdout.write('started\n');
  },
});
