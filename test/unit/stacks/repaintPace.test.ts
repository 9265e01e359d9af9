// The change view's redraw pace: short for small stacks, and for big ones spaced so that the
// resources redrawn per second stay bounded whatever the stack's size.
import * as assert from 'assert';
import { MAX_VIEW_REPAINT_MS, REPAINT_MS, viewRepaintMs } from '../../../src/stacks/model/repaintPace';

describe('stacks: how often a running operation redraws its change view', () => {
  it('redraws a small stack at the short pace', () => {
    for (const n of [0, 1, 20, 100]) assert.strictEqual(viewRepaintMs(n), REPAINT_MS, `${n} resources`);
  });

  it('keeps the resources redrawn per second bounded as the stack grows, and never waits more than the cap', () => {
    let previous = 0;
    for (let n = 0; n <= 20_000; n += 50) {
      const every = viewRepaintMs(n);
      assert.ok(every >= previous, `the pace never speeds up with size (${n})`);
      assert.ok(every <= MAX_VIEW_REPAINT_MS, `${n}: waits ${every} ms`);
      previous = every;
      // Below the cap, at most 500 resources are laid out per second (100 per redraw at the short pace).
      if (every < MAX_VIEW_REPAINT_MS) assert.ok((n * 1000) / every <= 500, `${n} resources every ${every} ms`);
    }
    assert.strictEqual(viewRepaintMs(500), 1000);
    assert.strictEqual(viewRepaintMs(2000), 4000);
  });
});
