export { startToxiproxyServer, type ToxiproxyServer, type ToxiproxyServerOptions } from './server.js';
export { toxiproxyCommand } from './command.js';
export { ToxiproxyApi, TOXIPROXY_VERSION } from './api.js';
export type { ProxyJson, ToxicJson } from './proxy.js';
