import { OpsDeckContext } from '../context';

export function register(_ctx: OpsDeckContext): void {
  // filled in by the documents capability
}
