/** Sentinel's time constants (ms), Redis 7.0's defaults; SENTINEL DEBUG changes them per process. */
export interface Timing {
  infoPeriod: number;
  pingPeriod: number;
  askPeriod: number;
  publishPeriod: number;
  defaultDownAfter: number;
  defaultFailoverTimeout: number;
  tiltTrigger: number;
  tiltPeriod: number;
  slaveReconfTimeout: number;
  minLinkReconnectPeriod: number;
  electionTimeout: number;
  scriptMaxRuntime: number;
  scriptRetryDelay: number;
}

export const DEFAULT_TIMING: Timing = {
  infoPeriod: 10000,
  pingPeriod: 1000,
  askPeriod: 1000,
  publishPeriod: 2000,
  defaultDownAfter: 30000,
  defaultFailoverTimeout: 180000,
  tiltTrigger: 2000,
  tiltPeriod: 30000,
  slaveReconfTimeout: 10000,
  minLinkReconnectPeriod: 15000,
  electionTimeout: 10000,
  scriptMaxRuntime: 60000,
  scriptRetryDelay: 30000,
};

/** SENTINEL DEBUG names (upper-case in the listing, any case when set) → Timing keys, in Redis's order. */
export const DEBUG_PARAMS: [name: string, key: keyof Timing][] = [
  ['info-period', 'infoPeriod'],
  ['ping-period', 'pingPeriod'],
  ['ask-period', 'askPeriod'],
  ['publish-period', 'publishPeriod'],
  ['default-down-after', 'defaultDownAfter'],
  ['default-failover-timeout', 'defaultFailoverTimeout'],
  ['tilt-trigger', 'tiltTrigger'],
  ['tilt-period', 'tiltPeriod'],
  ['slave-reconf-timeout', 'slaveReconfTimeout'],
  ['min-link-reconnect-period', 'minLinkReconnectPeriod'],
  ['election-timeout', 'electionTimeout'],
  ['script-max-runtime', 'scriptMaxRuntime'],
  ['script-retry-delay', 'scriptRetryDelay'],
];
