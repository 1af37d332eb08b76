// Test support shipped as `@kvraft/raft-core/testing`: the contract suites every adapter runs.
export {};
