/** The Redis version we answer as (INFO, HELLO, LOLWUT, fatal config errors ...), and our own. */
export const REDIS_VERSION = '7.0.15';
export const SPLITBRAIN_VERSION = '0.1.0';
