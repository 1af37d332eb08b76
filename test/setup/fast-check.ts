// Property tests are deterministic like everything else: fast-check draws from a fixed seed,
// printed with any counterexample. `FC_SEED=<n> npm test` explores another part of the space.
import fc from 'fast-check';

const seed = Number(process.env['FC_SEED'] ?? 20_261_122);
fc.configureGlobal({ seed });
