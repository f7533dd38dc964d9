export { RedisCacheLayer } from './redis-cache-layer.js';
export type { RedisCacheLayerOptions, RedisConnectOptions } from './redis-cache-layer.js';
export type { RedisCommandsLike } from './redis-driver.js';
export { REDIS_SCRIPTS } from './redis-scripts.js';
export type { RedisScript } from './redis-scripts.js';
export { translateRedisError } from './translate-redis-error.js';
