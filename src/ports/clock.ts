/** Milliseconds since the epoch; injected so tests and the sandbox control time. */
export type Clock = () => number;
