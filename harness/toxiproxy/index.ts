export { TOXIPROXY_VERSION, ToxiproxyApi } from './api.js';
export { toxiproxyCommand } from './command.js';
export type { ProxyJson, ToxicJson } from './proxy.js';
export { startToxiproxyServer, type ToxiproxyServer, type ToxiproxyServerOptions } from './server.js';
