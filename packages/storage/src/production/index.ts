export { createProductionStorage, migrateProduction } from './create-production-storage.js';
export type { ProductionProfile, ProductionStorageOptions } from './create-production-storage.js';
